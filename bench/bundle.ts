// The extension's production bundle: its size, and how long Node takes to
// load it (with a stand-in `vscode` module). Built to bench-results/ with the
// options of ../esbuild.js --production, so dist/ is left alone.

import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { bundleMinified } from "./clientBundles";

export interface BundleResults {
  bytes?: number;
  loadMs?: number;
  activation: string;
  error?: string;
}

const ROOT = path.resolve(__dirname, "..", "..");

export async function measureBundle(): Promise<BundleResults> {
  const outfile = path.join(ROOT, "bench-results", "extension.min.js");
  const entry = path.join(ROOT, "src", "extension", "extension.ts");
  if (!fs.existsSync(entry)) {
    return { activation: "not measured", error: "src/extension/extension.ts does not exist yet" };
  }
  try {
    // The Azure group's ARM libraries are a bundle of their own, loaded on first use (see ../esbuild.js).
    await bundleMinified(entry, outfile, ["vscode", "./arm/armApi"]);
  } catch (error) {
    return { activation: "not measured", error: `build failed: ${(error as Error).message.split("\n")[0]}` };
  }
  const bytes = fs.statSync(outfile).size;
  // Module load time in a fresh process, `vscode` replaced by a proxy that accepts anything.
  const probe = `
    const Module = require("module");
    const original = Module._load;
    const anything = new Proxy(function () {}, { get: (t, k) => (k === "then" ? undefined : anything), apply: () => anything, construct: () => anything });
    Module._load = function (request, ...rest) { return request === "vscode" ? anything : original.call(this, request, ...rest); };
    const t = performance.now();
    require(${JSON.stringify(outfile)});
    process.stdout.write(String(performance.now() - t));
  `;
  let loadMs: number | undefined;
  try {
    loadMs = Number(execFileSync(process.execPath, ["-e", probe], { encoding: "utf8" }));
  } catch {
    loadMs = undefined;
  }
  return {
    bytes,
    loadMs,
    activation: "not measured here (activate() needs a real extension host; the VS Code tests run it); module load time shown instead",
  };
}
