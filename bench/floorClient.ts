// The client's minimum for the floors that run.ts prints: the least work any
// client must do to move the benchmark image, with node:https alone (no
// library, no retries, no progress, no disk writes on pull). Its CPU seconds,
// added to the registry's for the same operation and divided by the cores,
// give the floor a result is compared with (bench/README.md, "Floors").
//   node floorClient.js push <registry-url> <repo:tag> <layout-dir>
//     per blob in parallel: POST an upload, one PUT ?digest= streaming the
//     file (read 1 MiB at a time, SHA-256 of every chunk, as a client that
//     must compute the digest does), then PUT the manifest
//   node floorClient.js pull <registry-url> <repo:tag> <out-dir>
//     GET the manifest, then per blob in parallel one GET whose chunks are
//     hashed and dropped (writing them is left out: the floor is a lower bound)
//   node floorClient.js pull-to-files <registry-url> <repo:tag> <out-dir>
//     the same GETs, each chunk hashed, gathered into 256 KiB chunks and
//     written into fs.createWriteStream(file) with default options: the
//     seed-style caller's own write path (seedStyleClient.ts), so the least
//     any client writing through the caller's stream can cost
//     (bench/README.md, "Floors")

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { blobPath, readLayoutManifest } from "./layoutManifest";

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const agent = new https.Agent({ keepAlive: true });
/** Time spent in SHA-256 (synchronous, on this thread): what a client given the digests need not spend. */
let hashNanoseconds = 0n;

function hashInto(hash: crypto.Hash, chunk: Buffer): void {
  const started = process.hrtime.bigint();
  hash.update(chunk);
  hashNanoseconds += process.hrtime.bigint() - started;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function request(
  url: URL,
  method: string,
  headers: Record<string, string | number>,
  body?: Buffer | fs.ReadStream,
  onData?: (chunk: Buffer) => void,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, agent }, (res) => {
      const kept: Buffer[] = [];
      res.on("data", (chunk: Buffer) => (onData ? onData(chunk) : kept.push(chunk)));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(kept) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body instanceof fs.ReadStream) {
      body.on("error", reject).pipe(req);
    } else {
      req.end(body);
    }
  });
}

function expect(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status) {
    throw new Error(`${what}: HTTP ${answer.status} ${answer.body.toString("utf8").slice(0, 200)}`);
  }
  return answer;
}

async function push(base: URL, repository: string, tag: string, dir: string): Promise<void> {
  const manifest = readLayoutManifest(dir);
  await Promise.all(
    manifest.blobs.map(async ({ digest, size }) => {
      const started = expect(
        await request(new URL(`/v2/${repository}/blobs/uploads/`, base), "POST", { "Content-Length": 0 }),
        202,
        "POST upload",
      );
      const location = new URL(String(started.headers.location), base);
      location.searchParams.set("digest", digest);
      const hash = crypto.createHash("sha256");
      const file = fs.createReadStream(blobPath(dir, digest), { highWaterMark: 1024 * 1024 });
      file.on("data", (chunk) => hashInto(hash, chunk as Buffer));
      expect(await request(location, "PUT", { "Content-Length": size, "Content-Type": "application/octet-stream" }, file), 201, "PUT blob");
      if (`sha256:${hash.digest("hex")}` !== digest) {
        throw new Error(`${digest}: the file does not match its digest`);
      }
    }),
  );
  const url = new URL(`/v2/${repository}/manifests/${tag}`, base);
  expect(
    await request(url, "PUT", { "Content-Type": manifest.mediaType, "Content-Length": manifest.bytes.length }, manifest.bytes),
    201,
    "PUT manifest",
  );
  process.stdout.write(
    JSON.stringify({
      digest: `sha256:${crypto.createHash("sha256").update(manifest.bytes).digest("hex")}`,
      hashSeconds: Number(hashNanoseconds) / 1e9,
    }) + "\n",
  );
}

/** Bytes per write into the caller's stream: at least what downloadBlob hands out (fewer, larger writes cost less). */
const WRITE_CHUNK_BYTES = 256 * 1024;

/**
 * One GET whose response is hashed record by record, gathered into 256 KiB chunks and
 * written into `fs.createWriteStream(file)` (default options), pausing the response while
 * the stream is full. Piping the 16 KiB TLS records straight in (`res.pipe(file)`) costs a
 * thread-pool write and a pause per record: more CPU than the library (bench/README.md).
 */
function getToFile(url: URL, file: string, hash: crypto.Hash): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: "GET", agent }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET blob: HTTP ${res.statusCode}`));
        return;
      }
      const out = fs.createWriteStream(file).on("error", reject).on("finish", resolve);
      out.on("drain", () => res.resume());
      let gathering = Buffer.allocUnsafeSlow(WRITE_CHUNK_BYTES);
      let filled = 0;
      res.on("data", (chunk: Buffer) => {
        hashInto(hash, chunk);
        for (let at = 0; at < chunk.length;) {
          const copied = chunk.copy(gathering, filled, at);
          at += copied;
          filled += copied;
          if (filled === WRITE_CHUNK_BYTES) {
            if (!out.write(gathering)) {
              res.pause();
            }
            gathering = Buffer.allocUnsafeSlow(WRITE_CHUNK_BYTES);
            filled = 0;
          }
        }
      });
      res.on("end", () => out.end(gathering.subarray(0, filled)));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

async function pull(base: URL, repository: string, tag: string, dir: string, toFiles: boolean): Promise<void> {
  const answer = expect(
    await request(new URL(`/v2/${repository}/manifests/${tag}`, base), "GET", { Accept: OCI_MANIFEST }),
    200,
    "GET manifest",
  );
  const manifest = JSON.parse(answer.body.toString("utf8")) as { config: { digest: string }; layers: { digest: string }[] };
  fs.mkdirSync(path.join(dir, "blobs", "sha256"), { recursive: true });
  await Promise.all(
    [manifest.config, ...manifest.layers].map(async ({ digest }) => {
      const hash = crypto.createHash("sha256");
      const url = new URL(`/v2/${repository}/blobs/${digest}`, base);
      if (toFiles) {
        await getToFile(url, blobPath(dir, digest), hash);
      } else {
        expect(await request(url, "GET", {}, undefined, (chunk) => hashInto(hash, chunk)), 200, "GET blob");
      }
      if (`sha256:${hash.digest("hex")}` !== digest) {
        throw new Error(`${digest}: the bytes do not match`);
      }
    }),
  );
  process.stdout.write(
    JSON.stringify({ digest: answer.headers["docker-content-digest"], hashSeconds: Number(hashNanoseconds) / 1e9 }) + "\n",
  );
}

async function main(): Promise<void> {
  const [command, url, reference, dir] = process.argv.slice(2);
  const [repository, tag] = reference.split(":");
  const base = new URL(url);
  if (command === "push") {
    await push(base, repository, tag, dir);
  } else if (command === "pull" || command === "pull-to-files") {
    await pull(base, repository, tag, dir, command === "pull-to-files");
  } else {
    throw new Error(`unknown command ${command}`);
  }
  agent.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
