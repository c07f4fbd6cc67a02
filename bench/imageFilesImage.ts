// The image both image-files benchmarks list (imageFiles.ts in `npm run bench`,
// imageFilesAB.ts for A/B runs): four gzip layers made from this machine's
// /usr/share (documentation, the locales in two halves, the icons), a
// realistic image of about 300 MB uncompressed; and the command-line way of
// listing it that both compare with.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { measure } from "./measure";

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

/**
 * The command-line way: `skopeo copy` of the image to an OCI layout at `layout`,
 * then `tar -tzf` of each layer. Wall and CPU seconds of each part.
 */
export async function listWithCommandLine(
  registryHost: string,
  layout: string,
  layers: readonly { digest: string }[],
): Promise<{ skopeoSeconds: number; tarSeconds: number; cpuSeconds: number }> {
  const copy = await measure("skopeo", ["copy", "--src-tls-verify=false", `docker://${registryHost}/bench/files:v1`, `oci:${layout}:v1`]);
  let tarSeconds = 0;
  let cpuSeconds = copy.cpuSeconds;
  for (const layer of layers) {
    const listed = await measure("tar", ["-tzf", path.join(layout, "blobs", "sha256", layer.digest.slice(7))]);
    tarSeconds += listed.seconds;
    cpuSeconds += listed.cpuSeconds;
  }
  return { skopeoSeconds: copy.seconds, tarSeconds, cpuSeconds };
}
