// One push or pull with this library, as its own process, so that the
// benchmark measures its wall time and peak RSS exactly as it does skopeo's.
//   node out/bench/ourClient.js push <registry-url> <repo:tag> <layout-dir> [concurrency]
//   node out/bench/ourClient.js pull <registry-url> <repo:tag> <out-dir> [concurrency]
// The registry's CA comes from NODE_EXTRA_CA_CERTS (as for the Azure client).
// BENCH_MEMTRACE=1: samples process.memoryUsage() every 10 ms and prints, on
// stderr, the values at the highest RSS seen (where the memory goes).

import * as fs from "node:fs";
import { ContainerRegistryClient } from "../src/client";

function traceMemory(): () => void {
  const mb = (n: number) => Math.round(n / 1e5) / 10;
  const at = (label: string): { label: string; rss: number } & Record<string, number | string> => {
    const usage = process.memoryUsage();
    return { label, ...Object.fromEntries((Object.entries(usage) as [string, number][]).map(([k, v]) => [k, mb(v)])), rss: mb(usage.rss) };
  };
  const start = at("start");
  let peak = start;
  const timer = setInterval(() => {
    const now = at("peak");
    if (now.rss > peak.rss) {
      peak = now;
    }
  }, 10);
  return () => {
    clearInterval(timer);
    process.stderr.write(JSON.stringify({ memtrace: [start, peak, at("end")] }) + "\n");
  };
}

async function main(): Promise<void> {
  const stopTrace = process.env.BENCH_MEMTRACE === "1" ? traceMemory() : undefined;
  const [command, url, reference, dir, concurrencyArg] = process.argv.slice(2);
  const [repository, tag] = reference.split(":");
  const ca = process.env.NODE_EXTRA_CA_CERTS;
  const client = new ContainerRegistryClient(url, undefined, {
    registryKind: "oci",
    caCertificates: ca ? fs.readFileSync(ca, "utf8") : undefined,
    timeoutMs: process.env.BENCH_IDLE_TIMEOUT_MS ? Number(process.env.BENCH_IDLE_TIMEOUT_MS) : undefined,
    // BENCH_TRACE=1: each request on stderr, stamped with the ms since the process started.
    logRequest: process.env.BENCH_TRACE === "1" ? (line) => process.stderr.write(`${performance.now().toFixed(0)} ${line}\n`) : undefined,
  });
  const concurrency = concurrencyArg
    ? Number(concurrencyArg)
    : process.env.BENCH_CONCURRENCY
      ? Number(process.env.BENCH_CONCURRENCY)
      : undefined;
  const mountFrom = process.env.BENCH_MOUNT_FROM ? [process.env.BENCH_MOUNT_FROM] : undefined;
  if (command === "push") {
    const readBufferBytes = process.env.BENCH_READ_BUFFER ? Number(process.env.BENCH_READ_BUFFER) : undefined;
    const staggerBytes = process.env.BENCH_STAGGER_MIB ? Number(process.env.BENCH_STAGGER_MIB) * 1024 * 1024 : undefined;
    const result = await client.pushImage(repository, dir, { tag, concurrency, mountFrom, readBufferBytes, staggerBytes });
    const outcomes: Record<string, number> = {};
    for (const blob of result.blobs) {
      outcomes[blob.outcome] = (outcomes[blob.outcome] ?? 0) + 1;
    }
    process.stdout.write(JSON.stringify({ digest: result.digest, uploadedBytes: result.uploadedBytes, outcomes }) + "\n");
  } else if (command === "pull") {
    const writeBufferBytes = process.env.BENCH_WRITE_BUFFER ? Number(process.env.BENCH_WRITE_BUFFER) : undefined;
    const hashWorkers = process.env.BENCH_HASH_WORKERS ? Number(process.env.BENCH_HASH_WORKERS) : undefined;
    const releaseBuffers = process.env.BENCH_RELEASE_BUFFERS ? process.env.BENCH_RELEASE_BUFFERS === "1" : undefined;
    const directWrites = process.env.BENCH_DIRECT_WRITES ? process.env.BENCH_DIRECT_WRITES === "1" : undefined;
    const result = await client.pullImage(repository, tag, dir, {
      concurrency,
      writeBufferBytes,
      hashWorkers,
      releaseBuffers,
      directWrites,
    });
    process.stdout.write(JSON.stringify({ digest: result.digest, downloadedBytes: result.downloadedBytes }) + "\n");
  } else {
    throw new Error(`unknown command ${command}`);
  }
  stopTrace?.();
  if (process.env.BENCH_THREAD_CPU === "1") {
    process.stderr.write(JSON.stringify({ threadCpuSeconds: threadCpuSeconds() }) + "\n");
  }
}

/** CPU seconds (user + system) of each thread of this process, main thread first: where the work ran. */
function threadCpuSeconds(): Record<string, number> {
  const result: Record<string, number> = {};
  for (const tid of fs.readdirSync("/proc/self/task")) {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
    if (seconds > 0.02) {
      result[`${tid === String(process.pid) ? "main" : name}:${tid}`] = seconds;
    }
  }
  return result;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
