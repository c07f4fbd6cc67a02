// Bodies read into memory have a hard cap: past it the read stops and the
// body is destroyed, so a registry cannot make the client buffer without end.

import * as assert from "node:assert/strict";
import { Readable } from "node:stream";
import { ResponseTooLargeError } from "../../../../src/client/errors";
import { readBodyCapped, readBodyPrefix } from "../../../../src/client/http/readBody";

function endless(): Readable & { produced: number } {
  const stream = new Readable({
    read() {
      stream.produced += 1024;
      this.push(Buffer.alloc(1024, 0x62));
    },
  }) as Readable & { produced: number };
  stream.produced = 0;
  return stream;
}

describe("readBodyCapped", function () {
  it("reads a body within the cap whole, string chunks included", async function () {
    assert.equal((await readBodyCapped(Readable.from(["ab", Buffer.from("cd")]), 4, "manifest")).toString(), "abcd");
    assert.equal((await readBodyCapped(undefined, 4, "manifest")).length, 0);
  });

  it("fails past the cap, naming what and the limit, and destroys the body", async function () {
    const body = endless();
    await assert.rejects(readBodyCapped(body, 4 * 1024 * 1024, "manifest app:v1"), (error: Error) => {
      assert.ok(error instanceof ResponseTooLargeError);
      assert.equal(error.message, "The manifest app:v1 is larger than the 4 MiB limit");
      return true;
    });
    assert.equal(body.destroyed, true);
    assert.ok(body.produced <= 4 * 1024 * 1024 + 64 * 1024);
  });
});

describe("readBodyPrefix", function () {
  it("keeps the first bytes of an endless body and lets go of the rest", async function () {
    const body = endless();
    const prefix = await readBodyPrefix(body, 1500);
    assert.equal(prefix.length, 1500);
    assert.equal(body.destroyed, true);
  });
});
