// The idle timeout on an upload whose body is a stream (src/client/http/
// idleTimeoutPolicy.ts counts the body's chunks as the HTTP client takes them,
// with no progress hook): against a real registry, a slow upload that keeps
// moving is not cut, and one whose source stops for longer than the timeout is.

import * as assert from "node:assert/strict";
import { Readable } from "node:stream";
import { RegistryTimeoutError } from "../../src/client";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { clientFor, randomBytes, readAll, sha256 } from "./helpers";

/** `chunks` chunks of `size` bytes, one every `everyMs`, then (with `stallMs`) a pause before the last. */
function slowStream(bytes: Buffer, chunks: number, everyMs: number, stallMs = 0): Readable {
  const size = Math.ceil(bytes.length / chunks);
  return Readable.from(
    (async function* () {
      for (let i = 0; i < chunks; i++) {
        await new Promise((resolve) => setTimeout(resolve, i === chunks - 1 ? everyMs + stallMs : everyMs));
        yield bytes.subarray(i * size, (i + 1) * size);
      }
    })(),
    { objectMode: false },
  );
}

describe("uploadBlob of a stream under the idle timeout", function () {
  let registry: RunningRegistry;

  before(async function () {
    registry = await startRegistry({ auth: "anonymous" });
  });

  after(async function () {
    await registry?.stop();
  });

  it("a slow upload that keeps moving (a chunk every 100 ms for 1.5 s, timeout 400 ms) goes through", async function () {
    const bytes = randomBytes(300_000);
    const client = clientFor(registry, { timeoutMs: 400 });
    const result = await client.uploadBlob("idle/slow", slowStream(bytes, 15, 100));
    assert.equal(result.digest, sha256(bytes));
    assert.ok((await readAll((await client.downloadBlob("idle/slow", result.digest)).content)).equals(bytes));
  });

  it("a source that stops sending for 2 s (timeout 400 ms) fails with RegistryTimeoutError", async function () {
    const bytes = randomBytes(100_000);
    const client = clientFor(registry, { timeoutMs: 400, retry: { maxRetries: 0 } });
    await assert.rejects(client.uploadBlob("idle/stuck", slowStream(bytes, 4, 20, 2000)), (error: unknown) => {
      assert.ok(error instanceof RegistryTimeoutError, String(error));
      return true;
    });
  });
});
