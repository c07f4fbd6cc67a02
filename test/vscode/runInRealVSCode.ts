// Runs the extension's mocha suite (suite/index.ts) inside a real VS Code on
// a machine that reaches only the npm registry: VS Code's server from the
// code-server npm package, and its web workbench in headless Chromium. The
// recipe and its reasons are in ../shared/docs/testing-in-real-vscode.md.
//
// Environment: the extension host is a child process of the VS Code server,
// and the server builds its environment from its own process.env. This
// driver starts the server with its own environment plus RESULTS_FILE_ENV and
// HARNESS_ENV, so any variable set when running `npm run test:vscode` (a
// registry URL, credentials for a test) is visible to the tests as
// process.env.NAME inside the extension host.
//
// Tunables: CRE_VSCODE_TEST_TIMEOUT_MS (default 15 min overall),
// CRE_VSCODE_VERBOSE=1 (also mirror the server's own log).
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import type { Browser, Page } from "playwright-core";
import { serverEnv, startVsCodeServer, type VsCodeServer } from "../../scripts/start/vscodeServer";
import { ensureCodeServer } from "./ensureCodeServer";
import { launchChromium } from "./launchChromium";
import { HARNESS_ENV, OUTPUT_MARKER, RESULTS_FILE_ENV, printSummary } from "./results";
import { createTestWorkspace, NEW_WINDOWS_FILE_ENV } from "./testWorkspace";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const artifactsDir = path.join(repoRoot, ".test-artifacts");
const testsEntry = path.join(repoRoot, "out", "test", "vscode", "suite", "index.js");
const timeoutMs = Number(process.env.CRE_VSCODE_TEST_TIMEOUT_MS) || 15 * 60_000;
const verbose = process.env.CRE_VSCODE_VERBOSE === "1";
const started = Date.now();

function elapsed(): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

function log(message: string): void {
  console.log(`[real-vscode ${elapsed()}] ${message}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** The workbench with the multi-root test workspace open (testWorkspace.ts). */
function workbenchUrl(port: number, workspaceFile: string): string {
  const remote = (p: string): string => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ["extensionDevelopmentPath", remote(repoRoot)],
    ["extensionTestsPath", remote(testsEntry)],
    ["skipWelcome", "true"],
  ];
  return (
    `http://127.0.0.1:${port}/?workspace=${encodeURIComponent(workspaceFile)}` + `&payload=${encodeURIComponent(JSON.stringify(payload))}`
  );
}

interface LogFile {
  relativePath: string;
  contents: string;
}

// Resolves with the exit code VS Code reports when the suite's run() settles.
async function runSuite(page: Page, url: string, workbenchLog: fs.WriteStream, newWindowsFile: string): Promise<number> {
  let finished = false;
  let exited: (code: number) => void = () => undefined;
  const exitCode = new Promise<number>((resolve) => (exited = resolve));
  // Everything the workbench says goes to a file; only the suite's own lines
  // (marked by suite/index.ts) go to stdout, since the rest is mostly offline
  // noise (gallery, GitHub sign-in, service worker) that would bury results.
  const record = (source: string, text: string): void => {
    workbenchLog.write(`[${source}] ${text}\n`);
    const at = text.indexOf(OUTPUT_MARKER);
    if (at >= 0 && !finished) {
      console.log(text.slice(at + OUTPUT_MARKER.length));
    } else if (verbose && !finished) {
      console.log(`[${source}] ${text}`);
    }
  };
  // The workbench calls these if the page defines them; exposeFunction must
  // come before goto so they exist when the workbench starts.
  await page.exposeFunction("codeAutomationLog", (level: string, message: string) => {
    workbenchLog.write(`[log ${level}] ${message}\n`);
  });
  await page.exposeFunction("codeAutomationExit", (code: number, logs?: LogFile[]) => {
    finished = true;
    saveWorkbenchLogs(logs);
    exited(code);
  });
  // The extension host's console is forwarded to the page console.
  page.on("console", (message) => record(`console ${message.type()}`, message.text()));
  page.on("pageerror", (error) => record("page error", error.stack ?? error.message));
  // A window the workbench opens (vscode.openFolder in a new window) is written down for the
  // tests (NEW_WINDOWS_FILE_ENV) and closed, so no second workbench runs beside the suite's.
  page.context().on("page", (opened) => {
    void (async () => {
      await opened.waitForURL((u) => u.protocol !== "about:", { waitUntil: "commit", timeout: 10_000 }).catch(() => undefined);
      fs.appendFileSync(newWindowsFile, JSON.stringify({ url: opened.url() }) + "\n");
      record("new window", opened.url());
      await opened.close().catch(() => undefined);
    })();
  });
  await page.goto(url);
  log("workbench loaded, waiting for the suite");
  return exitCode;
}

function saveWorkbenchLogs(logs: LogFile[] | undefined): void {
  for (const entry of logs ?? []) {
    const file = path.join(artifactsDir, "vscode-logs", entry.relativePath);
    if (!file.startsWith(artifactsDir)) {
      continue;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, entry.contents);
  }
}

async function main(): Promise<number> {
  if (!fs.existsSync(testsEntry)) {
    throw new Error(`${testsEntry} is missing: run \`npx tsc -p .\` first`);
  }
  if (!fs.existsSync(path.join(repoRoot, "dist", "extension.js"))) {
    throw new Error("dist/extension.js is missing: run `npm run build` first");
  }
  fs.mkdirSync(artifactsDir, { recursive: true });
  // Logs VS Code hands over at exit; stale ones from a previous run mislead.
  fs.rmSync(path.join(artifactsDir, "vscode-logs"), { recursive: true, force: true });
  const { node, serverMain } = ensureCodeServer(repoRoot);
  log(`code-server ready (${node})`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cre-vscode-"));
  const { workspaceFile } = createTestWorkspace(tmp);
  const resultsFile = path.join(tmp, "results.json");
  const newWindowsFile = path.join(tmp, "new-windows.jsonl");
  fs.writeFileSync(newWindowsFile, "");
  // Without an enclosing VS Code's variables (when run from its terminal), so the server is self-contained.
  const env = serverEnv({ [RESULTS_FILE_ENV]: resultsFile, [HARNESS_ENV]: "code-server", [NEW_WINDOWS_FILE_ENV]: newWindowsFile });

  let server: VsCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const cleanup = (): void => {
    server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  // Ctrl-C or a CI kill must not leave a server and an extension host behind.
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanup();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  let timer: NodeJS.Timeout | undefined;
  let code: number;
  const workbenchLogFile = path.join(artifactsDir, "vscode-workbench.log");
  const workbenchLog = fs.createWriteStream(workbenchLogFile);
  try {
    const port = await freePort();
    server = await startVsCodeServer({
      node,
      serverMain,
      host: "127.0.0.1",
      port,
      dirs: { userData: path.join(tmp, "user-data"), serverData: path.join(tmp, "server-data"), extensions: path.join(tmp, "extensions") },
      env,
      // Otherwise the folder opens in Restricted Mode.
      disableWorkspaceTrust: true,
      // Without it the payload's extensionDevelopmentPath/extensionTestsPath are silently ignored.
      enableSmokeTestDriver: true,
      logFile: path.join(artifactsDir, "vscode-server.log"),
      verbose,
    });
    log(`server listening on 127.0.0.1:${port}`);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        console.error(`Timed out after ${timeoutMs / 1000} s waiting for the suite`);
        resolve(124);
      }, timeoutMs);
    });
    // A crashed server would otherwise leave us waiting for the timeout.
    const serverDied = new Promise<number>((resolve) =>
      server?.process.once("exit", (exitCode, signal) => {
        console.error(`The VS Code server exited (${exitCode ?? signal}) before the suite finished`);
        resolve(1);
      }),
    );
    code = await Promise.race([runSuite(page, workbenchUrl(port, workspaceFile), workbenchLog, newWindowsFile), timeout, serverDied]);
    log(`suite finished with exit code ${code}`);
  } catch (error) {
    console.error(`Harness error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    code = 1;
  } finally {
    clearTimeout(timer);
    if (page) {
      const shot = path.join(artifactsDir, "real-vscode-final.png");
      await page.screenshot({ path: shot }).then(
        () => log(`screenshot: ${path.relative(repoRoot, shot)}`),
        (error: Error) => log(`no screenshot: ${error.message}`),
      );
    }
    await browser?.close().catch(() => undefined);
    workbenchLog.end();
  }
  if (code !== 0) {
    log(`diagnostics: ${path.relative(repoRoot, artifactsDir)}/ (vscode-server.log, vscode-workbench.log, vscode-logs/)`);
  }
  // Read before cleanup removes tmp; printed last so it closes the output.
  const summarized = printSummary(resultsFile);
  cleanup();
  return code === 0 && summarized ? 0 : code || 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
