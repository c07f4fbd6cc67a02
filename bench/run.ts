// `npm run bench`: this library against skopeo and @azure/container-registry,
// side by side in one run (see ../shared/docs/performance-baselines.md and
// bench/README.md). Prints one table and writes the same as JSON to
// bench-results/. Environment: BENCH_ROUNDS (default 3), BENCH_LAYERS (4),
// BENCH_LAYER_MIB (256), BENCH_CLIENTS (ours,seed,skopeo,azure,azureSeed,floor,floorSeed:
// seed and azureSeed are issue 12's per-blob workloads, floor the client's
// minimum, floorSeed the seed-style pull's minimum; see seedReport.ts), BENCH_SKIP_LISTING=1 (the 10,000-repository listing),
// BENCH_SKIP_PREFIX_SEARCH=1 (the prefix search among 100,000; BENCH_PREFIX_ROUNDS),
// BENCH_SKIP_ACR=1 (the ACR stand-in's first expand),
// BENCH_SKIP_TRANSFER=1,
// BENCH_CONCURRENCY (our blobs in flight; default the library's),
// BENCH_BASE_OUT=<dir holding a saved out/> with client "base" in BENCH_CLIENTS: an
// earlier build of this library side by side with the current one (A/B);
// BENCH_BASE_ENV="K=V,K2=V2": extra environment for client "base" only (e.g. the same
// build with BENCH_HASH_WORKERS=0, BENCH_BASE_OUT=out).

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startRegistry, type RunningRegistry } from "../test/fixtures/registryServer";
import { generateImageLayout, type GeneratedImage } from "./layout";
import { runListingBench, type ListingResults } from "./listing";
import { prefixSearchLines, runPrefixSearchBench, type PrefixSearchResults } from "./prefixSearch";
import { measureBundle, type BundleResults } from "./bundle";
import { bundleClient } from "./clientBundles";
import { cpuSecondsOf, type Measured, measure, TIME } from "./measure";
import { seedStyleReport } from "./seedReport";
import { copyBenchLines, runCopyBench } from "./copyBench";
import { runImageFilesBench, type ImageFilesResults } from "./imageFiles";
import { runAcrFirstExpandBench, type AcrFirstExpandResults } from "./acrFirstExpand";

type ClientName = "ours" | "base" | "skopeo" | "azure" | "seed" | "azureSeed" | "floor" | "floorSeed";
/** The Node clients run as a bundle of this file (bench/), e.g. seedStyleClient.ts. */
const SCRIPT_OF: Partial<Record<ClientName, string>> = {
  seed: "seedStyleClient.ts",
  azureSeed: "seedStyleAzureClient.ts",
  floor: "floorClient.ts",
  floorSeed: "floorClient.ts",
};
type Operation = "push" | "pull";

interface Sample {
  client: ClientName;
  operation: Operation;
  round: number;
  seconds: number;
  peakRssMB: number;
  /** User + system CPU seconds of the client process (less swayed by a busy machine than wall time). */
  cpuSeconds?: number;
  /** CPU seconds the registry spent meanwhile (it shares the 2 cores with the client). */
  registryCpuSeconds?: number;
  /** What the client printed last as JSON (floorClient.ts: its hashing seconds). */
  output?: Record<string, unknown>;
}

function lastJsonLine(stdout: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(stdout.trim().split("\n").pop() ?? "") as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const ROOT = path.resolve(__dirname, "..", "..");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LAYERS = Number(process.env.BENCH_LAYERS ?? 4);
const LAYER_MIB = Number(process.env.BENCH_LAYER_MIB ?? 256);
const CLIENTS = (process.env.BENCH_CLIENTS ?? "ours,seed,skopeo,azure,azureSeed,floor,floorSeed").split(",") as ClientName[];
const CONCURRENCY = process.env.BENCH_CONCURRENCY;

function sync(): Promise<void> {
  // Dirty pages of the last pull are flushed outside the timed part.
  return new Promise((resolve) => spawn("sync").on("exit", () => resolve()));
}

interface Context {
  /** The bundled script of each Node client (clientBundles.ts). */
  scripts: Partial<Record<ClientName, string>>;
  registry: RunningRegistry;
  image: GeneratedImage;
  certDir: string;
  workDir: string;
}

function clientCommand(
  client: ClientName,
  operation: Operation,
  ctx: Context,
  reference: string,
  dir: string,
): [string, string[], NodeJS.ProcessEnv] {
  const nodeEnv = { NODE_EXTRA_CA_CERTS: ctx.registry.caCertPath! };
  switch (client) {
    case "ours":
      return [
        process.execPath,
        [ctx.scripts.ours!, operation, ctx.registry.url, reference, dir, ...(CONCURRENCY ? [CONCURRENCY] : [])],
        nodeEnv,
      ];
    case "base": {
      const extra = Object.fromEntries(
        (process.env.BENCH_BASE_ENV ?? "")
          .split(",")
          .filter(Boolean)
          .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
      );
      return [
        process.execPath,
        [ctx.scripts.base!, operation, ctx.registry.url, reference, dir, ...(CONCURRENCY ? [CONCURRENCY] : [])],
        { ...nodeEnv, ...extra },
      ];
    }
    case "azure":
    case "seed":
    case "azureSeed":
    case "floor":
      return [process.execPath, [ctx.scripts[client]!, operation, ctx.registry.url, reference, dir], nodeEnv];
    case "floorSeed":
      // The seed-style pull's write path with node:https alone (floorClient.ts pull-to-files).
      return [
        process.execPath,
        [ctx.scripts.floorSeed!, operation === "pull" ? "pull-to-files" : "push", ctx.registry.url, reference, dir],
        nodeEnv,
      ];
    case "skopeo": {
      const remote = `docker://${ctx.registry.host}/${reference}`;
      const local = `oci:${dir}:bench`;
      // --preserve-digests: copy the layers as they are (skopeo would otherwise gzip
      // uncompressed layers for a registry, or for an OCI layout).
      return operation === "push"
        ? ["skopeo", ["--insecure-policy", "copy", "--quiet", "--preserve-digests", "--dest-cert-dir", ctx.certDir, local, remote], {}]
        : [
            "skopeo",
            [
              "--insecure-policy",
              "copy",
              "--quiet",
              "--preserve-digests",
              "--dest-oci-accept-uncompressed-layers",
              "--src-cert-dir",
              ctx.certDir,
              remote,
              local,
            ],
            {},
          ];
    }
  }
}

/** The Node clients, each bundled into one script (clientBundles.ts). */
async function bundleScripts(): Promise<Partial<Record<ClientName, string>>> {
  const scripts: Partial<Record<ClientName, string>> = {};
  if (CLIENTS.includes("ours")) {
    scripts.ours = await bundleClient(path.join(ROOT, "bench", "ourClient.ts"), "ours");
  }
  if (CLIENTS.includes("azure")) {
    scripts.azure = await bundleClient(path.join(ROOT, "bench", "azureClient.ts"), "azure");
  }
  for (const client of CLIENTS) {
    const script = SCRIPT_OF[client];
    if (script) {
      scripts[client] = await bundleClient(path.join(ROOT, "bench", script), client);
    }
  }
  if (CLIENTS.includes("base")) {
    const baseOut = process.env.BENCH_BASE_OUT;
    if (!baseOut) {
      throw new Error("client base needs BENCH_BASE_OUT (a copy of an earlier out/ inside this checkout, so node_modules resolve)");
    }
    scripts.base = await bundleClient(path.join(path.resolve(baseOut), "bench", "ourClient.js"), "base");
  }
  return scripts;
}

function emptyStorage(registry: RunningRegistry): void {
  fs.rmSync(path.join(registry.storageDir, "docker"), { recursive: true, force: true });
}

function checkPulled(dir: string, image: GeneratedImage, client: ClientName): void {
  for (const digest of image.layerDigests) {
    const file = path.join(dir, "blobs", "sha256", digest.slice(7));
    const size = fs.existsSync(file) ? fs.statSync(file).size : -1;
    if (size !== image.totalBytes / image.layerDigests.length) {
      throw new Error(`${client} pull left ${file} with ${size} bytes`);
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function machine(): Record<string, string | number> {
  const cpu = fs.readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model ?? "?";
  const flags =
    fs
      .readFileSync("/proc/cpuinfo", "utf8")
      .match(/flags\s*:\s*(.*)/)?.[1]
      .split(" ") ?? [];
  return {
    cpus: os.cpus().length,
    cpuModel: cpu,
    shaNi: flags.includes("sha_ni") ? "yes" : "no",
    aesNi: flags.includes("aes") ? "yes" : "no",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
  };
}

async function versionOf(command: string, args: string[]): Promise<string> {
  try {
    return (await measure(command, args)).stdout.trim().split("\n")[0];
  } catch {
    return "unavailable";
  }
}

async function transferBench(): Promise<{ samples: Sample[]; checks: Record<string, unknown> }> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "crx-bench-"));
  try {
    const imageDir = path.join(workDir, "image");
    process.stderr.write(`generating ${LAYERS} x ${LAYER_MIB} MiB random layers in ${imageDir}\n`);
    const image = generateImageLayout(imageDir, LAYERS, LAYER_MIB * 1024 * 1024);
    const registry = await startRegistry({ tls: true, relativeUrls: true });
    try {
      const certDir = path.join(workDir, "certs");
      fs.mkdirSync(certDir);
      fs.copyFileSync(registry.caCertPath!, path.join(certDir, "ca.crt"));
      const ctx: Context = { scripts: await bundleScripts(), registry, image, certDir, workDir };
      const samples: Sample[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Rotate who goes first, so that no client always follows the same one.
        const order = CLIENTS.map((_, i) => CLIENTS[(i + round) % CLIENTS.length]);
        for (const client of order) {
          emptyStorage(registry);
          await sync();
          // Repository names are lower case (distribution spec), the client names are not all.
          const reference = `bench/${client.toLowerCase()}:r${round}`;
          let registryCpu = cpuSecondsOf(registry.pid);
          const push = await measure(...clientCommand(client, "push", ctx, reference, imageDir));
          const pushRegistryCpu = cpuSecondsOf(registry.pid) - registryCpu;
          samples.push({
            client,
            operation: "push",
            round,
            seconds: push.seconds,
            peakRssMB: push.peakRssMB,
            cpuSeconds: push.cpuSeconds,
            registryCpuSeconds: pushRegistryCpu,
            output: lastJsonLine(push.stdout),
          });
          await sync();
          const pullDir = path.join(workDir, `pull-${client}-${round}`);
          registryCpu = cpuSecondsOf(registry.pid);
          const pull = await measure(...clientCommand(client, "pull", ctx, reference, pullDir));
          const pullRegistryCpu = cpuSecondsOf(registry.pid) - registryCpu;
          samples.push({
            client,
            operation: "pull",
            round,
            seconds: pull.seconds,
            peakRssMB: pull.peakRssMB,
            cpuSeconds: pull.cpuSeconds,
            registryCpuSeconds: pullRegistryCpu,
            output: lastJsonLine(pull.stdout),
          });
          if (client !== "floor") {
            // The floor client drops what it receives (floorClient.ts).
            checkPulled(pullDir, image, client);
          }
          fs.rmSync(pullDir, { recursive: true, force: true });
          process.stderr.write(
            `round ${round + 1}/${ROUNDS} ${client.padEnd(6)} push ${push.seconds.toFixed(2)} s (cpu ${push.cpuSeconds.toFixed(2)}, registry ${pushRegistryCpu.toFixed(2)}) ${push.peakRssMB.toFixed(0)} MB, pull ${pull.seconds.toFixed(2)} s (cpu ${pull.cpuSeconds.toFixed(2)}, registry ${pullRegistryCpu.toFixed(2)}) ${pull.peakRssMB.toFixed(0)} MB\n`,
          );
        }
      }
      const checks = CLIENTS.includes("ours") ? await skipAndMountChecks(ctx) : {};
      return { samples, checks };
    } finally {
      await registry.stop();
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/** A second push to the same repository moves no layer bytes; a push to another repository mounts. */
async function skipAndMountChecks(ctx: Context): Promise<Record<string, unknown>> {
  emptyStorage(ctx.registry);
  const [cmd, args, env] = clientCommand("ours", "push", ctx, "bench/first:v1", ctx.image.dir);
  const first = await measure(cmd, args, env);
  const again = await measure(cmd, args, env);
  const [cmd2, args2] = clientCommand("ours", "push", ctx, "bench/second:v1", ctx.image.dir);
  const mounted = await measure(cmd2, args2, { ...env, BENCH_MOUNT_FROM: "bench/first" });
  const parse = (m: Measured) =>
    JSON.parse(m.stdout.trim().split("\n").pop()!) as { uploadedBytes: number; outcomes: Record<string, number> };
  return {
    firstPush: { seconds: first.seconds, ...parse(first) },
    secondPushSameRepository: { seconds: again.seconds, ...parse(again) },
    pushToAnotherRepositoryWithMount: { seconds: mounted.seconds, ...parse(mounted) },
  };
}

function fmt(n: number | undefined, digits = 2): string {
  return n === undefined || Number.isNaN(n) ? "–" : n.toFixed(digits);
}

async function main(): Promise<void> {
  if (!fs.existsSync(TIME)) {
    throw new Error(`${TIME} is missing: install the Debian package "time" (scripts/ensure-system-deps.sh does)`);
  }
  const started = new Date();
  const versions = {
    skopeo: await versionOf("skopeo", ["--version"]),
    registry: await versionOf("docker-registry", ["--version"]),
    azure: (
      JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "@azure", "container-registry", "package.json"), "utf8")) as {
        version: string;
      }
    ).version,
  };
  const { samples, checks } = process.env.BENCH_SKIP_TRANSFER === "1" ? { samples: [], checks: {} } : await transferBench();
  // Issue 15's copy workload (copyBench.ts); BENCH_SKIP_COPY=1 leaves it out.
  const copy = process.env.BENCH_SKIP_COPY === "1" ? undefined : await runCopyBench(LAYERS, LAYER_MIB, ROUNDS);
  const summary: Record<string, Record<string, number>> = {};
  for (const client of samples.length ? CLIENTS : []) {
    const of = (op: Operation) => samples.filter((s) => s.client === client && s.operation === op);
    summary[client] = {
      pushMedianSeconds: median(of("push").map((s) => s.seconds)),
      pullMedianSeconds: median(of("pull").map((s) => s.seconds)),
      pushPeakRssMB: Math.max(...of("push").map((s) => s.peakRssMB)),
      pullPeakRssMB: Math.max(...of("pull").map((s) => s.peakRssMB)),
      pushMedianCpuSeconds: median(of("push").map((s) => s.cpuSeconds ?? NaN)),
      pullMedianCpuSeconds: median(of("pull").map((s) => s.cpuSeconds ?? NaN)),
      pushMedianRegistryCpuSeconds: median(of("push").map((s) => s.registryCpuSeconds ?? NaN)),
      pullMedianRegistryCpuSeconds: median(of("pull").map((s) => s.registryCpuSeconds ?? NaN)),
    };
  }
  const ratio = (op: "pushMedianSeconds" | "pullMedianSeconds", peer: ClientName) =>
    summary.ours && summary[peer] ? summary.ours[op] / summary[peer][op] : undefined;
  const ratios = {
    pushOursToSkopeo: ratio("pushMedianSeconds", "skopeo"),
    pushOursToAzure: ratio("pushMedianSeconds", "azure"),
    pullOursToSkopeo: ratio("pullMedianSeconds", "skopeo"),
    pullOursToAzure: ratio("pullMedianSeconds", "azure"),
  };
  const targets = {
    // Issue 12: pushImage ≤ 0.5 × skopeo, pullImage ≤ 0.7 × (the Azure ones are the earlier issue's).
    pushOursToSkopeo: 0.5,
    pushOursToAzure: 0.4,
    pullOursToSkopeo: 0.7,
    pullOursToAzure: 0.5,
    oursPeakRssMB: 100,
  };

  let listing: ListingResults | { error: string } | undefined;
  if (process.env.BENCH_SKIP_LISTING !== "1") {
    listing = await runListingBench().catch((error: Error) => ({ error: error.message }));
  }
  let prefixSearch: PrefixSearchResults | { error: string } | undefined;
  if (process.env.BENCH_SKIP_PREFIX_SEARCH !== "1") {
    prefixSearch = await runPrefixSearchBench().catch((error: Error) => ({ error: error.message }));
  }
  // Issue 12's first expand of an ACR registry (bench/acrFirstExpand.ts, the stand-in on loopback).
  const acrFirstExpand: AcrFirstExpandResults | { error: string } | undefined =
    process.env.BENCH_SKIP_ACR === "1" ? undefined : await runAcrFirstExpandBench(3).catch((error: Error) => ({ error: error.message }));
  // Issue 14's image files (bench/imageFiles.ts); BENCH_SKIP_IMAGE_FILES=1 skips it.
  const imageFiles: ImageFilesResults | { error: string } | undefined =
    process.env.BENCH_SKIP_IMAGE_FILES === "1" ? undefined : await runImageFilesBench().catch((error: Error) => ({ error: error.message }));
  const bundle: BundleResults = await measureBundle();

  const lines: string[] = [];
  lines.push(`Transfer of ${LAYERS} x ${LAYER_MIB} MiB (medians of ${ROUNDS} rounds, alternating; peak RSS is the max over rounds)`);
  lines.push("");
  lines.push("| client | push (s) | pull (s) | peak RSS push / pull (MB) | ours ÷ this, push | ours ÷ this, pull |");
  lines.push("|---|---|---|---|---|---|");
  const label: Record<ClientName, string> = {
    ours: "this library",
    base: "this library, earlier build (BENCH_BASE_OUT)",
    skopeo: `skopeo (${versions.skopeo.replace(/^skopeo version /, "")})`,
    azure: `@azure/container-registry ${versions.azure}`,
    seed: "this library, per blob, seed style",
    azureSeed: `@azure/container-registry ${versions.azure}, per blob, seed style`,
    floor: "node:https alone (floorClient.ts)",
    floorSeed: "node:https alone, pull written through fs.createWriteStream (floorClient.ts pull-to-files)",
  };
  for (const client of Object.keys(summary) as ClientName[]) {
    const s = summary[client];
    const rel = (op: "pushMedianSeconds" | "pullMedianSeconds") => (summary.ours ? `${fmt(summary.ours[op] / s[op])} ×` : "–");
    lines.push(
      `| ${label[client]} | ${fmt(s.pushMedianSeconds)} | ${fmt(s.pullMedianSeconds)} | ${fmt(s.pushPeakRssMB, 0)} / ${fmt(s.pullPeakRssMB, 0)} | ${client === "ours" ? "1" : rel("pushMedianSeconds")} | ${client === "ours" ? "1" : rel("pullMedianSeconds")} |`,
    );
  }
  lines.push("");
  lines.push(
    `ours/skopeo: push ${fmt(ratios.pushOursToSkopeo)} (target ≤ ${targets.pushOursToSkopeo}), pull ${fmt(ratios.pullOursToSkopeo)} (target ≤ ${targets.pullOursToSkopeo})`,
  );
  lines.push(
    `ours/azure:  push ${fmt(ratios.pushOursToAzure)} (target ≤ ${targets.pushOursToAzure}), pull ${fmt(ratios.pullOursToAzure)} (target ≤ ${targets.pullOursToAzure})`,
  );
  if (summary.ours) {
    lines.push(
      `ours peak RSS: push ${fmt(summary.ours.pushPeakRssMB, 0)} MB, pull ${fmt(summary.ours.pullPeakRssMB, 0)} MB (target ≤ ${targets.oursPeakRssMB})`,
    );
  }
  if (checks.secondPushSameRepository) {
    const c = checks as Record<string, { seconds: number; uploadedBytes: number; outcomes: Record<string, number> }>;
    lines.push(
      `second push, same repository: ${c.secondPushSameRepository.uploadedBytes} bytes uploaded, ${JSON.stringify(c.secondPushSameRepository.outcomes)}, ${fmt(c.secondPushSameRepository.seconds)} s`,
    );
    lines.push(
      `push to another repository (mount): ${c.pushToAnotherRepositoryWithMount.uploadedBytes} bytes uploaded, ${JSON.stringify(c.pushToAnotherRepositoryWithMount.outcomes)}, ${fmt(c.pushToAnotherRepositoryWithMount.seconds)} s`,
    );
  }
  const seedStyle = seedStyleReport(samples, os.cpus().length);
  if (samples.length) {
    lines.push("");
    lines.push(...seedStyle.lines);
  }
  if (listing) {
    lines.push("");
    if ("error" in listing) {
      lines.push(`listing: failed: ${listing.error}`);
    } else {
      lines.push(
        "| listing (this library) | items | requests | first page (ms) | first page items | whole list (ms) | peak RSS (MB) | heap after (MB) |",
      );
      lines.push("|---|---|---|---|---|---|---|---|");
      for (const row of listing.rows) {
        lines.push(
          `| ${row.what} | ${row.items} | ${row.requests} | ${fmt(row.firstPageMs, 0)} | ${row.firstPageItems} | ${fmt(row.wholeListMs, 0)} | ${fmt(row.peakRssMB, 0)} | ${fmt(row.heapUsedMB, 1)} |`,
        );
      }
      // Issue 12: the first page of listTagProperties on 10,000 tags, no page size given, within 1 s.
      const tagsNoPageSize = listing.rows.find((row) => row.what === "tags (10,000), default page");
      if (tagsNoPageSize) {
        lines.push(
          `first page of listTagProperties, 10,000 tags, no page size: ${fmt(tagsNoPageSize.firstPageMs, 0)} ms (target ≤ 1000 ms), ${tagsNoPageSize.requestsForFirstPage} requests`,
        );
      }
    }
  }
  if (prefixSearch) {
    lines.push("", ...prefixSearchLines(prefixSearch));
  }
  if (acrFirstExpand) {
    lines.push("", ...("error" in acrFirstExpand ? [`ACR first expand: failed: ${acrFirstExpand.error}`] : acrFirstExpand.lines));
  }
  if (imageFiles) {
    lines.push("", ...("error" in imageFiles ? [`image files: failed: ${imageFiles.error}`] : imageFiles.lines));
  }
  lines.push("");
  lines.push(
    bundle.error
      ? `extension bundle: not built (${bundle.error})`
      : `extension bundle (production, minified): ${fmt(bundle.bytes! / 1024, 0)} KiB; module load ${fmt(bundle.loadMs, 0)} ms; activation: ${bundle.activation}`,
  );
  if (copy) {
    lines.push("", ...copyBenchLines(copy));
  }
  const m = machine();
  lines.push("");
  lines.push(
    `machine: ${m.cpus} CPUs (${m.cpuModel}, SHA-NI ${m.shaNi}, AES-NI ${m.aesNi}), ${m.memoryGiB} GiB RAM, Linux ${m.kernel}, Node ${m.node}; registry ${versions.registry}`,
  );
  const text = lines.join("\n");
  process.stdout.write(text + "\n");

  const result = {
    started: started.toISOString(),
    machine: m,
    versions,
    workload: { layers: LAYERS, layerMiB: LAYER_MIB, rounds: ROUNDS },
    summary,
    ratios,
    targets,
    seedStyle: seedStyle.rows,
    checks,
    copy,
    listing,
    prefixSearch,
    acrFirstExpand,
    imageFiles,
    bundle,
    samples,
  };
  const outDir = path.join(ROOT, "bench-results");
  fs.mkdirSync(outDir, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, "-");
  fs.writeFileSync(path.join(outDir, `bench-${stamp}.json`), JSON.stringify(result, null, 2));
  fs.writeFileSync(path.join(outDir, "latest.json"), JSON.stringify(result, null, 2));
  fs.writeFileSync(path.join(outDir, "latest.md"), text + "\n");
  process.stderr.write(`written: bench-results/bench-${stamp}.json, bench-results/latest.json, bench-results/latest.md\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
