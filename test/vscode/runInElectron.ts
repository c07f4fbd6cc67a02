// Runs the same suite (suite/index.ts) in desktop VS Code through
// @vscode/test-electron, the path extension authors expect. It downloads a
// VS Code build from Microsoft's update service, so it works only on machines
// that reach it; offline CI uses runInRealVSCode.ts instead.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runTests, TestRunFailedError } from "@vscode/test-electron";
import { HARNESS_ENV, RESULTS_FILE_ENV, printSummary } from "./results";
import { createTestWorkspace } from "./testWorkspace";

async function main(): Promise<number> {
  const repoRoot = path.resolve(__dirname, "..", "..", "..");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cre-electron-"));
  const { workspaceFile } = createTestWorkspace(tmp);
  const resultsFile = path.join(tmp, "results.json");
  try {
    let code: number;
    try {
      code = await runTests({
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: path.join(repoRoot, "out", "test", "vscode", "suite", "index.js"),
        // --disable-extensions: only the extension under test is loaded.
        launchArgs: ["--disable-extensions", workspaceFile],
        // test-electron hands these to the extension host (plus process.env).
        extensionTestsEnv: { [RESULTS_FILE_ENV]: resultsFile, [HARNESS_ENV]: "electron" },
      });
    } catch (error) {
      // runTests rejects on a non-zero exit as well as on a failed download.
      console.error(error instanceof Error ? error.message : error);
      code = error instanceof TestRunFailedError && error.code ? error.code : 1;
    }
    const summarized = printSummary(resultsFile);
    return code === 0 && summarized ? 0 : code || 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
