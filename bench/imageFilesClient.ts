// The child process of the image-files benchmark (bench/imageFiles.ts), so
// that /usr/bin/time sees only this library's work:
//   cold <url> <repository> <tag> <cacheDir>          open, wait for every layer, walk the whole tree
//   warm <url> <repository> <tag> <cacheDir> <file>   open from a warm cache: time to list /, then to read <file>
//   choice <cacheDir> <layerDigest> <gzipBlob> <path> read <path> of a cached layer: ranged read of the
//                                                    uncompressed copy, against gunzip from the start of the blob
// Each prints one JSON line. BENCH_IMAGE_CONCURRENCY sets the layers fetched at once (cold).

import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { ContainerRegistryClient, type ImageFilesystem, LayerCache, openImageFilesystem } from "../src/client";

async function walk(filesystem: ImageFilesystem, dir: string): Promise<number> {
  let count = 0;
  for (const entry of await filesystem.readDirectory(dir)) {
    count++;
    if (entry.type === "directory") {
      count += await walk(filesystem, entry.path);
    }
  }
  return count;
}

/** CPU seconds of each thread of this process, most first (/proc/self/task/<tid>/stat: comm, utime, stime). */
function threadCpu(): string {
  const threads: { name: string; cpu: number }[] = [];
  for (const tid of fs.readdirSync("/proc/self/task")) {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    const name = Number(tid) === process.pid ? "main" : stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    threads.push({ name, cpu: (Number(fields[11]) + Number(fields[12])) / 100 });
  }
  return threads
    .filter((thread) => thread.cpu >= 0.01)
    .sort((a, b) => b.cpu - a.cpu)
    .map((thread) => `${thread.name} ${thread.cpu.toFixed(2)}`)
    .join(", ");
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === "cold") {
    const [url, repository, tag, cacheDir] = args;
    const started = process.hrtime.bigint();
    if (process.env.BENCH_TRACE) {
      process.stderr.write(`process up ${process.uptime().toFixed(3)} s before open\n`);
      process.on("exit", () => process.stderr.write(`${seconds(started).toFixed(3)} exit\n`));
    }
    const concurrency = process.env.BENCH_IMAGE_CONCURRENCY ? Number(process.env.BENCH_IMAGE_CONCURRENCY) : undefined;
    // BENCH_TRACE=1: when each layer starts, ends its download and is indexed, and when the walk starts (stderr).
    const trace = process.env.BENCH_TRACE
      ? (what: string): void => void process.stderr.write(`${seconds(started).toFixed(3)} ${what}\n`)
      : undefined;
    const seen = new Set<string>();
    const filesystem = await openImageFilesystem(new ContainerRegistryClient(url), repository, tag, {
      cacheDir,
      concurrency,
      onProgress: trace
        ? (progress) => {
            const key = `${progress.layerIndex} ${progress.phase}`;
            const done = progress.phase === "downloading" && progress.transferredBytes === progress.totalBytes;
            if (!seen.has(key) || done) {
              seen.add(key);
              trace(`layer ${key}${done ? " (all bytes)" : ""}`);
            }
          }
        : undefined,
    });
    await filesystem.ready;
    trace?.("ready");
    const entries = await walk(filesystem, "/");
    trace?.("walked");
    const total = seconds(started);
    // Before close: the hashing worker's thread is still there to count.
    const threads = process.env.BENCH_THREAD_CPU ? threadCpu() : undefined;
    await filesystem.close();
    trace?.("closed");
    console.log(JSON.stringify({ entries, seconds: total, threads }));
  } else if (mode === "warm") {
    const [url, repository, tag, cacheDir, file] = args;
    const started = process.hrtime.bigint();
    const filesystem = await openImageFilesystem(new ContainerRegistryClient(url), repository, tag, { cacheDir });
    const root = await filesystem.readDirectory("/");
    const listRoot = seconds(started);
    const readStarted = process.hrtime.bigint();
    const bytes = await filesystem.readFile(file);
    const readFile = seconds(readStarted);
    await filesystem.close();
    console.log(
      JSON.stringify({ rootEntries: root.length, listRootSeconds: listRoot, readBytes: bytes.length, readFileSeconds: readFile }),
    );
  } else if (mode === "choice") {
    const [cacheDir, digest, gzipBlob, entryPath] = args;
    const cache = LayerCache.forDirectory(cacheDir);
    const layer = (await cache.lookup(digest))!;
    const entry = (await cache.loadEntries(digest)).find((candidate) => candidate.path === entryPath)!;
    let started = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    for await (const chunk of cache.readRange(layer, entry.dataOffset, entry.size) as AsyncIterable<Buffer>) {
      chunks.push(chunk);
    }
    const ranged = seconds(started);
    const rangedBytes = Buffer.concat(chunks);
    // Without an uncompressed copy (and with no way to resume inflate mid-stream from Node's zlib): inflate up to the entry.
    started = process.hrtime.bigint();
    let seen = 0;
    const wanted = entry.dataOffset + entry.size;
    const gunzip = fs.createReadStream(gzipBlob).pipe(zlib.createGunzip());
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen >= wanted) {
        gunzip.destroy();
        break;
      }
    }
    const inflate = seconds(started);
    const blobBytes = fs.statSync(gzipBlob).size;
    console.log(
      JSON.stringify({
        entrySize: entry.size,
        entryOffset: entry.dataOffset,
        tarBytes: layer.tarBytes,
        blobBytes,
        rangedReadSeconds: ranged,
        rangedOk: rangedBytes.length === entry.size,
        inflateFromStartSeconds: inflate,
        inflatedBytes: seen,
      }),
    );
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
