// The browser both drivers of the real VS Code use (runInRealVSCode.ts for
// the extension tests, test/e2e/run.ts for the UI steps): the system's
// Chromium (CRE_CHROMIUM names another), without the sandbox and the GPU a
// container lacks, and without the background traffic (updates, sync) a
// test has no use for.

import { type Browser, chromium } from "playwright-core";

export function launchChromium(headless = true): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CRE_CHROMIUM ?? "/usr/bin/chromium",
    headless,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
