// A/B of the image-files cold listing (issue 14): two bundled builds of
// bench/imageFilesClient.ts against each other and the command line, the
// order turned each round, on one image and one registry. The full bench
// (imageFiles.ts) measures one build; this one says whether a change helped.
//   tsc -p bench && BENCH_AB_BASE=<a bundle of an earlier imageFilesClient> node out/bench/imageFilesAB.js
// BENCH_ROUNDS (default 5); BENCH_AB_OURS=<bundle> instead of this tree's build;
// BENCH_AB_MORE="name=<bundle>,…" for more contenders; BENCH_AB_NODE_ARGS="--cpu-prof
// --cpu-prof-dir=…" for ours. Prints medians and each child's CPU per thread
// (BENCH_THREAD_CPU, read from /proc/self/task).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ContainerRegistryClient } from "../src/client";
import { pushLayeredImage } from "../test/fixtures/layerBuilder";
import { startRegistry } from "../test/fixtures/registryServer";
import { bundleClient } from "./clientBundles";
import { measure } from "./measure";
import { benchImageLayers, listWithCommandLine } from "./imageFilesImage";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const FILE = "/doc/nodejs/changelogs/CHANGELOG_V12.md";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const base = process.env.BENCH_AB_BASE;
  if (!base) {
    throw new Error("BENCH_AB_BASE must name a bundle of an earlier bench/imageFilesClient.ts");
  }
  const ours =
    process.env.BENCH_AB_OURS ?? (await bundleClient(path.join(__dirname, "..", "..", "bench", "imageFilesClient.ts"), "imageFiles"));
  const nodeArgs = (process.env.BENCH_AB_NODE_ARGS ?? "").split(" ").filter((arg) => arg !== "");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-image-files-ab-"));
  const registry = await startRegistry();
  try {
    const layers = benchImageLayers();
    const image = await pushLayeredImage(new ContainerRegistryClient(registry.url), "bench/files", "v1", layers);
    const rows: Record<string, number[]> = {};
    const add = (key: string, value: number): void => void (rows[key] ??= []).push(value);
    const bundles: Record<string, string> = { base, ours };
    for (const item of (process.env.BENCH_AB_MORE ?? "").split(",").filter((text) => text !== "")) {
      const [name, file] = item.split("=");
      bundles[name] = file;
    }
    const threads: Record<string, string[]> = Object.fromEntries(Object.keys(bundles).map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const runClient = async (name: string): Promise<void> => {
        const cacheDir = path.join(work, `cache-${name}-${round}`);
        const bundle = bundles[name];
        const args = name === "ours" ? nodeArgs : [];
        const cold = await measure(process.execPath, [...args, bundle, "cold", registry.url, "bench/files", "v1", cacheDir], {
          BENCH_THREAD_CPU: "1",
        });
        const result = JSON.parse(cold.stdout) as { entries: number; seconds: number; threads?: string };
        add(`${name} wall`, cold.seconds);
        add(`${name} in process`, result.seconds);
        add(`${name} CPU-s`, cold.cpuSeconds);
        add(`${name} RSS MB`, cold.peakRssMB);
        add(`${name} entries`, result.entries);
        threads[name].push(result.threads ?? "");
        const warm = await measure(process.execPath, [bundle, "warm", registry.url, "bench/files", "v1", cacheDir, FILE]);
        const warmResult = JSON.parse(warm.stdout) as { listRootSeconds: number; readFileSeconds: number };
        add(`${name} warm list /`, warmResult.listRootSeconds);
        add(`${name} warm read 1 MB`, warmResult.readFileSeconds);
        add(`${name} warm RSS MB`, warm.peakRssMB);
        fs.rmSync(cacheDir, { recursive: true, force: true });
      };
      const runCli = async (): Promise<void> => {
        const layout = path.join(work, `layout-${round}`);
        const cli = await listWithCommandLine(registry.host, layout, image.layers);
        add("cli wall", cli.skopeoSeconds + cli.tarSeconds);
        add("cli CPU-s", cli.cpuSeconds);
        fs.rmSync(layout, { recursive: true, force: true });
      };
      const order: (() => Promise<void>)[] = [...Object.keys(bundles).map((name) => () => runClient(name)), runCli];
      for (let turn = 0; turn < order.length; turn++) {
        await order[(turn + round) % order.length]();
      }
      console.error(
        `round ${round}: ${[...Object.keys(bundles), "cli"].map((name) => `${name} ${rows[`${name} wall`][round].toFixed(3)}`).join(" ")}`,
      );
    }
    for (const [key, values] of Object.entries(rows)) {
      console.log(`${key.padEnd(22)} median ${median(values).toFixed(3)}  rounds ${values.map((v) => v.toFixed(3)).join(" ")}`);
    }
    for (const name of Object.keys(bundles)) {
      console.log(`ratio ${name} / cli ${(median(rows[`${name} wall`]) / median(rows["cli wall"])).toFixed(3)}`);
    }
    for (const [name, perRound] of Object.entries(threads)) {
      console.log(`${name} threads (CPU-s by thread name, each round):`);
      perRound.forEach((line) => console.log(`  ${line}`));
    }
  } finally {
    await registry.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
