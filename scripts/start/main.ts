// `npm start`: the extension as a user sees it, against local registries with
// sample content. `prestart` installed the Debian packages and compiled; this:
//
//   1. installs (once, into .cache/) the VS Code that runs here: code-server's
//      VS Code server on Node 24, from npm;
//   2. packages the extension (.vsix) and installs it into a fresh extensions
//      folder, as a user would;
//   3. starts a CNCF distribution registry and an ACR stand-in (in front of a
//      second distribution registry) on loopback, and pushes sample content
//      (scripts/start/sampleContent.ts);
//   4. serves VS Code in the browser with a workspace folder
//      (.cache/start/workspace, kept between runs) and the two registries
//      connected through CRE_PRESET_REGISTRIES (src/extension/presets.ts),
//      and prints the URL.
//
// Ctrl-C stops everything it started. Environment:
//   CRE_START_PORT  the VS Code port (default 8080, or a free one if taken)
//   CRE_START_HOST  the address to listen on (default 127.0.0.1; the URL carries a
//                   connection token either way)
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { type AcrStandIn, startAcrStandIn } from "../../test/fixtures/acrStandIn";
import { type RunningRegistry, startRegistry } from "../../test/fixtures/registryServer";
import { ensureCodeServer } from "../../test/vscode/ensureCodeServer";
import { formatSize, packageExtension, repoRoot } from "../package";
import { seedAcr, seedDistribution } from "./sampleContent";
import { installVsix, serverEnv, startVsCodeServer, type VsCodeServer, writeUserSettings } from "./vscodeServer";

const started = Date.now();
const ACR_ADMIN = { username: "admin", password: `demo-${crypto.randomBytes(6).toString("hex")}` };

function log(message: string): void {
  console.log(`[start ${((Date.now() - started) / 1000).toFixed(1)} s] ${message}`);
}

function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function choosePort(host: string): Promise<number> {
  const wanted = Number(process.env.CRE_START_PORT) || 8080;
  if (await portIsFree(wanted, host)) {
    return wanted;
  }
  const fallback = await new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
  log(`port ${wanted} is taken; using ${fallback}`);
  return fallback;
}

async function main(): Promise<void> {
  let local: RunningRegistry | undefined;
  let acrUpstream: RunningRegistry | undefined;
  let standIn: AcrStandIn | undefined;
  let server: VsCodeServer | undefined;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cre-start-"));
  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> =>
    (stopping ??= (async () => {
      server?.stop();
      await standIn?.stop().catch(() => undefined);
      await Promise.all([local?.stop(), acrUpstream?.stop()].map((p) => p?.catch(() => undefined) ?? Promise.resolve()));
      fs.rmSync(tmp, { recursive: true, force: true });
    })());
  // Installed before the fixtures start, so theirs (exit on SIGTERM/SIGHUP) stay out of the way.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      console.log(`\n[start] ${signal}: stopping VS Code, the ACR stand-in and the registries…`);
      void stopAll().then(() => {
        console.log("[start] stopped.");
        process.exit(0);
      });
    });
  }

  // If whatever started us goes away without a signal reaching us (npm's shell
  // killed), we are re-parented: stop too rather than leave the registries running.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && !stopping) {
      console.log("[start] the parent process is gone: stopping");
      void stopAll().then(() => process.exit(0));
    }
  }, 1000).unref();

  try {
    const { node, serverMain } = ensureCodeServer(repoRoot);
    log("VS Code server (code-server 4.139.1 on Node 24) is installed");

    const packaged = packageExtension({ quiet: true });
    log(`packaged ${path.relative(repoRoot, packaged.file)} (${formatSize(packaged.bytes)})`);

    local = await startRegistry({ deleteEnabled: true });
    acrUpstream = await startRegistry({ deleteEnabled: true });
    standIn = await startAcrStandIn({ upstream: acrUpstream.url, adminUser: ACR_ADMIN });
    log(`registries: distribution ${local.url}, ACR stand-in ${standIn.url}`);
    const seedLog = (line: string): void => log(`  seeding ${line}`);
    await seedDistribution({ url: local.url }, { log: seedLog });
    await seedAcr({ url: standIn.url, ...ACR_ADMIN }, { log: seedLog });

    const dirs = {
      userData: path.join(tmp, "user-data"),
      serverData: path.join(tmp, "server-data"),
      extensions: path.join(tmp, "extensions"),
    };
    installVsix(node, serverMain, dirs, packaged.file);
    log("extension installed from the .vsix");
    writeUserSettings(dirs, {
      "workbench.startupEditor": "none",
      "telemetry.telemetryLevel": "off",
      "extensions.autoCheckUpdates": false,
      "extensions.autoUpdate": false,
      // The sample workspace is ours: no Restricted Mode banner, no AI chat panel in the way.
      "security.workspace.trust.enabled": false,
      "chat.disableAIFeatures": true,
      "workbench.secondarySideBar.defaultVisibility": "hidden",
    });
    const workspace = path.join(repoRoot, ".cache", "start", "workspace");
    fs.mkdirSync(workspace, { recursive: true });

    const presets = [
      { endpoint: local.url, anonymous: true },
      { endpoint: standIn.url, username: ACR_ADMIN.username, password: ACR_ADMIN.password },
    ];
    const host = process.env.CRE_START_HOST || "127.0.0.1";
    const port = await choosePort(host);
    const logFile = path.join(repoRoot, ".cache", "start", "vscode-server.log");
    server = await startVsCodeServer({
      node,
      serverMain,
      host,
      port,
      dirs,
      env: serverEnv({ CRE_PRESET_REGISTRIES: JSON.stringify(presets) }),
      connectionToken: crypto.randomBytes(16).toString("hex"),
      logFile,
    });
    server.process.once("exit", (code, signal) => {
      if (!stopping) {
        console.error(`[start] the VS Code server exited (${code ?? signal}); see ${logFile}`);
        void stopAll().then(() => process.exit(1));
      }
    });

    const url = server.urlFor(workspace);
    console.log(
      [
        "",
        `Container Registry Explorer is running in VS Code (ready in ${((Date.now() - started) / 1000).toFixed(0)} s).`,
        "",
        `  Open:  ${url}`,
        "",
        "  Then click the Container Registries icon in the activity bar. Connected:",
        `    ${local.host.padEnd(18)} CNCF distribution, anonymous: samples/hello (3 layers),`,
        "                       samples/multiarch (index: linux/amd64, linux/arm64),",
        "                       samples/notes (OCI artifact with titled files), samples/many-tags (130 tags)",
        `    ${standIn.host.padEnd(18)} ACR stand-in, admin user ${ACR_ADMIN.username} / ${ACR_ADMIN.password}:`,
        "                       demo/app (v1, v2; lock and other properties), demo/many-tags (130 manifests: Load more…)",
        "",
        `  Workspace folder (pulls land here): ${path.relative(process.cwd(), workspace) || "."}`,
        `  Server log: ${path.relative(process.cwd(), logFile)}`,
        "  Press Ctrl-C to stop VS Code, the registries and the stand-in.",
        "",
      ].join("\n"),
    );
  } catch (error) {
    console.error(`[start] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await stopAll();
    process.exit(1);
  }
}

void main();
