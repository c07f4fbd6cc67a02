// Hostile or broken registries, written by hand (test/fixtures/hostileRegistry.ts):
// oversized and endless bodies, absurd headers, lying digests, looping Links,
// broken Range answers, partial uploads, and hosts that must never see
// Authorization. Each case asserts the typed error (or the exact bytes), that
// the client stopped reading (bounded memory) and that nothing hangs.

import * as assert from "node:assert/strict";
import type * as http from "node:http";
import { Readable } from "node:stream";
import {
  ContainerRegistryClient,
  type ContainerRegistryClientOptions,
  DigestValidationError,
  RegistryAuthenticationError,
  RegistryError,
  RegistryNotFoundError,
  ResponseTooLargeError,
} from "../../src/client";
import { type HostileServer, hostileServerPool, json, readRequestBody, streamEndlessly } from "../fixtures/hostileRegistry";
import { randomBytes, readAll, sha256 } from "./helpers";

/** The scripted servers of this file; their responses are the README's count. */
const { serve, closeAll, responses } = hostileServerPool();

const MiB = 1024 * 1024;
/** An endless body must be abandoned long before this many bytes were written to the socket. */
const STOPPED_READING = 64 * MiB;

const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {
      mediaType: "application/vnd.oci.empty.v1+json",
      digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
      size: 2,
    },
    layers: [],
  }),
);

function clientFor(
  server: HostileServer,
  options: ContainerRegistryClientOptions = {},
  credential?: { username: string; password: string },
) {
  return new ContainerRegistryClient(server.url, credential, {
    registryKind: "oci",
    retry: { maxRetries: 1, initialDelayMs: 5 },
    timeoutMs: 5000,
    ...options,
  });
}

describe("hostile and broken registries", function () {
  this.timeout(20_000);

  afterEach(async function () {
    await closeAll();
  });

  after(function () {
    // For the README's count: responses written by hand by the hostile servers.
    console.log(`      (hostile servers: ${responses()} crafted responses)`);
  });

  describe("bodies that are too large, endless or not what they claim", function () {
    it("refuses a manifest whose Content-Length is over 4 MiB before reading it", async function () {
      const server = await serve((_req, res) => {
        res.writeHead(200, { "Content-Type": "application/vnd.oci.image.manifest.v1+json", "Content-Length": String(1024 * MiB) });
        streamEndlessly(res, Buffer.alloc(64 * 1024, 0x20), 1024 * MiB);
      });
      await assert.rejects(clientFor(server).getManifest("app", "v1"), (error: unknown) => {
        assert.ok(error instanceof ResponseTooLargeError);
        assert.match(error.message, /^The manifest app:v1 on 127\.0\.0\.1:\d+ is larger than 4 MiB$/);
        return true;
      });
      assert.ok(server.bytesWritten < STOPPED_READING, `stopped reading (${server.bytesWritten} bytes written)`);
    });

    it("stops reading an endless manifest without Content-Length at 4 MiB", async function () {
      const server = await serve((_req, res) => {
        res.writeHead(200, { "Content-Type": "application/vnd.oci.image.manifest.v1+json" });
        streamEndlessly(res, Buffer.alloc(64 * 1024, 0x20));
      });
      await assert.rejects(clientFor(server).getManifest("app", "v1"), (error: unknown) => {
        assert.ok(error instanceof ResponseTooLargeError);
        assert.match(error.message, /manifest app:v1 is larger than the 4 MiB limit/);
        return true;
      });
      assert.ok(server.bytesWritten < STOPPED_READING, `stopped reading (${server.bytesWritten} bytes written)`);
    });

    it("reads only a prefix of an endless error body (gigabytes offered)", async function () {
      const server = await serve((_req, res) => {
        res.writeHead(404, { "Content-Type": "application/json" });
        res.write('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"');
        streamEndlessly(res, Buffer.alloc(64 * 1024, 0x61), 4 * 1024 * MiB);
      });
      const started = Date.now();
      await assert.rejects(clientFor(server).getManifest("app", "v1"), (error: unknown) => {
        assert.ok(error instanceof RegistryNotFoundError);
        assert.equal(error.statusCode, 404);
        assert.match(error.message, /^Get manifest failed on 127\.0\.0\.1:\d+: 404 Not Found \(GET /);
        return true;
      });
      assert.ok(server.bytesWritten < STOPPED_READING, `stopped reading (${server.bytesWritten} bytes written)`);
      assert.ok(Date.now() - started < 5000);
    });

    it("reads only a prefix of endless 503 bodies across retries", async function () {
      const server = await serve((_req, res) => {
        res.writeHead(503, { "Retry-After": "0" });
        streamEndlessly(res, Buffer.alloc(64 * 1024, 0x62));
      });
      await assert.rejects(clientFor(server).getManifest("app", "v1"), (error: unknown) => {
        assert.ok(error instanceof RegistryError);
        assert.equal(error.statusCode, 503);
        assert.match(
          error.message,
          /^Get manifest failed on 127\.0\.0\.1:\d+: 503 Service Unavailable \(GET .*\) \(gave up after 2 attempts\)$/,
        );
        return true;
      });
      assert.equal(server.requests.length, 2);
      assert.ok(server.bytesWritten < STOPPED_READING, `stopped reading (${server.bytesWritten} bytes written)`);
    });

    it("refuses response headers of absurd size with ResponseTooLargeError", async function () {
      const server = await serve((_req, res) => {
        res.writeHead(200, { "X-Junk": "j".repeat(100_000), "Content-Length": "2" });
        res.end("{}");
      });
      await assert.rejects(clientFor(server, { retry: { maxRetries: 0 } }).getManifest("app", "v1"), (error: unknown) => {
        assert.ok(error instanceof ResponseTooLargeError);
        assert.match(
          error.message,
          /^Get manifest failed on 127\.0\.0\.1:\d+: the response headers are larger than Node's limit of \d+ bytes/,
        );
        return true;
      });
    });

    it("refuses a header that never ends", async function () {
      const server = await serve((req) => {
        const socket = req.socket;
        socket.write("HTTP/1.1 200 OK\r\nX-Endless: ");
        const pump = (): void => {
          while (!socket.destroyed && socket.write("e".repeat(64 * 1024))) {
            // keep writing until the client hangs up
          }
          if (!socket.destroyed) {
            socket.once("drain", pump);
          }
        };
        pump();
      });
      await assert.rejects(clientFor(server, { retry: { maxRetries: 0 } }).getManifest("app", "v1"), ResponseTooLargeError);
    });

    it("fails a manifest that is not JSON with a RegistryError", async function () {
      const server = await serve((_req, res) => {
        res.writeHead(200, { "Content-Type": "text/html" });
        res.end("<html><body>Welcome to nginx!</body></html>");
      });
      await assert.rejects(clientFor(server).getManifest("app", "v1"), (error: unknown) => {
        assert.ok(error instanceof RegistryError);
        assert.equal(error.operation, "get manifest");
        assert.match(error.message, /^The manifest app@sha256:[0-9a-f]{64} on 127\.0\.0\.1:\d+ is not valid JSON$/);
        return true;
      });
    });

    it("fails a tag list that is not JSON with a RegistryError", async function () {
      const server = await serve((_req, res) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end('{"name":"app","tags":[');
      });
      await assert.rejects(
        (async () => {
          for await (const _ of clientFor(server).listTagProperties("app")) {
            // nothing
          }
        })(),
        /^RegistryError: List tags failed on 127\.0\.0\.1:\d+: the response is not valid JSON$/,
      );
    });

    it("fails a manifest whose Docker-Content-Digest does not match its bytes", async function () {
      const lie = sha256(Buffer.from("something else"));
      const server = await serve((_req, res) => {
        res.writeHead(200, { "Content-Type": "application/vnd.oci.image.manifest.v1+json", "Docker-Content-Digest": lie });
        res.end(MANIFEST);
      });
      await assert.rejects(clientFor(server).getManifest("app", "v1"), (error: unknown) => {
        assert.ok(error instanceof DigestValidationError);
        assert.equal(error.expectedDigest, lie);
        assert.equal(error.actualDigest, sha256(MANIFEST));
        return true;
      });
    });

    it("fails a manifest fetched by digest whose bytes are another manifest", async function () {
      const asked = sha256(Buffer.from("the manifest I asked for"));
      const server = await serve((_req, res) => res.writeHead(200).end(MANIFEST));
      await assert.rejects(clientFor(server).getManifest("app", asked), (error: unknown) => {
        assert.ok(error instanceof DigestValidationError);
        assert.equal(error.expectedDigest, asked);
        return true;
      });
    });

    it("fails a blob whose bytes do not match its digest (same length)", async function () {
      const good = randomBytes(100_000);
      const bad = Buffer.from(good);
      bad[50_000] ^= 0xff;
      const server = await serve((_req, res) => res.writeHead(200, { "Content-Length": String(bad.length) }).end(bad));
      const download = await clientFor(server).downloadBlob("app", sha256(good));
      await assert.rejects(readAll(download.content), (error: unknown) => {
        assert.ok(error instanceof DigestValidationError);
        assert.equal(error.expectedDigest, sha256(good));
        assert.equal(error.actualDigest, sha256(bad));
        return true;
      });
    });
  });

  describe("Range answers on a resumed download", function () {
    const blob = randomBytes(200_000);

    /** First GET: the headers and half the body, then the connection drops. Later GETs: `resume`. */
    async function serveResume(
      resume: (req: http.IncomingMessage, res: http.ServerResponse, offset: number) => void,
    ): Promise<HostileServer> {
      return serve((req, res) => {
        const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
        if (!range) {
          res.writeHead(200, { "Content-Length": String(blob.length) });
          res.write(blob.subarray(0, 100_000), () => setTimeout(() => req.socket.destroy(), 20));
          return;
        }
        resume(req, res, Number(range[1]));
      });
    }

    it("refuses a 206 whose Content-Range starts after the byte asked for", async function () {
      const server = await serveResume((_req, res, offset) => {
        res.writeHead(206, { "Content-Range": `bytes ${offset + 100}-${blob.length - 1}/${blob.length}` });
        res.end(blob.subarray(offset + 100));
      });
      const download = await clientFor(server).downloadBlob("app", sha256(blob));
      await assert.rejects(readAll(download.content), (error: unknown) => {
        assert.ok(error instanceof RegistryError);
        assert.match(
          error.message,
          /^Download blob failed on 127\.0\.0\.1:\d+: asked for bytes \d+- and got Content-Range "bytes \d+-199999\/200000"/,
        );
        return true;
      });
    });

    it("refuses a 206 without Content-Range", async function () {
      const server = await serveResume((_req, res, offset) => res.writeHead(206).end(blob.subarray(offset)));
      const download = await clientFor(server).downloadBlob("app", sha256(blob));
      await assert.rejects(readAll(download.content), /got Content-Range "\(none\)"/);
    });

    it("accepts a 206 that starts earlier than asked, skipping the overlap", async function () {
      const server = await serveResume((_req, res, offset) => {
        const start = Math.max(0, offset - 1000);
        res.writeHead(206, { "Content-Range": `bytes ${start}-${blob.length - 1}/${blob.length}` });
        res.end(blob.subarray(start));
      });
      const bytes = await readAll((await clientFor(server).downloadBlob("app", sha256(blob))).content);
      assert.ok(bytes.equals(blob));
    });

    it("refuses a resume where the blob changed size", async function () {
      const server = await serveResume((_req, res, offset) => {
        res.writeHead(206, { "Content-Range": `bytes ${offset}-${blob.length}/${blob.length + 1}` });
        res.end(Buffer.concat([blob.subarray(offset), Buffer.from("!")]));
      });
      const download = await clientFor(server).downloadBlob("app", sha256(blob));
      await assert.rejects(readAll(download.content), /the blob was 200000 bytes and is now 200001/);
    });

    it("still verifies the digest across a resume that serves other bytes", async function () {
      const other = randomBytes(blob.length);
      const server = await serveResume((_req, res, offset) => {
        res.writeHead(206, { "Content-Range": `bytes ${offset}-${blob.length - 1}/${blob.length}` });
        res.end(other.subarray(offset));
      });
      const download = await clientFor(server).downloadBlob("app", sha256(blob));
      await assert.rejects(readAll(download.content), DigestValidationError);
    });
  });

  describe("paging and redirects that never end", function () {
    it("stops at a Link that loops back to a page already read", async function () {
      const server = await serve((req, res) => {
        const last = new URL(req.url!, "http://x").searchParams.get("last");
        const next = last === "b" ? "a" : "b";
        json(res, 200, { repositories: [`repo-${last ?? "first"}`] }, { Link: `</v2/_catalog?last=${next}&n=1>; rel="next"` });
      });
      const names: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const name of clientFor(server).listRepositoryNames()) {
            names.push(name);
          }
        })(),
        /answered with a paging Link that loops back to a page already read/,
      );
      // The page whose Link loops is refused whole (paging.ts checks the Link before yielding the page).
      assert.deepEqual(names, ["repo-first", "repo-b"]);
      assert.ok(server.requests.length <= 4);
    });

    it("stops at an endless chain of empty pages", async function () {
      let page = 0;
      const server = await serve((_req, res) => {
        page++;
        json(res, 200, { repositories: [] }, { Link: `</v2/_catalog?last=p${page}&n=10>; rel="next"` });
      });
      await assert.rejects(
        (async () => {
          for await (const _ of clientFor(server).listRepositoryNames()) {
            // nothing
          }
        })(),
        /keeps answering empty pages with a next Link; stopped paging/,
      );
      assert.equal(server.requests.length, 3);
    });

    it("stops at a redirect loop", async function () {
      const server = await serve((req, res) => res.writeHead(307, { Location: req.url }).end());
      await assert.rejects(clientFor(server).getManifest("app", "v1"), (error: unknown) => {
        assert.ok(error instanceof RegistryError);
        assert.equal(error.statusCode, 307);
        return true;
      });
      assert.ok(server.requests.length <= 6 * 2, `bounded: ${server.requests.length}`);
    });
  });

  describe("an upload the registry kept part of (ACR-like upload status)", function () {
    /** Keeps what arrived of a PATCH or PUT that broke; the first body-carrying request breaks after 300 000 bytes. */
    async function partialUploadRegistry() {
      let stored = Buffer.alloc(0);
      let broken = false;
      const contentRanges: string[] = [];
      const server = await serve((req, res) => {
        const url = new URL(req.url!, "http://x");
        if (req.method === "POST") {
          return res.writeHead(202, { Location: "/upload/1?_state=opaque-1" }).end();
        }
        if (req.method === "GET" && url.pathname === "/upload/1") {
          return res.writeHead(204, { Range: `0-${stored.length - 1}`, Location: "/upload/1?_state=opaque-2" }).end();
        }
        if (req.method === "HEAD") {
          return res.writeHead(404).end();
        }
        if (req.method === "DELETE") {
          return res.writeHead(204).end();
        }
        const range = req.headers["content-range"];
        if (range) {
          contentRanges.push(range);
          if (Number(range.split("-")[0]) !== stored.length) {
            return res.writeHead(416, { Range: `0-${stored.length - 1}` }).end();
          }
        }
        req.on("data", (chunk: Buffer) => {
          stored = Buffer.concat([stored, chunk]);
          if (!broken && stored.length >= 300_000) {
            broken = true;
            req.socket.destroy();
          }
        });
        return req.on("end", () => {
          if (req.method === "PATCH") {
            return res.writeHead(202, { Location: "/upload/1?_state=opaque-3", Range: `0-${stored.length - 1}` }).end();
          }
          const digest = url.searchParams.get("digest");
          if (digest !== sha256(stored)) {
            return json(res, 400, { errors: [{ code: "DIGEST_INVALID", message: "digest did not match" }] });
          }
          res.writeHead(201, { "Docker-Content-Digest": digest }).end();
        });
      });
      return { server, stored: () => stored, contentRanges };
    }

    it("resumes a reopenable source from the registry's offset, rehashing from byte 0", async function () {
      const bytes = randomBytes(1024 * 1024 + 17);
      const registry = await partialUploadRegistry();
      const opened: number[] = [];
      const result = await clientFor(registry.server).uploadBlob("app", {
        sizeInBytes: bytes.length,
        open: (offset) => {
          opened.push(offset);
          return Readable.from([bytes.subarray(offset, offset + 200_000), bytes.subarray(offset + 200_000)]);
        },
      });
      assert.equal(result.digest, sha256(bytes));
      assert.ok(registry.stored().equals(bytes), "the registry holds exactly the blob, nothing sent twice");
      const resumedAt = Number(registry.contentRanges[1].split("-")[0]);
      assert.ok(resumedAt >= 300_000, `resumed at ${registry.contentRanges[1]}`);
      assert.deepEqual(registry.contentRanges, [`0-${bytes.length - 1}`, `${resumedAt}-${bytes.length - 1}`]);
      assert.deepEqual(opened, [0, 0], "the digest was not known: the source is read from 0 to rebuild the hash");
      const methods = registry.server.requests.map((r) => r.method);
      assert.deepEqual(methods, ["POST", "PATCH", "GET", "PATCH", "PUT"]);
    });

    it("resumes bytes (monolithic PUT broken) with a PATCH from the registry's offset", async function () {
      const bytes = randomBytes(700_000);
      const registry = await partialUploadRegistry();
      const result = await clientFor(registry.server).uploadBlob("app", bytes);
      assert.equal(result.digest, sha256(bytes));
      assert.ok(registry.stored().equals(bytes));
      assert.deepEqual(
        registry.server.requests.map((r) => r.method),
        ["HEAD", "POST", "PUT", "GET", "PATCH", "PUT"],
      );
      assert.match(registry.contentRanges[0], /^(\d+)-699999$/);
      assert.ok(Number(registry.contentRanges[0].split("-")[0]) >= 300_000);
    });

    it("opens a source with a known digest at the offset itself", async function () {
      const bytes = randomBytes(600_000);
      const registry = await partialUploadRegistry();
      const opened: number[] = [];
      const result = await clientFor(registry.server).uploadBlob("app", {
        sizeInBytes: bytes.length,
        digest: sha256(bytes),
        open: (offset) => {
          opened.push(offset);
          return Readable.from([bytes.subarray(offset)]);
        },
      });
      assert.equal(result.digest, sha256(bytes));
      assert.ok(registry.stored().equals(bytes));
      assert.equal(opened.length, 2);
      assert.equal(opened[0], 0);
      assert.ok(opened[1] >= 300_000);
    });
  });

  describe("no downgrade to plain http on another host", function () {
    it("refuses a 307 from the registry to http:// on a non-loopback host before sending anything there", async function () {
      // The refusal happens before the request leaves, so the foreign name is never even resolved.
      const server = await serve((_req, res) => {
        res.writeHead(307, { Location: "http://storage.example.invalid/blob?sig=secret-signature" }).end();
      });
      const digest = sha256(Buffer.from("anything"));
      await assert.rejects(clientFor(server).downloadBlob("team/app", digest), (error: unknown) => {
        assert.ok(error instanceof RegistryError, String(error));
        assert.match(error.message, /another host over plain http; not followed/);
        assert.doesNotMatch(error.message, /secret-signature/);
        return true;
      });
    });
  });

  describe("Authorization never goes to another host", function () {
    const USER = "alice";
    const PASSWORD = "hunter2-but-longer";
    const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;
    const blob = randomBytes(50_000);

    /** Storage on another origin: records what it is sent and serves the blob, an upload, and a 401 of its own when asked. */
    async function storageHost(): Promise<HostileServer> {
      return serve((req, res) => {
        const url = new URL(req.url!, "http://x");
        if (url.pathname === "/blob") {
          return res.writeHead(200, { "Content-Length": String(blob.length) }).end(blob);
        }
        if (url.pathname === "/challenging-blob") {
          return res.writeHead(401, { "WWW-Authenticate": `Bearer realm="http://${req.headers.host}/token",service="storage"` }).end();
        }
        if (url.pathname === "/token") {
          return json(res, 200, { token: "storage-token" });
        }
        if (url.pathname.startsWith("/upload")) {
          void readRequestBody(req).then(() => {
            if (req.method === "PUT") {
              res.writeHead(201, { "Docker-Content-Digest": url.searchParams.get("digest")! }).end();
            } else {
              res.writeHead(202, { Location: `/upload/1?sig=storage-signature` }).end();
            }
          });
          return;
        }
        res.writeHead(404).end();
      });
    }

    /** A registry that wants `expected` Authorization and points blobs, uploads and Links at `storage`. */
    async function registryPointingAt(storage: HostileServer, challenge: string, expected: string): Promise<HostileServer> {
      return serve((req, res) => {
        const url = new URL(req.url!, "http://x");
        if (req.headers.authorization !== expected) {
          return res.writeHead(401, { "WWW-Authenticate": challenge }).end();
        }
        if (url.pathname.endsWith("/blobs/uploads/")) {
          return res.writeHead(202, { Location: `${storage.url}/upload/0?sig=s` }).end();
        }
        if (url.pathname.includes("/blobs/")) {
          const target = url.searchParams.get("to") ?? "blob";
          return res.writeHead(307, { Location: `${storage.url}/${target}?sig=storage-signature` }).end();
        }
        if (url.pathname === "/v2/_catalog") {
          return json(res, 200, { repositories: ["a"] }, { Link: `<${storage.url}/v2/_catalog?last=a>; rel="next"` });
        }
        res.writeHead(404).end();
      });
    }

    function assertNoAuthorization(storage: HostileServer): void {
      assert.ok(storage.requests.length > 0, "the storage host was used");
      for (const request of storage.requests) {
        assert.equal(request.headers.authorization, undefined, `${request.method} ${request.path} carried Authorization`);
      }
    }

    for (const mode of ["basic", "bearer"] as const) {
      it(`${mode}: not on a 307 to blob storage, not to an upload Location on another host`, async function () {
        const storage = await storageHost();
        const registry = mode === "basic" ? await registryPointingAt(storage, 'Basic realm="test"', BASIC) : await bearerRegistry(storage);
        const client = clientFor(registry, {}, { username: USER, password: PASSWORD });
        const bytes = await readAll((await client.downloadBlob("app", sha256(blob))).content);
        assert.ok(bytes.equals(blob));
        const uploaded = await client.uploadBlob("app", { sizeInBytes: 10, open: () => Readable.from([Buffer.alloc(10, 1)]) });
        assert.equal(uploaded.digest, sha256(Buffer.alloc(10, 1)));
        assert.ok(
          registry.requests.some((r) => r.headers.authorization),
          "the registry itself was sent credentials",
        );
        assertNoAuthorization(storage);
        assert.deepEqual(
          storage.requests.map((r) => `${r.method} ${new URL(r.path, "http://x").pathname}`),
          ["GET /blob", "PATCH /upload/0", "PUT /upload/1"],
        );
      });
    }

    async function bearerRegistry(storage: HostileServer): Promise<HostileServer> {
      let self = "";
      const server = await serve((req, res) => {
        const url = new URL(req.url!, "http://x");
        if (url.pathname === "/token") {
          return req.headers.authorization === BASIC ? json(res, 200, { token: "registry-token-123456" }) : res.writeHead(401).end();
        }
        if (req.headers.authorization !== "Bearer registry-token-123456") {
          return res
            .writeHead(401, { "WWW-Authenticate": `Bearer realm="${self}/token",service="hostile",scope="repository:app:pull"` })
            .end();
        }
        if (url.pathname.endsWith("/blobs/uploads/")) {
          return res.writeHead(202, { Location: `${storage.url}/upload/0?sig=s` }).end();
        }
        if (url.pathname.includes("/blobs/")) {
          return res.writeHead(307, { Location: `${storage.url}/${url.searchParams.get("to") ?? "blob"}?sig=storage-signature` }).end();
        }
        res.writeHead(404).end();
      });
      self = server.url;
      return server;
    }

    it("not to a paging Link on another host (it is not followed at all)", async function () {
      const storage = await storageHost();
      const registry = await registryPointingAt(storage, 'Basic realm="test"', BASIC);
      const names: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const name of clientFor(registry, {}, { username: USER, password: PASSWORD }).listRepositoryNames()) {
            names.push(name);
          }
        })(),
        new RegExp(`answered with a paging Link to another host \\(${storage.url.replace(/\./g, "\\.")}\\); not followed`),
      );
      assert.deepEqual(names, [], "the page with the foreign Link is refused whole");
      assert.equal(storage.requests.length, 0);
    });

    it("not in answer to a challenge from the storage host a 307 led to", async function () {
      const storage = await storageHost();
      const registry = await registryPointingAt(storage, 'Basic realm="test"', BASIC);
      // The registry redirects this blob to a storage URL that answers 401 with its own Bearer challenge.
      const client = clientFor(registry, {}, { username: USER, password: PASSWORD });
      const http = (client as unknown as { http: { send(r: object): Promise<unknown> } }).http;
      await assert.rejects(
        http.send({
          method: "GET",
          url: `/v2/app/blobs/${sha256(blob)}?to=challenging-blob`,
          operation: "download blob",
          expectedStatus: [200],
        }),
        (error: unknown) => {
          assert.ok(error instanceof RegistryAuthenticationError);
          assert.equal(error.statusCode, 401);
          return true;
        },
      );
      assertNoAuthorization(storage);
      assert.ok(!storage.requests.some((r) => r.path.startsWith("/token")), "the storage host's token realm was never asked");
    });

    it("credentials go to a token realm on another host only when the registry's own challenge names it (loopback here)", async function () {
      const realm = await serve((req, res) => {
        return req.headers.authorization === BASIC ? json(res, 200, { token: "realm-token-abcdef" }) : res.writeHead(401).end();
      });
      const registry = await serve((req, res) => {
        if (req.headers.authorization !== "Bearer realm-token-abcdef") {
          return res
            .writeHead(401, { "WWW-Authenticate": `Bearer realm="${realm.url}/token",service="hostile",scope="repository:app:pull"` })
            .end();
        }
        return res.writeHead(200, { "Content-Length": "0" }).end();
      });
      assert.equal(await clientFor(registry, {}, { username: USER, password: PASSWORD }).blobExists("app", sha256(blob)), true);
      assert.deepEqual(
        realm.requests.map((r) => [r.path.split("?")[0], r.headers.authorization]),
        [["/token", BASIC]],
      );
      assert.ok(!registry.requests.some((r) => r.headers.authorization === BASIC), "the password never went to the registry itself");
    });

    it("refuses a token realm that would send the password in clear to a non-loopback host, before sending", async function () {
      for (const realm of ["http://auth.example.invalid/token", "ftp://auth.example.invalid/token"]) {
        const registry = await serve((_req, res) =>
          res.writeHead(401, { "WWW-Authenticate": `Bearer realm="${realm}",service="x"` }).end(),
        );
        await assert.rejects(
          clientFor(registry, {}, { username: USER, password: PASSWORD }).blobExists("app", sha256(blob)),
          (error: unknown) => {
            assert.ok(error instanceof RegistryAuthenticationError);
            assert.match(
              error.message,
              /sent a token realm that is not https \((http|ftp):\/\/auth\.example\.invalid\); refusing to use it/,
            );
            return true;
          },
        );
      }
    });

    it("refuses an upload Location that would send blob bytes in clear to a non-loopback host", async function () {
      const registry = await serve((req, res) => {
        if (req.method === "HEAD") {
          return res.writeHead(404).end();
        }
        return res.writeHead(202, { Location: "http://storage.example.invalid/upload?sig=abc" }).end();
      });
      await assert.rejects(clientFor(registry).uploadBlob("app", Buffer.from("data")), (error: unknown) => {
        assert.ok(error instanceof RegistryError);
        assert.match(
          error.message,
          /upload Location on another host over http:\/\/ \(http:\/\/storage\.example\.invalid\/upload\?sig=REDACTED\); refusing to send blob data there/,
        );
        return true;
      });
    });
  });
});
