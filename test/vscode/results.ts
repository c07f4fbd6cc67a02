// The contract between the tests entry (suite/index.ts, inside the extension
// host) and the Node drivers (runInRealVSCode.ts, runInElectron.ts). The
// driver names a file in an environment variable; the extension host inherits
// it (see runInRealVSCode.ts for how) and the suite writes its counts there.
// A file, rather than parsing forwarded log lines, because log forwarding is
// best-effort and the counts decide the build.
import * as fs from "fs";

/** Env var naming the JSON file the suite writes its results to. */
export const RESULTS_FILE_ENV = "CRE_VSCODE_TEST_RESULTS";
/** Env var telling the tests which driver runs them (e.g. "code-server"). */
export const HARNESS_ENV = "CRE_VSCODE_HARNESS";
/** Prefix the suite puts on its console lines so the driver can find them. */
export const OUTPUT_MARKER = "[suite] ";

export interface SuiteResults {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; message: string }[];
}

export function writeResults(file: string, results: SuiteResults): void {
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
}

export function readResults(file: string): SuiteResults | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as SuiteResults;
  } catch {
    return undefined;
  }
}

/**
 * Prints failures and the closing `N passed, N failed` line (alone on its
 * line, the form CI reads). Returns false when no results were written, i.e.
 * the suite never finished.
 */
export function printSummary(file: string): boolean {
  const results = readResults(file);
  if (!results) {
    console.error(`No test results were written to ${file}: the suite did not finish.`);
    return false;
  }
  // The reporter output above has the details; one line each is a recap.
  for (const failure of results.failures) {
    console.log(`FAILED: ${failure.title}: ${failure.message.split("\n")[0]}`);
  }
  const skipped = results.pending > 0 ? `, ${results.pending} skipped` : "";
  console.log(`${results.passed} passed, ${results.failed} failed${skipped}`);
  return true;
}
