// The stream downloadBlob hands out (src/client/registry/verifiedBlobStream.ts),
// fed as the resumable reader feeds it: records gathered into large chunks,
// a large chunk passed on uncopied, the reader held back only while a whole
// chunk is unread, and DigestValidationError before 'end'.

import * as assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { DigestValidationError } from "../../../../src/client";
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

  it("holds the reader back while two chunks are unread, and lets it on once one is read", async function () {
    const bytes = randomBytes(64 * KIB);
    const stream = new VerifiedBlobStream(digestOf(bytes), bytes.length, { chunkBytes: 16 * KIB });
    assert.equal(stream.write(bytes.subarray(0, 16 * KIB)), true, "one chunk unread: go on");
    assert.equal(stream.write(bytes.subarray(16 * KIB, 32 * KIB)), false, "two whole chunks wait unread");
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
