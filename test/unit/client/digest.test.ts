// Digests: computed in the pass that moves the bytes, and checked so that a
// reader sees a DigestValidationError before the stream ends.

import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { digestOf, HashingStream, sha256Digest, verifyDigest, VerifyingStream } from "../../../src/client/digest";
import { DigestValidationError } from "../../../src/client/errors";

const EMPTY_SHA256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const HELLO = Buffer.from("hello\n");
const HELLO_SHA256 = "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
const HELLO_SHA512 = `sha512:${createHash("sha512").update(HELLO).digest("hex")}`;

function chunks(...parts: string[]): Readable {
  return Readable.from(parts.map((p) => Buffer.from(p)));
}

function sink(): { writable: Writable; received: () => string } {
  const parts: Buffer[] = [];
  return {
    writable: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        parts.push(chunk);
        callback();
      },
    }),
    received: () => Buffer.concat(parts).toString(),
  };
}

describe("digests", function () {
  it("computes sha256 and sha512 digests in the algorithm:hex form", function () {
    assert.equal(sha256Digest(new Uint8Array()), EMPTY_SHA256);
    assert.equal(sha256Digest(HELLO), HELLO_SHA256);
    assert.equal(digestOf(HELLO, "sha512"), HELLO_SHA512);
  });

  it("verifyDigest accepts matching bytes of either algorithm", function () {
    verifyDigest(HELLO, HELLO_SHA256, "manifest");
    verifyDigest(HELLO, HELLO_SHA512, "manifest");
  });

  it("verifyDigest names what did not match, and both digests", function () {
    assert.throws(
      () => verifyDigest(Buffer.from("hello"), HELLO_SHA256, "manifest"),
      (error: DigestValidationError) => {
        assert.ok(error instanceof DigestValidationError);
        assert.equal(error.expectedDigest, HELLO_SHA256);
        assert.equal(error.actualDigest, sha256Digest(Buffer.from("hello")));
        assert.equal(error.message, `The manifest does not match its digest: expected ${HELLO_SHA256}, got ${error.actualDigest}`);
        return true;
      },
    );
  });
});

describe("HashingStream", function () {
  it("passes bytes through unchanged, counting them and reporting the running total", async function () {
    const totals: number[] = [];
    const hashing = new HashingStream("sha256", (total) => totals.push(total));
    const out = sink();
    await pipeline(chunks("hel", "lo", "\n"), hashing, out.writable);
    assert.equal(out.received(), "hello\n");
    assert.equal(hashing.bytes, 6);
    assert.deepEqual(totals, [3, 5, 6]);
    assert.equal(hashing.digest(), HELLO_SHA256);
  });
});

describe("VerifyingStream", function () {
  it("passes matching bytes through and ends normally", async function () {
    const out = sink();
    await pipeline(chunks("hel", "lo\n"), new VerifyingStream(HELLO_SHA256, 6), out.writable);
    assert.equal(out.received(), "hello\n");
  });

  it("fails before the end when the bytes do not match", async function () {
    let ended = false;
    const verifying = new VerifyingStream(HELLO_SHA256).on("end", () => (ended = true));
    await assert.rejects(pipeline(chunks("hello!"), verifying, sink().writable), (error: DigestValidationError) => {
      assert.ok(error instanceof DigestValidationError);
      assert.equal(error.actualDigest, sha256Digest(Buffer.from("hello!")));
      assert.equal(error.message, `The blob does not match its digest: expected ${HELLO_SHA256}, got ${error.actualDigest}`);
      return true;
    });
    assert.equal(ended, false);
  });

  it("fails as soon as more bytes come than the expected size, without passing them on", async function () {
    const out = sink();
    await assert.rejects(pipeline(chunks("hello\n", "and more"), new VerifyingStream(HELLO_SHA256, 6), out.writable), {
      name: "DigestValidationError",
      message: `The blob does not match its digest: expected ${HELLO_SHA256}, got more than 6 bytes`,
    });
    assert.equal(out.received(), "hello\n");
  });

  it("checks a sha512 digest with sha512", async function () {
    await pipeline(chunks("hello\n"), new VerifyingStream(HELLO_SHA512), sink().writable);
  });
});
