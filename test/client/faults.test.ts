// Faults between the client and a real CNCF distribution registry, injected by
// a proxy (test/fixtures/faultProxy.ts): resets and truncation mid-body in
// both directions, stalls, 429/503 with Retry-After, 500/502/504, a registry
// that ignores Range, answers lost after the registry acted, cancellation.
// Each test asserts the outcome: the exact bytes, or the exact error.

import * as assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import { ContainerRegistryClient, type ContainerRegistryClientOptions, RegistryError, RegistryTimeoutError } from "../../src/client";
import { type FaultProxy, startFaultProxy } from "../fixtures/faultProxy";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { randomBytes, readAll, sha256, streamOf } from "./helpers";

/** Faults injected over the whole file, for the README's count. */
export const faultCounts = { injected: 0 };

const REPO = "faults/app";
const BLOB_PATH = /^\/v2\/faults\/app\/blobs\/sha256:/;
const UPLOADS = /^\/v2\/faults\/app\/blobs\/uploads\//;

describe("faults between the client and a real registry (fault-injecting proxy)", function () {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let blob: Buffer;
  let digest: string;

  function client(options: ContainerRegistryClientOptions = {}): ContainerRegistryClient {
    return new ContainerRegistryClient(proxy.url, undefined, {
      retry: { initialDelayMs: 10, maxDelayMs: 2000 },
      timeoutMs: 2000,
      ...options,
    });
  }

  function blobGets(): { range?: string; status?: number; fault?: string }[] {
    return proxy.requests
      .filter((r) => r.method === "GET" && BLOB_PATH.test(r.path))
      .map((r) => ({ range: r.headers.range, status: r.status, fault: r.fault }));
  }

  before(async function () {
    registry = await startRegistry({ auth: "anonymous" });
    proxy = await startFaultProxy(registry.url);
    blob = randomBytes(3 * 1024 * 1024 + 11);
    digest = (await client().uploadBlob(REPO, blob)).digest;
    assert.equal(digest, sha256(blob));
    await client().setManifest(REPO, manifestFor(digest, blob.length), { tag: "v1" });
  });

  beforeEach(function () {
    proxy.clear();
    proxy.requests.length = 0;
  });

  afterEach(function () {
    faultCounts.injected = proxy.injected;
  });

  after(async function () {
    // For the README's count: faults this file injected between the client and the registry.
    console.log(`      (fault proxy: ${proxy?.injected ?? 0} faults injected)`);
    await proxy?.close();
    await registry?.stop();
  });

  describe("blob download", function () {
    it("resumes with Range from the byte where a reset cut the body, and delivers every byte once", async function () {
      proxy.inject({ method: "GET", path: BLOB_PATH, fault: { kind: "resetResponse", afterBytes: 1_000_000 } });
      const progress: number[] = [];
      const download = await client().downloadBlob(REPO, digest, { onProgress: (p) => progress.push(p.transferredBytes) });
      const bytes = await readAll(download.content);
      assert.ok(bytes.equals(blob), "byte-identical");
      const gets = blobGets();
      assert.equal(gets.length, 2);
      assert.equal(gets[0].fault, "resetResponse");
      const resumedAt = Number(/^bytes=(\d+)-$/.exec(gets[1].range ?? "")?.[1]);
      assert.ok(resumedAt > 0 && resumedAt <= 1_000_000, `resumed at ${gets[1].range}`);
      assert.equal(gets[1].status, 206);
      assert.equal(progress.at(-1), blob.length, "progress counts each byte once");
      assert.ok(
        progress.every((value, i) => i === 0 || value >= progress[i - 1]),
        "progress never goes back",
      );
    });

    it("resumes after a truncated body (connection closed before Content-Length was reached)", async function () {
      proxy.inject({ method: "GET", path: BLOB_PATH, fault: { kind: "truncateResponse", afterBytes: 200_000 } });
      const bytes = await readAll((await client().downloadBlob(REPO, digest)).content);
      assert.ok(bytes.equals(blob));
      const gets = blobGets();
      assert.equal(gets.length, 2);
      assert.match(gets[1].range ?? "", /^bytes=\d+-$/);
      assert.equal(gets[1].status, 206);
    });

    it("restarts cleanly when the registry ignores Range (200 with the whole blob): the stream still continues at byte n", async function () {
      proxy.inject(
        { method: "GET", path: BLOB_PATH, fault: { kind: "resetResponse", afterBytes: 700_000 } },
        { method: "GET", path: BLOB_PATH, fault: { kind: "ignoreRange" } },
      );
      const bytes = await readAll((await client().downloadBlob(REPO, digest)).content);
      assert.ok(bytes.equals(blob));
      const gets = blobGets();
      assert.equal(gets.length, 2);
      assert.match(gets[1].range ?? "", /^bytes=\d+-$/, "the client asked for a range");
      assert.equal(gets[1].status, 200, "and got the whole blob");
    });

    it("resumes after the body stalls (idle timeout), byte-identical", async function () {
      proxy.inject({ method: "GET", path: BLOB_PATH, fault: { kind: "stallResponse", afterBytes: 500_000 } });
      const started = Date.now();
      const bytes = await readAll((await client({ timeoutMs: 300 }).downloadBlob(REPO, digest)).content);
      assert.ok(bytes.equals(blob));
      assert.ok(Date.now() - started >= 300, "waited for the idle timeout");
      assert.equal(blobGets().length, 2);
    });

    it("resumes after a stall with an HTTP client whose bodies have no socket (the idle watch's pass-through)", async function () {
      // The real client's bodies, re-streamed through a PassThrough: no socket to read a byte count from.
      const base = createDefaultHttpClient();
      const httpClient: HttpClient = {
        async sendRequest(request) {
          const response = await base.sendRequest(request);
          const body = response.readableStreamBody;
          if (body) {
            const hidden = new PassThrough();
            body.on("error", (error: Error) => hidden.destroy(error));
            response.readableStreamBody = body.pipe(hidden);
          }
          return response;
        },
      };
      proxy.inject({ method: "GET", path: BLOB_PATH, fault: { kind: "stallResponse", afterBytes: 500_000 } });
      const started = Date.now();
      const bytes = await readAll((await client({ timeoutMs: 300, httpClient }).downloadBlob(REPO, digest)).content);
      assert.ok(bytes.equals(blob));
      assert.ok(Date.now() - started >= 300, "waited for the idle timeout");
      assert.equal(blobGets().length, 2);
    });

    it("does not time out a body its reader is slow to read (the reader is behind, not the network)", async function () {
      const download = await client({ timeoutMs: 150 }).downloadBlob(REPO, digest);
      const content = download.content as NodeJS.ReadableStream & { pause(): void; resume(): void };
      const chunks: Buffer[] = [];
      let paused = false;
      content.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        if (!paused) {
          // Stop reading for four idle periods while the buffers fill up.
          paused = true;
          content.pause();
          setTimeout(() => content.resume(), 600);
        }
      });
      await new Promise<void>((resolve, reject) => {
        content.on("end", resolve);
        content.on("error", reject);
      });
      assert.ok(Buffer.concat(chunks).equals(blob));
      assert.equal(blobGets().length, 1, "one GET: no timeout, no resume");
    });

    it("survives several faults in one download (reset, truncation, reset, Range ignored)", async function () {
      proxy.inject(
        { method: "GET", path: BLOB_PATH, fault: { kind: "resetResponse", afterBytes: 300_000 } },
        { method: "GET", path: BLOB_PATH, fault: { kind: "truncateResponse", afterBytes: 400_000 } },
        { method: "GET", path: BLOB_PATH, fault: { kind: "resetResponse", afterBytes: 500_000 } },
        { method: "GET", path: BLOB_PATH, fault: { kind: "ignoreRange" } },
      );
      const bytes = await readAll((await client().downloadBlob(REPO, digest)).content);
      assert.ok(bytes.equals(blob));
      const gets = blobGets();
      assert.deepEqual(
        gets.map((g) => g.status),
        [200, 206, 206, 200],
      );
      const offsets = gets.slice(1).map((g) => Number(/^bytes=(\d+)-$/.exec(g.range ?? "")?.[1]));
      assert.ok(offsets[0] > 0 && offsets[0] < offsets[1] && offsets[1] < offsets[2], `offsets grow: ${offsets.join(", ")}`);
    });

    it("gives up after a bounded number of resumes, with the last failure", async function () {
      proxy.inject({ method: "GET", path: BLOB_PATH, times: Infinity, fault: { kind: "resetResponse", afterBytes: 100_000 } });
      const download = await client().downloadBlob(REPO, digest);
      await assert.rejects(readAll(download.content), (error: Error) => {
        assert.match(error.message, /after 5 resumed requests/);
        return true;
      });
      assert.equal(blobGets().length, 6, "the first GET and five resumes");
    });

    it("cancellation errors the stream with AbortError and sends nothing more", async function () {
      proxy.inject({ method: "GET", path: BLOB_PATH, fault: { kind: "stallResponse", afterBytes: 400_000 } });
      const controller = new AbortController();
      const download = await client({ timeoutMs: 0 }).downloadBlob(REPO, digest, { abortSignal: controller.signal });
      const reading = readAll(download.content);
      setTimeout(() => controller.abort(), 100);
      await assert.rejects(reading, { name: "AbortError" });
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(blobGets().length, 1);
    });

    it("a cancelled resume backoff stops too", async function () {
      proxy.inject({ method: "GET", path: BLOB_PATH, times: Infinity, fault: { kind: "resetResponse", afterBytes: 0 } });
      const controller = new AbortController();
      const download = await client().downloadBlob(REPO, digest, { abortSignal: controller.signal });
      setTimeout(() => controller.abort(), 150);
      await assert.rejects(readAll(download.content), { name: "AbortError" });
    });
  });

  describe("retries of throttling, 5xx and stalls", function () {
    it("honours Retry-After on 429 and 503, then succeeds", async function () {
      proxy.inject(
        { method: "HEAD", path: BLOB_PATH, fault: { kind: "status", status: 429, headers: { "Retry-After": "1" } } },
        { method: "HEAD", path: BLOB_PATH, fault: { kind: "status", status: 503, headers: { "Retry-After": "0" } } },
      );
      const started = Date.now();
      assert.equal(await client().blobExists(REPO, digest), true);
      assert.ok(Date.now() - started >= 950, "waited the second Retry-After asked for");
      assert.deepEqual(
        proxy.requests.map((r) => r.status),
        [429, 503, 200],
      );
    });

    it("retries 500, 502 and 504 with backoff, then succeeds", async function () {
      for (const status of [500, 502, 504]) {
        proxy.inject({ method: "GET", path: /\/tags\/list/, fault: { kind: "status", status } });
      }
      const tags = [];
      for await (const tag of client().listTagProperties(REPO)) {
        tags.push(tag);
      }
      assert.deepEqual(
        proxy.requests
          .filter((r) => /tags\/list/.test(r.path))
          .map((r) => r.status)
          .slice(0, 4),
        [500, 502, 504, 200],
      );
    });

    it("gives up on a persistent 503 with a RegistryError naming the registry, the operation, the status and the attempts", async function () {
      proxy.inject({ method: "HEAD", path: BLOB_PATH, times: Infinity, fault: { kind: "status", status: 503 } });
      await assert.rejects(client().blobExists(REPO, digest), (error: unknown) => {
        assert.ok(error instanceof RegistryError);
        assert.equal(error.statusCode, 503);
        assert.equal(error.operation, "check blob");
        assert.match(error.message, new RegExp(`^Check blob failed on ${proxy.host.replace(/\./g, "\\.")}: 503 `));
        assert.match(error.message, /gave up after 4 attempts/);
        return true;
      });
      assert.equal(proxy.requests.length, 4);
    });

    it("does not wait out a Retry-After longer than its bound: fails at once and says why", async function () {
      proxy.inject({ method: "HEAD", path: BLOB_PATH, fault: { kind: "status", status: 429, headers: { "Retry-After": "3600" } } });
      const started = Date.now();
      await assert.rejects(client().blobExists(REPO, digest), (error: unknown) => {
        assert.ok(error instanceof RegistryError);
        assert.equal(error.statusCode, 429);
        assert.match(error.message, /429 Too Many Requests/);
        assert.match(error.message, /asked to retry after 3600 s, longer than the 2 s this client waits/);
        return true;
      });
      assert.ok(Date.now() - started < 1000);
    });

    it("retries a request that got no answer within the idle timeout", async function () {
      await client().setManifest(REPO, manifestFor(digest, blob.length), { tag: "stall" });
      proxy.requests.length = 0;
      proxy.inject({ method: "GET", path: /\/manifests\//, fault: { kind: "stallBeforeResponse" } });
      const fetched = await client({ timeoutMs: 300 }).getManifest(REPO, "stall");
      assert.equal(fetched.manifest.layers?.[0].digest, digest);
      assert.deepEqual(
        proxy.requests.map((r) => r.fault ?? r.status),
        ["stallBeforeResponse", 200],
      );
    });

    it("fails a registry that never answers with RegistryTimeoutError after the retries", async function () {
      proxy.inject({ method: "GET", path: /\/manifests\//, times: Infinity, fault: { kind: "stallBeforeResponse" } });
      await assert.rejects(client({ timeoutMs: 200 }).getManifest(REPO, "stall"), (error: unknown) => {
        assert.ok(error instanceof RegistryTimeoutError);
        assert.equal(error.timeoutMs, 200);
        assert.equal(error.operation, "get manifest");
        assert.match(error.message, /^Get manifest failed on 127\.0\.0\.1:\d+: no data for 200 ms while waiting for the response/);
        assert.match(error.message, /gave up after 4 attempts/);
        return true;
      });
    });

    it("fails a manifest body that stalls with RegistryTimeoutError (no hang)", async function () {
      proxy.inject({ method: "GET", path: /\/manifests\//, fault: { kind: "stallResponse", afterBytes: 10 } });
      await assert.rejects(client({ timeoutMs: 200 }).getManifest(REPO, "stall"), (error: unknown) => {
        assert.ok(error instanceof RegistryTimeoutError);
        assert.match(error.message, /no data for 200 ms while reading the response body/);
        return true;
      });
    });

    it("retries a GET whose connection was reset before the answer", async function () {
      proxy.inject({ method: "GET", path: /\/manifests\//, fault: { kind: "dropResponse" } });
      const fetched = await client().getManifest(REPO, "stall");
      assert.equal(fetched.manifest.layers?.[0].digest, digest);
    });
  });

  describe("blob upload", function () {
    function uploadRequests(): string[] {
      return proxy.requests
        .filter((r) => UPLOADS.test(r.path) || (r.method === "HEAD" && BLOB_PATH.test(r.path)))
        .map((r) => `${r.method} ${r.status ?? r.fault}`);
    }

    async function assertStored(bytes: Buffer, uploadedDigest: string): Promise<void> {
      assert.equal(uploadedDigest, sha256(bytes));
      const pulled = await readAll((await client().downloadBlob(REPO, uploadedDigest)).content);
      assert.ok(pulled.equals(bytes), "the registry has exactly these bytes");
    }

    function reopenable(bytes: Buffer, opened: number[]) {
      return {
        sizeInBytes: bytes.length,
        open: (offset: number) => {
          opened.push(offset);
          return streamOf(bytes.subarray(offset));
        },
      };
    }

    it("restarts a reset PATCH in a new session when the registry dropped the old one, and cancels the old one", async function () {
      const bytes = randomBytes(2 * 1024 * 1024 + 5);
      const opened: number[] = [];
      proxy.inject({ method: "PATCH", path: UPLOADS, fault: { kind: "resetRequest", afterBytes: 600_000 } });
      const result = await client().uploadBlob(REPO, reopenable(bytes, opened));
      await assertStored(bytes, result.digest);
      // Distribution invalidates a session after a partial write (stored size != signed _state offset).
      assert.deepEqual(uploadRequests().slice(0, 7), [
        "POST 202",
        "PATCH resetRequest",
        "GET 404", // upload status: BLOB_UPLOAD_INVALID, the registry dropped the session
        // The abandoned session is cancelled, but distribution 2.8 answers 404 for a session it has
        // invalidated and keeps its partial data under _uploads until the upload purge job
        // (storage.maintenance.uploadpurging: by default sessions older than 168h, checked every 24h).
        "DELETE 404",
        "POST 202",
        "PATCH 202",
        "PUT 201",
      ]);
      assert.deepEqual(opened, [0, 0]);
    });

    it("resumes in the same session from the offset the registry reports", async function () {
      const bytes = randomBytes(1024 * 1024 + 3);
      const opened: number[] = [];
      // Reset before any byte reaches the registry: the session stays valid at offset 0 and is resumed, not restarted.
      proxy.inject({ method: "PATCH", path: UPLOADS, fault: { kind: "resetRequest", afterBytes: 0 } });
      const result = await client().uploadBlob(REPO, reopenable(bytes, opened));
      await assertStored(bytes, result.digest);
      assert.deepEqual(uploadRequests().slice(0, 5), ["POST 202", "PATCH resetRequest", "GET 204", "PATCH 202", "PUT 201"]);
    });

    it("recovers a monolithic upload of bytes whose PUT was reset", async function () {
      const bytes = randomBytes(1024 * 1024 + 1);
      proxy.inject({ method: "PUT", path: UPLOADS, fault: { kind: "resetRequest", afterBytes: 300_000 } });
      const result = await client().uploadBlob(REPO, bytes);
      await assertStored(bytes, result.digest);
      const seen = uploadRequests();
      assert.equal(seen[0], "HEAD 404");
      assert.equal(seen[2], "PUT resetRequest");
      assert.ok(seen.includes("DELETE 404") || seen.includes("DELETE 204"), `old session cancelled: ${seen.join(", ")}`);
      assert.equal(seen.at(-1), "PUT 201");
    });

    it("treats a lost answer to the final PUT as success when the blob is there", async function () {
      const bytes = randomBytes(256 * 1024);
      proxy.inject({ method: "PUT", path: UPLOADS, fault: { kind: "dropResponse" } });
      const result = await client().uploadBlob(REPO, bytes);
      await assertStored(bytes, result.digest);
      const seen = uploadRequests();
      assert.deepEqual(seen.slice(0, 3), ["HEAD 404", "POST 202", "PUT 201"]);
      assert.equal(seen.filter((s) => s.startsWith("POST")).length, 1, "no second session");
      assert.equal(seen.at(-1), "HEAD 200");
    });

    it("retries the session start on 503 and 500", async function () {
      const bytes = randomBytes(10_000);
      proxy.inject(
        { method: "POST", path: UPLOADS, fault: { kind: "status", status: 503, headers: { "Retry-After": "0" } } },
        { method: "POST", path: UPLOADS, fault: { kind: "status", status: 500 } },
      );
      const result = await client().uploadBlob(REPO, bytes);
      await assertStored(bytes, result.digest);
    });

    it("fails a one-shot stream cut mid-upload with a clear error, and cancels the session", async function () {
      const bytes = randomBytes(2 * 1024 * 1024);
      proxy.inject({ method: "PATCH", path: UPLOADS, fault: { kind: "resetRequest", afterBytes: 500_000 } });
      await assert.rejects(client().uploadBlob(REPO, streamOf(bytes)), (error: unknown) => {
        assert.ok(error instanceof RegistryError);
        assert.match(error.message, /^Upload blob failed/);
        assert.match(error.message, /one-shot stream, which cannot be sent again; pass a Uint8Array or \{ sizeInBytes, open\(offset\) \}/);
        return true;
      });
      const seen = uploadRequests();
      assert.deepEqual(seen.slice(0, 2), ["POST 202", "PATCH resetRequest"]);
      assert.match(seen[2], /^DELETE (204|404)$/);
      assert.ok(!(await client().blobExists(REPO, sha256(bytes))), "nothing half-stored under the digest");
    });

    it("gives up after a bounded number of sessions when every upload breaks", async function () {
      const bytes = randomBytes(300_000);
      proxy.inject({ method: "PATCH", path: UPLOADS, times: Infinity, fault: { kind: "resetRequest", afterBytes: 100_000 } });
      await assert.rejects(client().uploadBlob(REPO, reopenable(bytes, [])), (error: Error) => {
        assert.match(error.message, /^Upload blob failed/);
        assert.match(error.message, /gave up after 3 upload sessions/);
        return true;
      });
      const seen = uploadRequests();
      assert.equal(seen.filter((s) => s.startsWith("POST")).length, 3);
      assert.equal(seen.filter((s) => s.startsWith("DELETE")).length, 3, "every session cancelled");
    });

    it("cancellation mid-upload stops the work, cancels the session and rejects with AbortError", async function () {
      const bytes = randomBytes(4 * 1024 * 1024);
      proxy.inject({ method: "PATCH", path: UPLOADS, fault: { kind: "stallBeforeResponse" } });
      const controller = new AbortController();
      const opened: number[] = [];
      const upload = client().uploadBlob(REPO, reopenable(bytes, opened), { abortSignal: controller.signal });
      setTimeout(() => controller.abort(), 200);
      await assert.rejects(upload, { name: "AbortError" });
      const seen = uploadRequests();
      assert.deepEqual(seen.slice(0, 2), ["POST 202", "PATCH stallBeforeResponse"]);
      assert.match(seen[2], /^DELETE 204$/, "the session was cancelled on the registry");
      assert.equal(seen.length, 3, "nothing after the cancel");
    });

    it("cancellation of a one-shot stream upload also cancels the session", async function () {
      proxy.inject({ method: "PATCH", path: UPLOADS, fault: { kind: "stallBeforeResponse" } });
      const controller = new AbortController();
      const upload = client().uploadBlob(REPO, streamOf(randomBytes(100_000)), { abortSignal: controller.signal });
      setTimeout(() => controller.abort(), 200);
      await assert.rejects(upload, { name: "AbortError" });
      assert.deepEqual(uploadRequests(), ["POST 202", "PATCH stallBeforeResponse", "DELETE 204"]);
    });

    it("reports a source that is shorter than it claims as such, not as a network error", async function () {
      const bytes = randomBytes(50_000);
      const lying = { sizeInBytes: 60_000, open: () => Readable.from([bytes]) };
      await assert.rejects(client({ timeoutMs: 500 }).uploadBlob(REPO, lying), (error: Error) => {
        assert.equal(error.name, "SourceError");
        assert.match(error.message, /ended after 50000 of 60000 bytes/);
        return true;
      });
    });
  });
});

function manifestFor(layerDigest: string, size: number) {
  return {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.empty.v1+json", digest: layerDigest, size },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: layerDigest, size }],
  };
}
