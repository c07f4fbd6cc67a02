// The stream downloadBlob hands out (src/client/registry/verifiedBlobStream.ts),
// fed as the resumable reader feeds it: records gathered into large chunks,
// a large chunk passed on uncopied, the reader held back only while a whole
// chunk is unread, and DigestValidationError before 'end'; the same with the
// hashing on the worker thread (src/client/offThreadHash.ts), which large
// blobs get by default.

import * as assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { DigestValidationError } from "../../../../src/client";
import { sharedHasher } from "../../../../src/client/offThreadHash";
import { VerifiedBlobStream } from "../../../../src/client/registry/verifiedBlobStream";

const KIB = 1024;

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Feeds `bytes` in records of `record` bytes, waiting on ready() when write says so; counts the waits. */
async function feed(stream: VerifiedBlobStream, bytes: Buffer, record: number): Promise<number> {
  let waits = 0;
  for (let at = 0; at < bytes.length; at += record) {
    // A fresh buffer per record, as node:http hands out.
    if (!stream.write(Buffer.from(bytes.subarray(at, at + record)))) {
      waits++;
      await stream.ready();
    }
  }
  stream.finish();
  return waits;
}

/** Reads in flowing mode ('data'), as pipe() does: one chunk per event, as pushed. */
function drain(stream: VerifiedBlobStream): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.once("end", () => resolve(chunks));
    stream.once("error", reject);
  });
}

describe("VerifiedBlobStream", function () {
  it("gathers 16 KiB records into chunks of the chunk size, the last one the rest", async function () {
    const bytes = randomBytes(1000 * KIB + 5);
    const stream = new VerifiedBlobStream(digestOf(bytes), bytes.length, { chunkBytes: 256 * KIB });
    const [chunks, waits] = await Promise.all([drain(stream), feed(stream, bytes, 16 * KIB)]);
    assert.deepEqual(
      chunks.map((c) => c.length),
      [256 * KIB, 256 * KIB, 256 * KIB, 1000 * KIB + 5 - 768 * KIB],
    );
    assert.ok(Buffer.concat(chunks).equals(bytes));
    // At most one wait per chunk handed out, never one per record.
    assert.ok(waits <= 4, `${waits} waits for 63 records`);
  });

  it("passes a chunk as large as the chunk size on without copying it", async function () {
    const bytes = randomBytes(512 * KIB);
    const stream = new VerifiedBlobStream(digestOf(bytes), bytes.length, { chunkBytes: 256 * KIB });
    const first = bytes.subarray(0, 256 * KIB);
    const chunksPromise = drain(stream);
    stream.write(first);
    await stream.ready();
    stream.write(bytes.subarray(256 * KIB));
    stream.finish();
    const chunks = await chunksPromise;
    assert.ok(chunks[0].buffer === first.buffer, "the same memory");
    assert.ok(Buffer.concat(chunks).equals(bytes));
  });

  it("holds the reader back while a whole chunk is unread, and lets it on once it is read", async function () {
    const bytes = randomBytes(64 * KIB);
    const stream = new VerifiedBlobStream(digestOf(bytes), bytes.length, { chunkBytes: 16 * KIB });
    assert.equal(stream.write(bytes.subarray(0, 8 * KIB)), true, "half a chunk gathered: go on");
    assert.equal(stream.write(bytes.subarray(8 * KIB, 16 * KIB)), false, "a whole chunk waits unread");
    let ready = false;
    const waiting = stream.ready().then(() => (ready = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(ready, false);
    stream.read(16 * KIB);
    await waiting;
    assert.equal(ready, true);
    stream.destroy();
  });

  it("errors with DigestValidationError, not 'end', when the bytes do not match", async function () {
    const bytes = randomBytes(100 * KIB);
    const stream = new VerifiedBlobStream(digestOf(randomBytes(10)), bytes.length, { chunkBytes: 32 * KIB });
    let ended = false;
    stream.on("end", () => (ended = true));
    await assert.rejects(Promise.all([drain(stream), feed(stream, bytes, 16 * KIB)]), DigestValidationError);
    assert.equal(ended, false);
  });

  it("refuses bytes past the size with DigestValidationError (the reader's write throws)", function () {
    const stream = new VerifiedBlobStream(digestOf(Buffer.alloc(10)), 10);
    stream.write(Buffer.alloc(8));
    assert.throws(() => stream.write(Buffer.alloc(8)), DigestValidationError);
    stream.destroy();
  });

  it("reports the bytes received so far", async function () {
    const bytes = randomBytes(40 * KIB);
    const seen: number[] = [];
    const stream = new VerifiedBlobStream(digestOf(bytes), undefined, { chunkBytes: 16 * KIB, onBytes: (n) => seen.push(n) });
    await Promise.all([drain(stream), feed(stream, bytes, 10 * KIB)]);
    assert.deepEqual(seen, [10 * KIB, 20 * KIB, 30 * KIB, 40 * KIB]);
  });
});

describe("VerifiedBlobStream, hashing on the worker thread", function () {
  this.timeout(20_000);

  it("is what a blob of unknown size or of 1 MiB and more gets by default, and not a small one", function () {
    const before = sharedHasher().openJobs;
    const large = new VerifiedBlobStream(digestOf(Buffer.alloc(1)), 1024 * KIB);
    const unknown = new VerifiedBlobStream(digestOf(Buffer.alloc(1)), undefined);
    const small = new VerifiedBlobStream(digestOf(Buffer.alloc(1)), 1024 * KIB - 1);
    assert.equal(sharedHasher().openJobs, before + 2);
    [large, unknown, small].forEach((stream) => stream.destroy());
    assert.equal(sharedHasher().openJobs, before, "destroying a stream ends its job");
  });

  for (const size of [1024 * KIB, 3 * 1024 * KIB + 777]) {
    it(`hands out every byte of ${size} bytes in chunks of the chunk size, in order`, async function () {
      const bytes = randomBytes(size);
      const stream = new VerifiedBlobStream(digestOf(bytes), bytes.length, { chunkBytes: 256 * KIB, hashOffThread: true });
      const [chunks] = await Promise.all([drain(stream), feed(stream, bytes, 16 * KIB)]);
      assert.ok(Buffer.concat(chunks).equals(bytes));
      assert.ok(
        chunks.slice(0, -1).every((chunk) => chunk.length === 256 * KIB),
        chunks.map((c) => c.length).join(", "),
      );
      assert.equal(sharedHasher().openJobs, 0);
    });

    it(`errors with DigestValidationError before 'end' when ${size} bytes do not match`, async function () {
      const bytes = randomBytes(size);
      const changed = Buffer.from(bytes);
      changed[changed.length - 1] ^= 1;
      const stream = new VerifiedBlobStream(digestOf(bytes), bytes.length, { chunkBytes: 256 * KIB, hashOffThread: true });
      let ended = false;
      stream.on("end", () => (ended = true));
      const received: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => received.push(chunk));
      await assert.rejects(
        Promise.all([new Promise((resolve, reject) => stream.once("end", resolve).once("error", reject)), feed(stream, changed, 16 * KIB)]),
        DigestValidationError,
      );
      assert.equal(ended, false);
      // The chunk that held the changed byte never reached the caller.
      assert.ok(Buffer.concat(received).length < size, `${Buffer.concat(received).length} of ${size} bytes handed out`);
    });
  }

  it("verifies the bytes as they came, whatever the caller does to a chunk afterwards", async function () {
    const bytes = randomBytes(2 * 1024 * KIB);
    const stream = new VerifiedBlobStream(digestOf(bytes), bytes.length, { chunkBytes: 256 * KIB, hashOffThread: true });
    const copies: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => {
      copies.push(Buffer.from(chunk));
      chunk.fill(0);
    });
    await Promise.all([new Promise((resolve, reject) => stream.once("end", resolve).once("error", reject)), feed(stream, bytes, 16 * KIB)]);
    assert.ok(Buffer.concat(copies).equals(bytes));
  });

  it("moves a large chunk that is the connection's own to the hasher without copying it", async function () {
    const bytes = randomBytes(1024 * KIB);
    const stream = new VerifiedBlobStream(digestOf(bytes), bytes.length, {
      chunkBytes: 256 * KIB,
      hashOffThread: true,
      releaseChunks: true,
    });
    const chunksPromise = drain(stream);
    const first = Buffer.from(bytes.subarray(0, 256 * KIB));
    stream.write(first);
    assert.equal(first.length, 0, "its memory went to the hasher");
    stream.write(Buffer.from(bytes.subarray(256 * KIB)));
    stream.finish();
    assert.ok(Buffer.concat(await chunksPromise).equals(bytes));
  });

  it("holds the reader back while two chunks are with the hasher or one waits unread", async function () {
    const bytes = randomBytes(6 * 16 * KIB);
    const stream = new VerifiedBlobStream(digestOf(bytes), bytes.length, { chunkBytes: 16 * KIB, hashOffThread: true });
    const answers = [0, 1].map((i) => stream.write(bytes.subarray(i * 16 * KIB, (i + 1) * 16 * KIB)));
    assert.deepEqual(answers, [true, false], "the second chunk sent fills the hasher's share");
    // Nobody reads: once both chunks are back from the hasher, they wait unread and so does the reader.
    while (stream.readableLength < 2 * 16 * KIB) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    let ready = false;
    const waiting = stream.ready().then(() => (ready = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(ready, false, "chunks wait unread: the reader waits");
    assert.equal((stream.read(2 * 16 * KIB) as Buffer | null)?.length, 2 * 16 * KIB);
    await waiting;
    assert.equal(ready, true);
    stream.destroy();
  });

  it("lets the process exit once its downloads are done (the worker does not hold it)", function () {
    const modulePath = path.resolve(__dirname, "../../../../src/client/registry/verifiedBlobStream.js");
    const script = `
      const { createHash, randomBytes } = require("node:crypto");
      const { VerifiedBlobStream } = require(${JSON.stringify(modulePath)});
      const bytes = randomBytes(2 * 1024 * 1024);
      const stream = new VerifiedBlobStream("sha256:" + createHash("sha256").update(bytes).digest("hex"), bytes.length);
      let got = 0;
      stream.on("data", (c) => (got += c.length)).on("end", () => console.log("end " + got));
      stream.write(bytes);
      stream.finish();
    `;
    const started = Date.now();
    const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 8_000 });
    assert.equal(child.stdout.trim(), `end ${2 * 1024 * KIB}`, child.stderr);
    assert.equal(child.status, 0);
    assert.ok(Date.now() - started < 5_000, `exited after ${Date.now() - started} ms (the idle timer must not hold it)`);
  });
});
