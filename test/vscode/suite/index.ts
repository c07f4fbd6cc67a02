// The tests entry that VS Code loads into its extension host (the
// extensionTestsPath). VS Code calls run() and reports its outcome: resolve
// means exit code 0, reject means 1. Runs every *.test.js beside this file.
import * as fs from "fs";
import * as path from "path";
import * as util from "util";
import Mocha from "mocha";
import { HARNESS_ENV, OUTPUT_MARKER, RESULTS_FILE_ENV, type SuiteResults, writeResults } from "../results";

function findTests(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...findTests(full));
    } else if (entry.name.endsWith(".test.js")) {
      found.push(full);
    }
  }
  return found.sort();
}

// VS Code forwards the extension host's console to the workbench, where it is
// mixed with the workbench's own log lines and loses printf formatting
// ("%s%s" shows up literally). So the reporter's output is formatted here and
// prefixed with a marker that lets the driver print exactly these lines.
// (console.log itself cannot be wrapped: the extension host defines it with
// a getter and a setter that ignores assignments.) Returns the undo.
function markReporterOutput(): () => void {
  // Every built-in reporter prints through Base.consoleLog.
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const previous = base.consoleLog;
  base.consoleLog = (...args: unknown[]) => console.log(OUTPUT_MARKER + util.format(...args));
  return () => {
    base.consoleLog = previous;
  };
}

export function run(): Promise<void> {
  // No colours: the output travels as console lines to the browser and then
  // the driver's stdout, where escape codes would be noise in CI logs.
  // CRE_VSCODE_GREP runs only the tests whose title matches, while working on them.
  const grep = process.env.CRE_VSCODE_GREP;
  const mocha = new Mocha({ ui: "bdd", color: false, timeout: 60_000, reporter: "spec", ...(grep ? { grep } : {}) });
  for (const file of findTests(__dirname)) {
    mocha.addFile(file);
  }
  const results: SuiteResults = { passed: 0, failed: 0, pending: 0, failures: [] };
  // Desktop VS Code (test-electron) prints the console as is; only the
  // code-server driver needs the marker to find the suite's lines.
  const unmark = process.env[HARNESS_ENV] === "code-server" ? markReporterOutput() : () => undefined;
  return new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run(() => {
        unmark();
        const file = process.env[RESULTS_FILE_ENV];
        if (file) {
          writeResults(file, results);
        }
        if (results.failed > 0) {
          reject(new Error(`${results.failed} of ${results.passed + results.failed} tests failed`));
        } else {
          resolve();
        }
      });
      // Counted here rather than from runner.stats so hook failures count too.
      runner.on("pass", () => results.passed++);
      runner.on("pending", () => results.pending++);
      runner.on("fail", (test, error: Error) => {
        results.failed++;
        results.failures.push({ title: test.fullTitle(), message: String(error?.stack ?? error) });
      });
    } catch (error) {
      // A test file that throws while loading ends up here.
      unmark();
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
