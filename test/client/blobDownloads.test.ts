// The per-blob download API at whole-image speed (issue 12): downloadBlob's
// stream hands out large chunks from a real registry over TLS, and
// downloadBlobToFile writes a verified file on the pull's path, resumes after
// a fault, and leaves nothing behind on failure or cancellation.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AbortError } from "@azure/abort-controller";
import { DigestValidationError } from "../../src/client";
import { type FaultProxy, startFaultProxy } from "../fixtures/faultProxy";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { blobDataPath, clientFor, randomBytes } from "./helpers";

const REPOSITORY = "perf/blobs";
const LARGE = 8 * 1024 * 1024 + 12345;
const SMALL = 200 * 1024 + 7;

describe("per-blob downloads at whole-image speed (distribution over TLS)", function () {
  let registry: RunningRegistry;
  let large: Buffer;
  let largeDigest: string;
  let small: Buffer;
  let smallDigest: string;
  let dir: string;

  before(async function () {
    registry = await startRegistry({ auth: "anonymous", tls: true });
    const client = clientFor(registry);
    large = randomBytes(LARGE);
    small = randomBytes(SMALL);
    largeDigest = (await client.uploadBlob(REPOSITORY, large)).digest;
    smallDigest = (await client.uploadBlob(REPOSITORY, small)).digest;
  });

  after(async function () {
    await registry?.stop();
  });

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "blob-downloads-"));
  });

  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("streams large chunks (not one per 16 KiB TLS record), byte for byte", async function () {
    const { content, sizeInBytes } = await clientFor(registry).downloadBlob(REPOSITORY, largeDigest);
    assert.equal(sizeInBytes, LARGE);
    const chunks: Buffer[] = [];
    for await (const chunk of content as AsyncIterable<Buffer>) {
      chunks.push(chunk);
    }
    assert.ok(Buffer.concat(chunks).equals(large), "the same bytes");
    const sizes = chunks.map((c) => c.length);
    // Every chunk but the last is a full one; none is a lone TLS record.
    assert.ok(
      sizes.slice(0, -1).every((size) => size >= 64 * 1024),
      `chunk sizes ${sizes.slice(0, 8).join(", ")}…`,
    );
    assert.ok(chunks.length <= Math.ceil(LARGE / (64 * 1024)), `${chunks.length} chunks`);
  });

  it("piped into a default fs.createWriteStream, writes the blob whole", async function () {
    const target = path.join(dir, "piped.bin");
    const { content } = await clientFor(registry).downloadBlob(REPOSITORY, largeDigest);
    await new Promise<void>((resolve, reject) => {
      const out = fs.createWriteStream(target);
      content.on("error", reject);
      out.on("error", reject);
      out.on("finish", resolve);
      content.pipe(out);
    });
    assert.ok(fs.readFileSync(target).equals(large));
  });

  it("errors with DigestValidationError before end when the stored bytes were changed", async function () {
    const client = clientFor(registry);
    const bytes = randomBytes(300 * 1024);
    const { digest } = await client.uploadBlob("perf/tampered", bytes);
    const changed = Buffer.from(bytes);
    changed[changed.length - 1] ^= 0xff;
    fs.writeFileSync(blobDataPath(registry, digest), changed);
    const { content } = await client.downloadBlob("perf/tampered", digest);
    let ended = false;
    content.on("end", () => (ended = true));
    await assert.rejects(
      (async () => {
        for await (const _chunk of content as AsyncIterable<Buffer>) {
          // drain
        }
      })(),
      DigestValidationError,
    );
    assert.equal(ended, false);
  });

  it("errors with DigestValidationError before end when a large blob (hashed on the worker) was changed", async function () {
    const client = clientFor(registry);
    const bytes = randomBytes(3 * 1024 * 1024 + 99);
    const { digest } = await client.uploadBlob("perf/tampered-large", bytes);
    const changed = Buffer.from(bytes);
    changed[1024 * 1024 + 5] ^= 0xff;
    fs.writeFileSync(blobDataPath(registry, digest), changed);
    const { content } = await client.downloadBlob("perf/tampered-large", digest);
    let ended = false;
    content.on("end", () => (ended = true));
    const target = path.join(dir, "tampered.bin");
    await assert.rejects(
      new Promise<void>((resolve, reject) => {
        content.on("error", reject);
        content.pipe(fs.createWriteStream(target)).on("finish", resolve).on("error", reject);
      }),
      DigestValidationError,
    );
    assert.equal(ended, false);
  });

  for (const [name, size] of [
    ["a large blob (writer thread)", LARGE],
    ["a small blob (main thread)", SMALL],
  ] as const) {
    it(`downloadBlobToFile writes ${name} byte for byte and leaves no temporary file`, async function () {
      const target = path.join(dir, "blob.bin");
      const digest = size === LARGE ? largeDigest : smallDigest;
      const progress: number[] = [];
      const result = await clientFor(registry).downloadBlobToFile(REPOSITORY, digest, target, {
        onProgress: (p) => progress.push(p.transferredBytes),
      });
      assert.deepEqual(result, { digest, sizeInBytes: size, path: target });
      assert.ok(fs.readFileSync(target).equals(size === LARGE ? large : small));
      assert.deepEqual(fs.readdirSync(dir), ["blob.bin"]);
      assert.equal(progress.at(-1), size);
    });
  }

  it("downloadBlobToFile: six in parallel (more than one writer thread takes) each write their blob whole", async function () {
    const client = clientFor(registry);
    const blobs = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const bytes = randomBytes(4 * 1024 * 1024 + i);
        return { bytes, digest: (await client.uploadBlob(REPOSITORY, bytes)).digest };
      }),
    );
    await Promise.all(blobs.map(({ digest }, i) => client.downloadBlobToFile(REPOSITORY, digest, path.join(dir, `blob${i}`))));
    blobs.forEach(({ bytes }, i) => assert.ok(fs.readFileSync(path.join(dir, `blob${i}`)).equals(bytes), `blob${i}`));
    assert.equal(fs.readdirSync(dir).length, 6);
  });

  it("downloadBlobToFile replaces a symbolic link at the destination instead of writing through it", async function () {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "blob-outside-"));
    try {
      const victim = path.join(outside, "victim.txt");
      fs.writeFileSync(victim, "untouched");
      const target = path.join(dir, "blob.bin");
      fs.symlinkSync(victim, target);
      await clientFor(registry).downloadBlobToFile(REPOSITORY, smallDigest, target);
      assert.equal(fs.readFileSync(victim, "utf8"), "untouched");
      assert.ok(fs.lstatSync(target).isFile(), "a regular file now, not the link");
      assert.ok(fs.readFileSync(target).equals(small));
      assert.deepEqual(fs.readdirSync(outside), ["victim.txt"]);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it("downloadBlobToFile leaves no file when the digest does not match, and keeps what was at the destination", async function () {
    const client = clientFor(registry);
    const bytes = randomBytes(5 * 1024 * 1024);
    const { digest } = await client.uploadBlob("perf/tampered-file", bytes);
    const changed = Buffer.from(bytes);
    changed[12345] ^= 0xff;
    fs.writeFileSync(blobDataPath(registry, digest), changed);
    const target = path.join(dir, "blob.bin");
    fs.writeFileSync(target, "before");
    await assert.rejects(client.downloadBlobToFile("perf/tampered-file", digest, target), DigestValidationError);
    assert.deepEqual(fs.readdirSync(dir), ["blob.bin"]);
    assert.equal(fs.readFileSync(target, "utf8"), "before");
  });

  it("downloadBlobToFile leaves no file when cancelled halfway", async function () {
    const controller = new AbortController();
    const target = path.join(dir, "blob.bin");
    await assert.rejects(
      clientFor(registry).downloadBlobToFile(REPOSITORY, largeDigest, target, {
        abortSignal: controller.signal,
        onProgress: (p) => {
          if (p.transferredBytes > 1024 * 1024) {
            controller.abort();
          }
        },
      }),
      (error: unknown) => error instanceof AbortError || (error as Error).name === "AbortError",
    );
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("downloadBlobToFile refuses a destination whose folder does not exist, before any request", async function () {
    const sent: string[] = [];
    const client = clientFor(registry, { logRequest: (line) => sent.push(line) });
    await assert.rejects(
      client.downloadBlobToFile(REPOSITORY, smallDigest, path.join(dir, "missing", "blob.bin")),
      /folder does not exist/,
    );
    assert.deepEqual(sent, []);
  });
});

describe("downloadBlobToFile after a broken connection (fault proxy)", function () {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let bytes: Buffer;
  let digest: string;
  let dir: string;

  before(async function () {
    registry = await startRegistry({ auth: "anonymous" });
    proxy = await startFaultProxy(registry.url);
    bytes = randomBytes(6 * 1024 * 1024);
    digest = (await clientFor(registry).uploadBlob(REPOSITORY, bytes)).digest;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "blob-resume-"));
  });

  after(async function () {
    await proxy?.close();
    await registry?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("resumes with Range where the body broke and writes the blob whole", async function () {
    const client = clientFor({ ...registry, url: proxy.url });
    const cut = 3 * 1024 * 1024 + 17;
    proxy.inject({ method: "GET", path: /\/blobs\/sha256:/, fault: { kind: "resetResponse", afterBytes: cut } });
    const target = path.join(dir, "resumed.bin");
    const result = await client.downloadBlobToFile(REPOSITORY, digest, target, { hashWorkers: 1 });
    assert.equal(result.sizeInBytes, bytes.length);
    assert.ok(fs.readFileSync(target).equals(bytes));
    assert.deepEqual(fs.readdirSync(dir), ["resumed.bin"]);
    const gets = proxy.requests.filter((r) => r.method === "GET" && r.path.includes("/blobs/"));
    assert.equal(gets.length, 2);
    assert.equal(gets[0].fault, "resetResponse");
    const range = /^bytes=(\d+)-$/.exec(String(gets[1].headers.range));
    assert.ok(range, `a Range on the resume, got ${String(gets[1].headers.range)}`);
    assert.ok(Number(range[1]) > 0 && Number(range[1]) <= cut, `resumed at ${range[1]}`);
  });
});
