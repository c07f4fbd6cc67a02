// The per-blob workloads of issue 12 with this library, written as a user
// would from the README: no tuning options, the stream handed to Node's own
// fs streams with their defaults, the layers in parallel.
//   node seedStyleClient.js push <registry-url> <repo:tag> <layout-dir>
//     uploadBlob(repo, fs.createReadStream(file)) per blob in parallel, then setManifest
//   node seedStyleClient.js pull <registry-url> <repo:tag> <out-dir>
//     getManifest, then per blob downloadBlob and content.pipe(fs.createWriteStream(file))
// Only the public API (src/client/index.ts). The registry's CA comes from
// NODE_EXTRA_CA_CERTS, as a user of a self-signed registry would set it.
// BENCH_TRACE=1: each request on stderr, stamped with the ms since the start.
// BENCH_MEMTRACE=1: process.memoryUsage() sampled every 20 ms; the sample with
// the highest RSS goes into the JSON line printed at the end (`memoryAtPeak`,
// MB), to tell V8's heap from spent chunks (arrayBuffers) from the rest.

import * as fs from "node:fs";
import * as path from "node:path";
import { ContainerRegistryClient } from "../src/client";
import { blobPath, readLayoutManifest } from "./layoutManifest";

async function push(client: ContainerRegistryClient, repository: string, tag: string, dir: string): Promise<void> {
  const manifest = readLayoutManifest(dir);
  await Promise.all(
    manifest.blobs.map(async (descriptor) => {
      const result = await client.uploadBlob(repository, fs.createReadStream(blobPath(dir, descriptor.digest)));
      if (result.digest !== descriptor.digest) {
        throw new Error(`uploaded ${result.digest}, expected ${descriptor.digest}`);
      }
    }),
  );
  const { digest } = await client.setManifest(repository, manifest.bytes, { tag });
  process.stdout.write(JSON.stringify({ digest }) + "\n");
}

async function pull(client: ContainerRegistryClient, repository: string, tag: string, dir: string): Promise<void> {
  const got = await client.getManifest(repository, tag);
  fs.mkdirSync(path.join(dir, "blobs", "sha256"), { recursive: true });
  const descriptors = [got.manifest.config!, ...(got.manifest.layers ?? [])];
  await Promise.all(
    descriptors.map(async (descriptor) => {
      const blob = await client.downloadBlob(repository, descriptor.digest);
      await new Promise<void>((resolve, reject) => {
        const file = fs.createWriteStream(blobPath(dir, descriptor.digest));
        blob.content.on("error", reject);
        blob.content.pipe(file).on("finish", resolve).on("error", reject);
      });
    }),
  );
  fs.writeFileSync(blobPath(dir, got.digest), got.content);
  process.stdout.write(JSON.stringify({ digest: got.digest, memoryAtPeak: memoryAtPeak() }) + "\n");
}

/** Samples memoryUsage every 20 ms (BENCH_MEMTRACE=1); returns the sample of highest RSS so far, in MB. */
function traceMemory(): () => Record<string, number> | undefined {
  if (process.env.BENCH_MEMTRACE !== "1") {
    return () => undefined;
  }
  let peak: NodeJS.MemoryUsage | undefined;
  const sample = (): void => {
    const now = process.memoryUsage();
    if (!peak || now.rss > peak.rss) {
      peak = now;
    }
  };
  setInterval(sample, 20).unref();
  return () => {
    sample();
    return Object.fromEntries(Object.entries(peak!).map(([key, bytes]) => [key, Math.round(bytes / 1e5) / 10]));
  };
}

const memoryAtPeak = traceMemory();

async function main(): Promise<void> {
  const [command, url, reference, dir] = process.argv.slice(2);
  const [repository, tag] = reference.split(":");
  const client = new ContainerRegistryClient(url, undefined, {
    logRequest: process.env.BENCH_TRACE === "1" ? (line) => process.stderr.write(`${performance.now().toFixed(0)} ${line}\n`) : undefined,
  });
  if (command === "push") {
    await push(client, repository, tag, dir);
  } else if (command === "pull") {
    await pull(client, repository, tag, dir);
  } else {
    throw new Error(`unknown command ${command}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
