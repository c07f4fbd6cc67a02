// A/B of the seed-style pull (issue 12): two bundled builds of
// bench/seedStyleClient.ts, and floorClient.ts's pull-to-files (the same
// write path with node:https alone), pulling one image from one TLS registry
// in turn, the order turned each round. The full bench (run.ts) pushes before
// every pull; this one pushes once, so it says whether a change helped.
//   tsc -p bench && BENCH_AB_BASE=<a bundle of an earlier seedStyleClient> node out/bench/seedPullAB.js
// BENCH_ROUNDS (default 5), BENCH_LAYERS (4), BENCH_LAYER_MIB (256);
// BENCH_AB_MORE="name=<bundle>,…" for more seed-style contenders. Every seed-style
// pull runs with BENCH_MEMTRACE=1: the memory at its RSS peak is printed too.

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startRegistry } from "../test/fixtures/registryServer";
import { bundleClient } from "./clientBundles";
import { generateImageLayout } from "./layout";
import { measure } from "./measure";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const LAYERS = Number(process.env.BENCH_LAYERS ?? 4);
const LAYER_MIB = Number(process.env.BENCH_LAYER_MIB ?? 256);
const BENCH = path.join(__dirname, "..", "..", "bench");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function sync(): Promise<void> {
  // Dirty pages of the last pull are flushed outside the timed part.
  return new Promise((resolve) => spawn("sync").on("exit", () => resolve()));
}

async function main(): Promise<void> {
  const base = process.env.BENCH_AB_BASE;
  if (!base) {
    throw new Error("BENCH_AB_BASE must name a bundle of an earlier bench/seedStyleClient.ts");
  }
  const bundles: Record<string, string> = { base, ours: await bundleClient(path.join(BENCH, "seedStyleClient.ts"), "seedAB") };
  for (const item of (process.env.BENCH_AB_MORE ?? "").split(",").filter((text) => text !== "")) {
    const [name, file] = item.split("=");
    bundles[name] = file;
  }
  const floor = await bundleClient(path.join(BENCH, "floorClient.ts"), "floorAB");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-seed-pull-ab-"));
  const registry = await startRegistry({ tls: true, relativeUrls: true });
  try {
    const image = generateImageLayout(path.join(work, "image"), LAYERS, LAYER_MIB * 1024 * 1024);
    const env = { NODE_EXTRA_CA_CERTS: registry.caCertPath! };
    await measure(process.execPath, [floor, "push", registry.url, "bench/seed:v1", image.dir], env);
    const rows: Record<string, number[]> = {};
    const add = (key: string, value: number): void => void (rows[key] ??= []).push(value);
    const peaks: Record<string, string[]> = {};
    const contenders: [string, string[], NodeJS.ProcessEnv][] = [
      ...Object.entries(bundles).map(([name, bundle]): [string, string[], NodeJS.ProcessEnv] => [
        name,
        [bundle, "pull"],
        { ...env, BENCH_MEMTRACE: "1" },
      ]),
      ["floorSeed", [floor, "pull-to-files"], env],
    ];
    for (let round = 0; round < ROUNDS; round++) {
      for (let turn = 0; turn < contenders.length; turn++) {
        const [name, [script, command], childEnv] = contenders[(turn + round) % contenders.length];
        const dir = path.join(work, `pull-${name}-${round}`);
        await sync();
        const pulled = await measure(process.execPath, [script, command, registry.url, "bench/seed:v1", dir], childEnv);
        for (const digest of image.layerDigests) {
          const size = fs.statSync(path.join(dir, "blobs", "sha256", digest.slice(7))).size;
          if (size !== image.totalBytes / image.layerDigests.length) {
            throw new Error(`${name} left ${digest} with ${size} bytes`);
          }
        }
        fs.rmSync(dir, { recursive: true, force: true });
        add(`${name} wall`, pulled.seconds);
        add(`${name} CPU-s`, pulled.cpuSeconds);
        add(`${name} RSS MB`, pulled.peakRssMB);
        const printed = JSON.parse(pulled.stdout.trim().split("\n").pop()!) as { memoryAtPeak?: Record<string, number> };
        if (printed.memoryAtPeak) {
          (peaks[name] ??= []).push(JSON.stringify(printed.memoryAtPeak));
        }
      }
      console.error(`round ${round}: ${contenders.map(([name]) => `${name} ${rows[`${name} wall`][round].toFixed(2)} s`).join(", ")}`);
    }
    for (const [key, values] of Object.entries(rows)) {
      console.log(`${key.padEnd(18)} median ${median(values).toFixed(2)}  rounds ${values.map((v) => v.toFixed(2)).join(" ")}`);
    }
    for (const [name, samples] of Object.entries(peaks)) {
      console.log(`${name} memory at the RSS peak (MB), each round:`);
      samples.forEach((line) => console.log(`  ${line}`));
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
