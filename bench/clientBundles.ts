// Each Node client of the benchmark runs as one esbuild bundle, the way the
// extension ships this library (dist/extension.js): loading tens of CommonJS
// files from out/ and node_modules cost about 90 ms before the first request,
// against a few milliseconds for skopeo's binary. The Azure client is bundled
// the same way, so neither Node client pays for module resolution.

import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/** Bundles `entry` (a .ts or .js file) into bench-results/clients/<name>.js and returns that path. */
export async function bundleClient(entry: string, name: string): Promise<string> {
  const outfile = path.join(ROOT, "bench-results", "clients", `${name}.js`);
  await bundleMinified(entry, outfile);
  return outfile;
}

/** One minified CommonJS file for Node 20, with the options of ../esbuild.js --production. */
export async function bundleMinified(entry: string, outfile: string, external: string[] = []): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require("esbuild") as typeof import("esbuild");
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    outfile,
    external,
    minify: true,
    logLevel: "silent",
  });
}
