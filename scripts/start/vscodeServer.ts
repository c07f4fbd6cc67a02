// VS Code in the browser, with the packaged extension installed the way a user
// installs a .vsix: VS Code's own server (from code-server's npm package, see
// test/vscode/ensureCodeServer.ts and
// ../shared/docs/testing-in-real-vscode.md). Used by `npm start` and the e2e tests.
import * as cp from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface VsCodeDirs {
  /** --user-data-dir: User/settings.json, global state. */
  userData: string;
  /** --server-data-dir */
  serverData: string;
  /** --extensions-dir: where the .vsix is installed. */
  extensions: string;
}

export interface VsCodeServerOptions {
  node: string;
  serverMain: string;
  host: string;
  port: number;
  dirs: VsCodeDirs;
  /** The extension host inherits it (so CRE_PRESET_REGISTRIES reaches the extension). */
  env: NodeJS.ProcessEnv;
  /** Without one the server takes any local connection (tests); with one, the URL carries it. */
  connectionToken?: string;
  /** Skips the "Do you trust the authors" prompt on the workspace folder. */
  disableWorkspaceTrust?: boolean;
  /** Honour the URL payload's extensionDevelopmentPath/extensionTestsPath (ignored without it). */
  enableSmokeTestDriver?: boolean;
  logFile: string;
  /** Mirror the server's output. */
  verbose?: boolean;
}

export interface VsCodeServer {
  process: cp.ChildProcess;
  /** The workbench URL for a folder (with the connection token, if any). */
  urlFor(folder: string): string;
  stop(): void;
}

/** The server's environment: ours, minus what would tie it to an enclosing VS Code. */
export function serverEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of Object.keys(env)) {
    if (key.startsWith("VSCODE_") || key === "ELECTRON_RUN_AS_NODE" || key.startsWith("npm_")) {
      delete env[key];
    }
  }
  return env;
}

/** `server-main.js --install-extension <vsix>` into the extensions folder. */
export function installVsix(node: string, serverMain: string, dirs: VsCodeDirs, vsix: string): string {
  const result = cp.spawnSync(
    node,
    [
      serverMain,
      "--accept-server-license-terms",
      "--user-data-dir",
      dirs.userData,
      "--server-data-dir",
      dirs.serverData,
      "--extensions-dir",
      dirs.extensions,
      "--install-extension",
      vsix,
      "--force",
    ],
    { encoding: "utf8", env: serverEnv(), timeout: 120_000 },
  );
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`installing ${path.basename(vsix)} failed (${result.status ?? result.signal}):\n${output}`);
  }
  return output.trim();
}

/** Writes User/settings.json in the user data folder (what "Preferences: Open User Settings (JSON)" edits). */
export function writeUserSettings(dirs: VsCodeDirs, settings: Record<string, unknown>): void {
  const file = path.join(dirs.userData, "User", "settings.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(settings, null, 2) + "\n");
}

/** Starts the server; resolves once it listens. */
export function startVsCodeServer(options: VsCodeServerOptions): Promise<VsCodeServer> {
  const { node, serverMain, host, port, dirs } = options;
  for (const dir of Object.values(dirs) as string[]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  const args = [
    serverMain,
    "--host",
    host,
    "--port",
    String(port),
    ...(options.connectionToken ? ["--connection-token", options.connectionToken] : ["--without-connection-token"]),
    "--accept-server-license-terms",
    "--disable-telemetry",
    ...(options.disableWorkspaceTrust ? ["--disable-workspace-trust"] : []),
    ...(options.enableSmokeTestDriver ? ["--enable-smoke-test-driver"] : []),
    "--user-data-dir",
    dirs.userData,
    "--server-data-dir",
    dirs.serverData,
    "--extensions-dir",
    dirs.extensions,
  ];
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const logStream = fs.createWriteStream(options.logFile);
  // detached: its own process group, so the extension host and the other
  // children go with it when the group is killed.
  const child = cp.spawn(node, args, { env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const stop = (): void => {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        child.kill("SIGTERM");
      }
      // The extension host may linger on SIGTERM; make sure the group is gone.
      const pid = child.pid;
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline && groupAlive(pid)) {
        cp.spawnSync("sleep", ["0.1"]);
      }
      if (groupAlive(pid)) {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
    }
  };
  const base = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const urlFor = (folder: string): string =>
    `${base}/?${options.connectionToken ? `tkn=${encodeURIComponent(options.connectionToken)}&` : ""}folder=${encodeURIComponent(folder)}`;
  return new Promise((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`VS Code server not ready after 60 s; see ${options.logFile}`));
    }, 60_000);
    const onData = (chunk: Buffer): void => {
      logStream.write(chunk);
      if (options.verbose) {
        process.stdout.write(`[vscode-server] ${chunk.toString()}`);
      }
      if (!ready && chunk.toString().includes(`Extension host agent listening on ${port}`)) {
        ready = true;
        clearTimeout(timer);
        resolve({ process: child, urlFor, stop });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      logStream.end();
      if (!ready) {
        clearTimeout(timer);
        reject(new Error(`VS Code server exited early (${code ?? signal}); see ${options.logFile}`));
      }
    });
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
