// Issue 15's copy workload: the generated image (BENCH_LAYERS x
// BENCH_LAYER_MIB) copied between two CNCF distribution registries over TLS
// on loopback, this library's copyImage (its own process, under
// /usr/bin/time for wall time and peak RSS) against
// `skopeo copy --preserve-digests docker://… docker://…`; and within one
// registry to another repository: the blob bytes that went through the client
// (0 when every blob is mounted) and the time. Results go to bench/README.md.
//
// Each copy of ours runs copyClient.ts, bundled as the extension ships the
// library (clientBundles.ts); runCopyBench() is the workload (run.ts).

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ContainerRegistryClient, copyImage } from "../src/client";
import { startRegistry, type RunningRegistry } from "../test/fixtures/registryServer";
import { bundleClient } from "./clientBundles";
import { generateImageLayout } from "./layout";
import { cpuSecondsOf, type Measured, measure } from "./measure";

/** One copy as measured: the client's wall time, peak RSS and CPU, and both registries' CPU meanwhile. */
export interface CopySample {
  seconds: number;
  peakRssMB: number;
  cpuSeconds: number;
  /** CPU seconds of the source registry (serving) and the target registry (receiving) during the copy. */
  sourceRegistryCpuSeconds: number;
  targetRegistryCpuSeconds: number;
  bytesTransferred?: number;
}

type Contender = "ours" | "skopeo" | "base";

export interface CopyBenchResults {
  layers: number;
  layerMiB: number;
  rounds: Partial<Record<Contender, CopySample>>[];
  oursMedianSeconds: number;
  skopeoMedianSeconds: number;
  oursToSkopeo: number;
  oursPeakRssMB: number;
  oursMedianCpuSeconds: number;
  skopeoMedianCpuSeconds: number;
  /**
   * What two cores can do at best: every CPU-second of the copy (both
   * registries' and ours, medians of our rounds) spread over both cores,
   * with nothing waiting.
   */
  floorSeconds: number;
  registriesMedianCpuSeconds: number;
  /** The same for skopeo's rounds: the best two cores allow it (it runs at about its floor on a quiet machine). */
  skopeoFloorSeconds: number;
  base?: { medianSeconds: number; medianCpuSeconds: number; peakRssMB: number };
  withinOneRegistry: { seconds: number; blobBytesThroughClient: number; blobsMounted: number };
}

const ROOT = path.resolve(__dirname, "..", "..");

function clientFor(url: string, caFiles: string[]): ContainerRegistryClient {
  return new ContainerRegistryClient(url, undefined, {
    registryKind: "oci",
    caCertificates: caFiles.map((file) => fs.readFileSync(file, "utf8")).join("\n"),
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
}

function sync(): Promise<void> {
  // The last copy's dirty pages are flushed outside the timed part.
  return new Promise((resolve) => spawn("sync").on("exit", () => resolve()));
}

function emptyStorage(registry: RunningRegistry): void {
  fs.rmSync(path.join(registry.storageDir, "docker"), { recursive: true, force: true });
}

export async function runCopyBench(layers: number, layerMiB: number, rounds: number): Promise<CopyBenchResults> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "crx-copy-bench-"));
  const [from, to] = await Promise.all([startRegistry({ tls: true }), startRegistry({ tls: true })]);
  try {
    const caFiles = [from.caCertPath!, to.caCertPath!];
    const certDirs = [from, to].map((registry, i) => {
      const dir = path.join(workDir, `certs-${i}`);
      fs.mkdirSync(dir);
      fs.copyFileSync(registry.caCertPath!, path.join(dir, "ca.crt"));
      return dir;
    });
    process.stderr.write(`copy bench: generating ${layers} x ${layerMiB} MiB layers\n`);
    const image = generateImageLayout(path.join(workDir, "image"), layers, layerMiB * 1024 * 1024);
    const source = clientFor(from.url, caFiles);
    await source.pushImage("bench/source", image.dir, { tag: "v1" });
    const script = await bundleClient(path.join(ROOT, "bench", "copyClient.ts"), "copy");
    // BENCH_COPY_BASE_OUT: an earlier build's out/ (inside the checkout, so node_modules resolve; with
    // bench/copyClient.js, which may be copied in from this build's out/), run as "base" (A/B).
    const baseOut = process.env.BENCH_COPY_BASE_OUT;
    const baseScript = baseOut ? await bundleClient(path.resolve(baseOut, "bench", "copyClient.js"), "copyBase") : undefined;
    // BENCH_COPY_CONTENDERS: some of ours,skopeo,base (profiling runs); BENCH_COPY_NODE_ARGS: node flags for ours (--cpu-prof).
    const contenders = (process.env.BENCH_COPY_CONTENDERS?.split(",") as Contender[] | undefined) ?? [
      "ours",
      "skopeo",
      ...(baseScript ? (["base"] as const) : []),
    ];
    const nodeArgs = (process.env.BENCH_COPY_NODE_ARGS ?? "").split(" ").filter(Boolean);
    // BENCH_COPY_BASE_ENV="K=V,K2=V2": environment for base only (the same build with another setting: BENCH_COPY_BASE_OUT=out).
    const baseEnv = Object.fromEntries(
      (process.env.BENCH_COPY_BASE_ENV ?? "")
        .split(",")
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
    );
    const copyWith = async (contender: Contender, round: number): Promise<{ measured: Measured; bytesTransferred?: number }> => {
      const targetRef = `bench/${contender}:r${round}`;
      if (contender === "skopeo") {
        const measured = await measure("skopeo", [
          "--insecure-policy",
          "copy",
          "--quiet",
          "--preserve-digests",
          "--src-cert-dir",
          certDirs[0],
          "--dest-cert-dir",
          certDirs[1],
          `docker://${from.host}/bench/source:v1`,
          `docker://${to.host}/${targetRef}`,
        ]);
        return { measured };
      }
      const measured = await measure(
        process.execPath,
        [
          ...(contender === "ours" ? nodeArgs : []),
          contender === "base" ? baseScript! : script,
          from.url,
          "bench/source:v1",
          to.url,
          targetRef,
        ],
        { BENCH_CA_FILES: caFiles.join(","), ...(contender === "base" ? baseEnv : {}) },
      );
      const copied = JSON.parse(measured.stdout.trim().split("\n").pop()!) as { digest: string; bytesTransferred: number };
      if (copied.digest !== image.manifestDigest) {
        throw new Error(`the ${contender} copy stored ${copied.digest}, the image is ${image.manifestDigest}`);
      }
      return { measured, bytesTransferred: copied.bytesTransferred };
    };
    const results: CopyBenchResults["rounds"] = [];
    for (let round = 0; round < rounds; round++) {
      const sample: CopyBenchResults["rounds"][number] = {};
      // The order turns each round, so a busy spell of the shared machine does not always fall on one contender.
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
      for (const contender of order) {
        emptyStorage(to);
        await sync();
        const sourceCpu = cpuSecondsOf(from.pid);
        const targetCpu = cpuSecondsOf(to.pid);
        const { measured, bytesTransferred } = await copyWith(contender, round);
        sample[contender] = {
          seconds: measured.seconds,
          peakRssMB: measured.peakRssMB,
          cpuSeconds: measured.cpuSeconds,
          sourceRegistryCpuSeconds: cpuSecondsOf(from.pid) - sourceCpu,
          targetRegistryCpuSeconds: cpuSecondsOf(to.pid) - targetCpu,
          bytesTransferred,
        };
      }
      results.push(sample);
      process.stderr.write(
        `copy round ${round + 1}/${rounds}: ${contenders
          .map((contender) => {
            const s = sample[contender]!;
            return `${contender} ${s.seconds.toFixed(2)} s ${s.peakRssMB.toFixed(0)} MB cpu ${s.cpuSeconds.toFixed(2)} (registries ${s.sourceRegistryCpuSeconds.toFixed(2)} + ${s.targetRegistryCpuSeconds.toFixed(2)})`;
          })
          .join(", ")}\n`,
      );
    }
    const started = process.hrtime.bigint();
    const within = await copyImage(
      { client: source, repository: "bench/source", reference: "v1" },
      { client: source, repository: "bench/mirror", tag: "v1" },
    );
    const withinSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const of = (contender: Contender): CopySample[] => results.flatMap((r) => (r[contender] ? [r[contender]] : []));
    const oursMedianSeconds = median(of("ours").map((s) => s.seconds));
    const skopeoMedianSeconds = median(of("skopeo").map((s) => s.seconds));
    const registriesMedianCpuSeconds = median(of("ours").map((s) => s.sourceRegistryCpuSeconds + s.targetRegistryCpuSeconds));
    const oursMedianCpuSeconds = median(of("ours").map((s) => s.cpuSeconds));
    return {
      layers,
      layerMiB,
      rounds: results,
      oursMedianSeconds,
      skopeoMedianSeconds,
      oursToSkopeo: oursMedianSeconds / skopeoMedianSeconds,
      oursPeakRssMB: Math.max(...of("ours").map((s) => s.peakRssMB)),
      oursMedianCpuSeconds,
      skopeoMedianCpuSeconds: median(of("skopeo").map((s) => s.cpuSeconds)),
      registriesMedianCpuSeconds,
      floorSeconds: (registriesMedianCpuSeconds + oursMedianCpuSeconds) / os.cpus().length,
      skopeoFloorSeconds:
        median(of("skopeo").map((s) => s.sourceRegistryCpuSeconds + s.targetRegistryCpuSeconds + s.cpuSeconds)) / os.cpus().length,
      base: baseScript
        ? {
            medianSeconds: median(of("base").map((s) => s.seconds)),
            medianCpuSeconds: median(of("base").map((s) => s.cpuSeconds)),
            peakRssMB: Math.max(...of("base").map((s) => s.peakRssMB)),
          }
        : undefined,
      withinOneRegistry: { seconds: withinSeconds, blobBytesThroughClient: within.bytesTransferred, blobsMounted: within.blobsMounted },
    };
  } finally {
    await Promise.all([from.stop(), to.stop()]);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/** The report's lines for the copy workload. */
export function copyBenchLines(results: CopyBenchResults): string[] {
  const fmt = (n: number): string => n.toFixed(2);
  return [
    `copy between two registries over TLS (${results.layers} x ${results.layerMiB} MiB): ours ${fmt(results.oursMedianSeconds)} s (peak RSS ${results.oursPeakRssMB.toFixed(0)} MB, ${fmt(results.oursMedianCpuSeconds)} CPU-s), skopeo copy --preserve-digests ${fmt(results.skopeoMedianSeconds)} s (${fmt(results.skopeoMedianCpuSeconds)} CPU-s), ours/skopeo ${fmt(results.oursToSkopeo)} (target ≤ 0.6, RSS ≤ 100 MB)`,
    `copy floor (every CPU-second of the copy over ${os.cpus().length} cores): ours (registries ${fmt(results.registriesMedianCpuSeconds)} + client ${fmt(results.oursMedianCpuSeconds)} CPU-s) ${fmt(results.floorSeconds)} s, skopeo ${fmt(results.skopeoFloorSeconds)} s; the best ours/skopeo this machine allows is about ${fmt(results.floorSeconds / results.skopeoFloorSeconds)}`,
    ...(results.base
      ? [
          `copy, earlier build (BENCH_COPY_BASE_OUT): ${fmt(results.base.medianSeconds)} s, ${fmt(results.base.medianCpuSeconds)} CPU-s, peak RSS ${results.base.peakRssMB.toFixed(0)} MB`,
        ]
      : []),
    `copy within one registry to another repository: ${results.withinOneRegistry.blobBytesThroughClient} blob bytes through the client, ${results.withinOneRegistry.blobsMounted} blobs mounted, ${fmt(results.withinOneRegistry.seconds)} s (target 0 bytes, ≤ 1 s)`,
  ];
}
