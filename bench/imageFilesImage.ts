// The image both image-files benchmarks list (imageFiles.ts in `npm run bench`,
// imageFilesAB.ts for A/B runs): four gzip layers made from this machine's
// /usr/share (documentation, the locales in two halves, the icons), a
// realistic image of about 300 MB uncompressed.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const SHARE = "/usr/share";

function tarOf(paths: string[]): Buffer {
  return execFileSync("tar", ["--format=pax", "--sort=name", "-C", SHARE, "-cf", "-", ...paths], { maxBuffer: 1024 * 1024 * 1024 });
}

export function benchImageLayers(): { tar: Buffer; compression: "gzip" }[] {
  const locales = fs.readdirSync(path.join(SHARE, "locale")).sort();
  return [
    ["doc"],
    locales.filter((name) => name < "l").map((name) => `locale/${name}`),
    locales.filter((name) => name >= "l").map((name) => `locale/${name}`),
    ["icons"],
  ].map((paths) => ({ tar: tarOf(paths), compression: "gzip" as const }));
}
