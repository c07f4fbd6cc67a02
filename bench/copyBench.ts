// Issue 15's copy workload: the generated image (BENCH_LAYERS x
// BENCH_LAYER_MIB) copied between two CNCF distribution registries over TLS
// on loopback, this library's copyImage (its own process, under
// /usr/bin/time for wall time and peak RSS) against
// `skopeo copy --preserve-digests docker://… docker://…`; and within one
// registry to another repository: the blob bytes that went through the client
// (0 when every blob is mounted) and the time. Results go to bench/README.md.
//
//   node out/bench/copyBench.js copy <source-url> <repo:tag> <target-url> <repo:tag>
// runs one copy (the child process); runCopyBench() is the workload (run.ts).
// BENCH_CA_FILES: the registries' CA certificates, comma separated.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ContainerRegistryClient, copyImage } from "../src/client";
import { startRegistry, type RunningRegistry } from "../test/fixtures/registryServer";
import { generateImageLayout } from "./layout";
import { measure } from "./measure";

export interface CopyBenchResults {
  layers: number;
  layerMiB: number;
  rounds: { ours: { seconds: number; peakRssMB: number; bytesTransferred: number }; skopeo: { seconds: number; peakRssMB: number } }[];
  oursMedianSeconds: number;
  skopeoMedianSeconds: number;
  oursToSkopeo: number;
  oursPeakRssMB: number;
  withinOneRegistry: { seconds: number; blobBytesThroughClient: number; blobsMounted: number };
}

function clientFor(url: string, caFiles: string[]): ContainerRegistryClient {
  return new ContainerRegistryClient(url, undefined, {
    registryKind: "oci",
    caCertificates: caFiles.map((file) => fs.readFileSync(file, "utf8")).join("\n"),
  });
}

function split(reference: string): { repository: string; tag: string } {
  const at = reference.lastIndexOf(":");
  return { repository: reference.slice(0, at), tag: reference.slice(at + 1) };
}

async function copyOnce(): Promise<void> {
  const [, sourceUrl, sourceRef, targetUrl, targetRef] = process.argv.slice(2);
  const caFiles = (process.env.BENCH_CA_FILES ?? "").split(",").filter(Boolean);
  const source = split(sourceRef);
  const target = split(targetRef);
  const result = await copyImage(
    { client: clientFor(sourceUrl, caFiles), repository: source.repository, reference: source.tag },
    { client: clientFor(targetUrl, caFiles), repository: target.repository, tag: target.tag },
  );
  process.stdout.write(JSON.stringify(result) + "\n");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
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
    const script = path.join(__dirname, "copyBench.js");
    const results: CopyBenchResults["rounds"] = [];
    for (let round = 0; round < rounds; round++) {
      emptyStorage(to);
      const ours = await measure(process.execPath, [script, "copy", from.url, "bench/source:v1", to.url, `bench/ours:r${round}`], {
        BENCH_CA_FILES: caFiles.join(","),
      });
      const copied = JSON.parse(ours.stdout.trim().split("\n").pop()!) as { digest: string; bytesTransferred: number };
      if (copied.digest !== image.manifestDigest) {
        throw new Error(`our copy stored ${copied.digest}, the image is ${image.manifestDigest}`);
      }
      emptyStorage(to);
      const skopeo = await measure("skopeo", [
        "--insecure-policy",
        "copy",
        "--quiet",
        "--preserve-digests",
        "--src-cert-dir",
        certDirs[0],
        "--dest-cert-dir",
        certDirs[1],
        `docker://${from.host}/bench/source:v1`,
        `docker://${to.host}/bench/skopeo:r${round}`,
      ]);
      results.push({
        ours: { seconds: ours.seconds, peakRssMB: ours.peakRssMB, bytesTransferred: copied.bytesTransferred },
        skopeo: { seconds: skopeo.seconds, peakRssMB: skopeo.peakRssMB },
      });
      process.stderr.write(
        `copy round ${round + 1}/${rounds}: ours ${ours.seconds.toFixed(2)} s ${ours.peakRssMB.toFixed(0)} MB, skopeo ${skopeo.seconds.toFixed(2)} s ${skopeo.peakRssMB.toFixed(0)} MB\n`,
      );
    }
    const started = process.hrtime.bigint();
    const within = await copyImage(
      { client: source, repository: "bench/source", reference: "v1" },
      { client: source, repository: "bench/mirror", tag: "v1" },
    );
    const withinSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const oursMedianSeconds = median(results.map((r) => r.ours.seconds));
    const skopeoMedianSeconds = median(results.map((r) => r.skopeo.seconds));
    return {
      layers,
      layerMiB,
      rounds: results,
      oursMedianSeconds,
      skopeoMedianSeconds,
      oursToSkopeo: oursMedianSeconds / skopeoMedianSeconds,
      oursPeakRssMB: Math.max(...results.map((r) => r.ours.peakRssMB)),
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
    `copy between two registries over TLS (${results.layers} x ${results.layerMiB} MiB): ours ${fmt(results.oursMedianSeconds)} s (peak RSS ${results.oursPeakRssMB.toFixed(0)} MB), skopeo copy --preserve-digests ${fmt(results.skopeoMedianSeconds)} s, ours/skopeo ${fmt(results.oursToSkopeo)} (target ≤ 0.6, RSS ≤ 100 MB)`,
    `copy within one registry to another repository: ${results.withinOneRegistry.blobBytesThroughClient} blob bytes through the client, ${results.withinOneRegistry.blobsMounted} blobs mounted, ${fmt(results.withinOneRegistry.seconds)} s (target 0 bytes, ≤ 1 s)`,
  ];
}

if (require.main === module && process.argv[2] === "copy") {
  copyOnce().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
