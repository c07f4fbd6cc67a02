// The blob relay's chunk pool (src/client/http/chunkPool.ts): a chunk
// goes back to the pool only once the upload's request has written it
// (src/client/http/releaseAfterWrite.ts), so reusing it can never change the
// bytes of a blob in flight. Checked against real distribution registries over
// TLS (the copy's case: TLSWrap encrypts the plaintext as it is written) and
// over plain HTTP, byte for byte against what the target stores; and with a
// node:http server that stops reading, that a chunk the socket has not taken
// does not go back.

import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import type { ContainerRegistryClient } from "../../src/client";
import { releaseAfterWrite, releaseChunksWrittenTo } from "../../src/client/http/releaseAfterWrite";
import type { RegistryHttp } from "../../src/client/http/registryHttp";
import { openBlobRelay } from "../../src/client/registry/blobRelay";
import { ChunkPool } from "../../src/client/http/chunkPool";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { clientFor, randomBytes, readAll, sha256 } from "./helpers";

const REPOSITORY = "pool/src";

function httpOf(client: ContainerRegistryClient): RegistryHttp {
  // The relay is internal: the test opens it on the client's own HTTP stack, as repositoryStore.ts does.
  return (client as unknown as { http: RegistryHttp }).http;
}

for (const tls of [true, false]) {
  describe(`the relay's chunk pool (${tls ? "TLS" : "plain HTTP"})`, function () {
    let from: RunningRegistry;
    let to: RunningRegistry;
    const blob = randomBytes(6 * 1024 * 1024 + 333);
    const digest = sha256(blob);

    before(async function () {
      [from, to] = await Promise.all([startRegistry({ auth: "anonymous", tls }), startRegistry({ auth: "anonymous", tls })]);
      await clientFor(from).uploadBlob(REPOSITORY, blob);
    });

    after(async function () {
      await Promise.all([from?.stop(), to?.stop()]);
    });

    // Small chunks gather several reads each (16 KiB TLS records; plain HTTP reads of up to 64 KiB).
    for (const chunkBytes of [tls ? 20_000 : 100_000, 256 * 1024]) {
      it(`${chunkBytes}-byte chunks reused from the pool: the target stores the blob byte for byte`, async function () {
        const source = clientFor(from);
        const target = clientFor(to);
        const pool = new ChunkPool(chunkBytes);
        const url = `/v2/${REPOSITORY}/blobs/${digest}`;
        const repository = `pool/dst-${chunkBytes}`;
        const result = await target.uploadBlob(repository, {
          sizeInBytes: blob.length,
          digest,
          open: (offset) => openBlobRelay(httpOf(source), url, digest, blob.length, offset, { chunkBytes, pool }),
        });
        assert.equal(result.digest, digest);
        // Recycling happened, many times over (one chunk per `chunkBytes` of the blob, a few kept in flight).
        const chunks = Math.ceil(blob.length / chunkBytes);
        assert.ok(pool.reused > chunks / 2, `${pool.reused} of ${chunks} chunks came from the pool`);
        const stored = await readAll((await clientFor(to).downloadBlob(repository, digest)).content);
        assert.ok(stored.equals(blob), "byte-identical");
      });
    }

    it("a relay read by something else than an upload request gives nothing back (its chunks stay the reader's)", async function () {
      const pool = new ChunkPool(20_000);
      const relay = openBlobRelay(httpOf(clientFor(from)), `/v2/${REPOSITORY}/blobs/${digest}`, digest, blob.length, 0, {
        chunkBytes: 20_000,
        pool,
      });
      const chunks: Buffer[] = [];
      for await (const chunk of relay) {
        chunks.push(chunk as Buffer);
      }
      assert.equal(pool.reused, 0);
      assert.ok(Buffer.concat(chunks).equals(blob), "every chunk kept its bytes");
    });
  });
}

describe("releaseAfterWrite: a chunk goes back only once the request has written it", function () {
  let server: http.Server;
  let held: http.IncomingMessage | undefined;
  let arrived: () => void;

  before(async function () {
    server = http.createServer((request, response) => {
      // Reads nothing until the test says so: the client's socket fills and its writes wait.
      request.pause();
      held = request;
      arrived();
      request.on("end", () => response.end("ok"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });

  after(async function () {
    await new Promise((resolve) => server.close(resolve));
  });

  it("not while the socket is stuck, then once the server has read it", async function () {
    const size = 8 * 1024 * 1024;
    const request = http.request({
      host: "127.0.0.1",
      port: (server.address() as AddressInfo).port,
      method: "PUT",
      headers: { "Content-Length": String(size) },
    });
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const answered = new Promise<http.IncomingMessage>((resolve) => request.on("response", resolve));
    releaseChunksWrittenTo(request);
    const chunk = Buffer.alloc(size, 7);
    let givenBack = false;
    releaseAfterWrite(chunk, () => (givenBack = true));
    const body = new PassThrough();
    body.pipe(request);
    body.end(chunk);
    await reached;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(givenBack, false, "8 MiB cannot all be in the kernel's buffers of a server that reads nothing");
    held!.resume();
    const response = await answered;
    await readAll(response);
    assert.equal(givenBack, true);
  });

  it("a Writable that is not a node:http request is left alone (its callback says nothing about a socket)", function () {
    const pass = new PassThrough();
    releaseChunksWrittenTo(pass);
    const chunk = Buffer.alloc(10);
    let givenBack = false;
    releaseAfterWrite(chunk, () => (givenBack = true));
    pass.write(chunk);
    pass.read();
    assert.equal(givenBack, false);
  });
});
