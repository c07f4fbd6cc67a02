// Benchmark of issue 14, part of `npm run bench` (run.ts calls
// runImageFilesBench; BENCH_SKIP_IMAGE_FILES=1 skips it), or alone:
// `tsc -p bench && node out/bench/imageFiles.js`. An image of about 360 MB uncompressed in 4 gzip
// layers made from /usr/share (doc, locale a-k, locale l-z, icons), pushed to
// distribution on loopback. Per round, each as its own process under
// /usr/bin/time:
// - cold: this library lists the whole merged file system from an empty
//   cache, against the command-line way (`skopeo copy` to an OCI layout,
//   then `tar -tzf` of each layer);
// - warm: list `/` and read a 1 MB file from the warm cache;
// - the cache's choice: reading that file from the uncompressed copy,
//   against inflating the layer from its start (what a cache of compressed
//   blobs must do, Node's zlib having no way to resume mid-stream).
// BENCH_ROUNDS (default 3).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ContainerRegistryClient } from "../src/client";
import { pushLayeredImage } from "../test/fixtures/layerBuilder";
import { bundleClient } from "./clientBundles";
import { measure } from "./measure";
import { benchImageLayers, listWithCommandLine } from "./imageFilesImage";
import { startRegistry } from "../test/fixtures/registryServer";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const FILE = "/doc/nodejs/changelogs/CHANGELOG_V12.md";
let CHILD = path.join(__dirname, "imageFilesClient.js");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export interface ImageFilesResults {
  /** The report's lines, as printed. */
  lines: string[];
  entries: number;
  /** Seconds (and MB for the RSS rows) per round. */
  rows: Record<string, number[]>;
  ratioToCommandLine: number;
  targets: { ratioToCommandLine: number; warmListRootSeconds: number; warmReadFileSeconds: number; peakRssMB: number };
}

export async function runImageFilesBench(): Promise<ImageFilesResults> {
  const lines: string[] = [];
  const log = (line: string): void => {
    lines.push(line);
    console.log(line);
  };
  // One bundle, as the extension ships the library (see clientBundles.ts).
  CHILD = await bundleClient(path.join(__dirname, "..", "..", "bench", "imageFilesClient.ts"), "imageFiles");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-image-files-"));
  const registry = await startRegistry();
  try {
    const layers = benchImageLayers();
    const uncompressed = layers.reduce((sum, layer) => sum + layer.tar.length, 0);
    const client = new ContainerRegistryClient(registry.url);
    const image = await pushLayeredImage(client, "bench/files", "v1", layers);
    const compressed = image.layers.reduce((sum, layer) => sum + layer.size, 0);
    log(
      `image: ${layers.length} gzip layers, ${(uncompressed / 1e6).toFixed(0)} MB uncompressed, ${(compressed / 1e6).toFixed(0)} MB compressed`,
    );

    const rows: Record<string, number[]> = {
      ours: [],
      oursInProcess: [],
      oursRss: [],
      oursCpu: [],
      cli: [],
      skopeo: [],
      tar: [],
      listRoot: [],
      readFile: [],
      warmRss: [],
      ranged: [],
      inflate: [],
    };
    let entries = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const cacheDir = path.join(work, `cache-${round}`);
      const layout = path.join(work, `layout-${round}`);
      const runOurs = async (): Promise<void> => {
        const cold = await measure(process.execPath, [CHILD, "cold", registry.url, "bench/files", "v1", cacheDir]);
        const result = JSON.parse(cold.stdout) as { entries: number; seconds: number };
        entries = result.entries;
        rows.ours.push(cold.seconds);
        rows.oursInProcess.push(result.seconds);
        rows.oursRss.push(cold.peakRssMB);
        rows.oursCpu.push(cold.cpuSeconds);
      };
      const runCli = async (): Promise<void> => {
        const cli = await listWithCommandLine(registry.host, layout, image.layers);
        rows.skopeo.push(cli.skopeoSeconds);
        rows.tar.push(cli.tarSeconds);
        rows.cli.push(cli.skopeoSeconds + cli.tarSeconds);
      };
      // Alternate who goes first: the page cache and the registry warm up for the second.
      if (round % 2 === 0) {
        await runOurs();
        await runCli();
      } else {
        await runCli();
        await runOurs();
      }
      const warm = await measure(process.execPath, [CHILD, "warm", registry.url, "bench/files", "v1", cacheDir, FILE]);
      const warmResult = JSON.parse(warm.stdout) as { listRootSeconds: number; readFileSeconds: number };
      rows.listRoot.push(warmResult.listRootSeconds);
      rows.readFile.push(warmResult.readFileSeconds);
      rows.warmRss.push(warm.peakRssMB);
      const choice = JSON.parse(
        (
          await measure(process.execPath, [
            CHILD,
            "choice",
            cacheDir,
            image.layers[0].digest,
            path.join(layout, "blobs", "sha256", image.layers[0].digest.slice(7)),
            FILE.slice(1),
          ])
        ).stdout,
      ) as { rangedReadSeconds: number; inflateFromStartSeconds: number; tarBytes: number; blobBytes: number; entryOffset: number };
      rows.ranged.push(choice.rangedReadSeconds);
      rows.inflate.push(choice.inflateFromStartSeconds);
      if (round === 0) {
        log(
          `cache choice, layer 0: tar ${(choice.tarBytes / 1e6).toFixed(0)} MB vs blob ${(choice.blobBytes / 1e6).toFixed(0)} MB; ${FILE} at ${(choice.entryOffset / 1e6).toFixed(1)} MB`,
        );
      }
      fs.rmSync(layout, { recursive: true, force: true });
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
    const m = (key: string): string => median(rows[key]).toFixed(3);
    log(`entries listed: ${entries}; medians of ${ROUNDS} rounds`);
    log(
      `cold list, ours: ${m("ours")} s (${m("oursInProcess")} s from open to the end of the walk; CPU ${m("oursCpu")} s, peak RSS ${m("oursRss")} MB)`,
    );
    log(`cold list, skopeo copy + tar -tzf: ${m("cli")} s (${m("skopeo")} + ${m("tar")})`);
    log(`ratio ours / command line (target <= 0.7): ${(median(rows.ours) / median(rows.cli)).toFixed(2)}`);
    log(`warm: list / ${m("listRoot")} s (target <= 0.2), read 1 MB ${m("readFile")} s (target <= 0.1), peak RSS ${m("warmRss")} MB`);
    log(`1 MB file: ranged read of the uncompressed copy ${m("ranged")} s; inflating the layer up to it ${m("inflate")} s`);
    return {
      lines,
      entries,
      rows,
      ratioToCommandLine: median(rows.ours) / median(rows.cli),
      targets: { ratioToCommandLine: 0.7, warmListRootSeconds: 0.2, warmReadFileSeconds: 0.1, peakRssMB: 150 },
    };
  } finally {
    await registry.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runImageFilesBench().then(
    (results) => console.log(JSON.stringify(results.rows)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
