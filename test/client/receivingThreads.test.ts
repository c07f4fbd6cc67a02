// Blobs received on the writer threads (http/blobReceiverWorker.ts, granted by
// registry/blobGetGrant.ts): the main thread sends a HEAD through the
// pipeline, and a thread sends the GET on its own connection. Against the
// real distribution over TLS with token auth (bytes, the request log), and
// scripted servers for what a real registry will not do on demand: a wrong
// or overlong body, a dropped connection, a token revoked mid-way, a redirect
// to another origin, a stalled body, a proxy in the environment.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import type * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { AbortError } from "@azure/abort-controller";
import { ContainerRegistryClient, DigestValidationError, RegistryError } from "../../src/client";
import { hostileServerPool } from "../fixtures/hostileRegistry";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { clientFor, randomBytes, sha256 } from "./helpers";

const SIZE = 3 * 1024 * 1024 + 777;

describe("blobs received on writer threads", function () {
  let dir: string;

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "receiving-threads-"));
  });

  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("distribution over TLS with token auth", function () {
    let registry: RunningRegistry;
    let blob: Buffer;
    let digest: string;

    before(async function () {
      registry = await startRegistry({ auth: "token", tls: true });
      blob = randomBytes(SIZE);
      digest = (await clientFor(registry).uploadBlob("threads/blobs", blob)).digest;
    });

    after(async function () {
      await registry?.stop();
    });

    it("downloadBlobToFile: a HEAD through the pipeline, the GET from a thread, byte for byte, progress to the end", async function () {
      const log: string[] = [];
      const client = clientFor(registry, { logRequest: (line) => log.push(line) });
      const progress: number[] = [];
      const target = path.join(dir, "blob");
      const result = await client.downloadBlobToFile("threads/blobs", digest, target, {
        onProgress: ({ transferredBytes }) => progress.push(transferredBytes),
      });
      assert.equal(result.sizeInBytes, SIZE);
      assert.ok(fs.readFileSync(target).equals(blob));
      assert.deepEqual(fs.readdirSync(dir), ["blob"]);
      const blobLines = log.filter((line) => line.includes("/blobs/"));
      // 401 then 200 for the HEAD (the token exchange in between), then the thread's one GET.
      assert.deepEqual(
        blobLines.map((line) => line.replace(/ \(\d+ ms\)$/, "").replace(/^(\S+) \S+/, "$1")),
        ["HEAD -> 401", "HEAD -> 200", "GET -> 200"],
      );
      assert.equal(progress.at(-1), SIZE);
      assert.ok(progress.every((bytes, i) => i === 0 || bytes > progress[i - 1]));
    });

    it("pullImage: layers received on threads, verified and in place", async function () {
      const client = clientFor(registry);
      const layers = [randomBytes(2 * 1024 * 1024 + 1), randomBytes(5 * 1024 * 1024 + 3)];
      const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }));
      const descriptors = [];
      for (const layer of layers) {
        descriptors.push({
          mediaType: "application/vnd.oci.image.layer.v1.tar",
          digest: (await client.uploadBlob("threads/app", layer)).digest,
          size: layer.length,
        });
      }
      const configDigest = (await client.uploadBlob("threads/app", config)).digest;
      await client.setManifest(
        "threads/app",
        {
          schemaVersion: 2,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: config.length },
          layers: descriptors,
        },
        { tag: "v1" },
      );
      const log: string[] = [];
      const out = path.join(dir, "layout");
      await clientFor(registry, { logRequest: (line) => log.push(line) }).pullImage("threads/app", "v1", out);
      for (const layer of layers) {
        assert.ok(fs.readFileSync(path.join(out, "blobs", "sha256", sha256(layer).slice(7))).equals(layer));
      }
      // Each large layer: one HEAD (signed up front by then) and one GET; the small config is not worth a thread.
      for (const layer of descriptors) {
        assert.equal(log.filter((line) => line.startsWith("HEAD") && line.includes(layer.digest)).length, 1, "one HEAD per layer");
        assert.equal(log.filter((line) => line.startsWith("GET") && line.includes(layer.digest)).length, 1, "one GET per layer");
      }
      assert.equal(log.filter((line) => line.startsWith("HEAD") && line.includes(configDigest)).length, 0);
    });
  });

  describe("scripted registries", function () {
    const servers = hostileServerPool();
    const blob = randomBytes(SIZE);
    const digest = sha256(blob);

    afterEach(() => servers.closeAll());

    function client(url: string, options: ConstructorParameters<typeof ContainerRegistryClient>[2] = {}): ContainerRegistryClient {
      return new ContainerRegistryClient(
        url,
        { username: "user", password: "secret-password" },
        {
          retry: { initialDelayMs: 10, maxDelayMs: 100 },
          ...options,
        },
      );
    }

    /** Basic auth as htpasswd registries do: 401 with a challenge without it. */
    function authorised(req: http.IncomingMessage, res: http.ServerResponse): boolean {
      if (req.headers.authorization !== `Basic ${Buffer.from("user:secret-password").toString("base64")}`) {
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="test"' }).end();
        return false;
      }
      return true;
    }

    function head(res: http.ServerResponse, size: number): void {
      res.writeHead(200, { "Content-Length": size, "Docker-Content-Digest": digest }).end();
    }

    function leftovers(): string[] {
      return fs.readdirSync(dir);
    }

    /**
     * The blob from the Range's start (200, or 206 when resumed), at most `partBytes` of it on this
     * connection; short of the end, `beforeDrop` runs and the connection drops.
     */
    function servePart(req: http.IncomingMessage, res: http.ServerResponse, partBytes: number, beforeDrop?: () => void): void {
      const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? "")?.[1] ?? 0);
      const end = Math.min(SIZE, start + partBytes);
      if (start > 0) {
        res.writeHead(206, { "Content-Length": SIZE - start, "Content-Range": `bytes ${start}-${SIZE - 1}/${SIZE}` });
      } else {
        res.writeHead(200, { "Content-Length": SIZE });
      }
      res.write(blob.subarray(start, end), () => {
        if (end === SIZE) {
          res.end();
          return;
        }
        setTimeout(() => {
          beforeDrop?.();
          res.socket?.destroy();
        }, 20);
      });
    }

    /**
     * A registry with token auth whose tokens are token-1, token-2, …; `serveBlob` answers the
     * blob's GETs and may revoke the token it was sent (then it gets 401 like any unknown token).
     */
    async function tokenRegistry(
      serveBlob: (req: http.IncomingMessage, res: http.ServerResponse, revoke: () => void) => void,
    ): Promise<Awaited<ReturnType<typeof servers.serve>>> {
      let issued = 0;
      const revoked = new Set<string>();
      const server = await servers.serve((req, res, url) => {
        if (url.pathname === "/token") {
          issued++;
          res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ token: `token-${issued}` }));
          return;
        }
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
        if (!token || revoked.has(token)) {
          res.writeHead(401, { "WWW-Authenticate": `Bearer realm="${server.url}/token",service="test",scope="repository:app:pull"` }).end();
          return;
        }
        if (req.method === "HEAD") return head(res, SIZE);
        serveBlob(req, res, () => revoked.add(token));
      });
      return server;
    }

    it("fails with DigestValidationError on wrong bytes of the right size, and leaves no file", async function () {
      const wrong = randomBytes(SIZE);
      const server = await servers.serve((req, res) => {
        if (!authorised(req, res)) return;
        if (req.method === "HEAD") return head(res, SIZE);
        res.writeHead(200, { "Content-Length": SIZE }).end(wrong);
      });
      await assert.rejects(client(server.url).downloadBlobToFile("app", digest, path.join(dir, "blob")), DigestValidationError);
      assert.deepEqual(leftovers(), []);
      assert.deepEqual(
        server.requests.map((r) => r.method),
        ["HEAD", "HEAD", "GET"],
      );
    });

    it("fails with DigestValidationError on more bytes than the blob has, stops reading, and leaves no file", async function () {
      const server = await servers.serve((req, res) => {
        if (!authorised(req, res)) return;
        if (req.method === "HEAD") return head(res, SIZE);
        // No Content-Length: the body just goes on past the blob's size.
        res.writeHead(200);
        res.write(blob);
        const more = (): void => {
          if (!res.destroyed && server.bytesWritten < SIZE * 20) {
            res.write(Buffer.alloc(256 * 1024), () => setImmediate(more));
          }
        };
        more();
      });
      await assert.rejects(client(server.url).downloadBlobToFile("app", digest, path.join(dir, "blob")), (error: Error) => {
        assert.ok(error instanceof DigestValidationError, String(error));
        assert.match(error.message, new RegExp(`more than ${SIZE} bytes`));
        return true;
      });
      assert.deepEqual(leftovers(), []);
      assert.ok(server.bytesWritten < SIZE * 20, "the client hung up");
    });

    it("resumes with Range after a dropped connection, byte for byte", async function () {
      const half = Math.floor(SIZE / 2) + 123;
      let gets = 0;
      const server = await servers.serve((req, res) => {
        if (!authorised(req, res)) return;
        if (req.method === "HEAD") return head(res, SIZE);
        servePart(req, res, ++gets === 1 ? half : SIZE);
      });
      const target = path.join(dir, "blob");
      await client(server.url).downloadBlobToFile("app", digest, target);
      assert.ok(fs.readFileSync(target).equals(blob));
      const getRequests = server.requests.filter((r) => r.method === "GET");
      assert.equal(getRequests.length, 2);
      assert.equal(getRequests[0].headers.range, undefined);
      const resumedAt = Number(/^bytes=(\d+)-$/.exec(String(getRequests[1].headers.range))?.[1]);
      assert.ok(resumedAt > 0 && resumedAt <= half, `resumed at ${resumedAt}`);
      assert.ok(getRequests.every((r) => r.headers.authorization?.startsWith("Basic ")));
    });

    it("after a 401 mid-way (the token revoked), refreshes the token through the pipeline and carries on", async function () {
      let gets = 0;
      // A third of the blob, then the token is revoked and the connection drops; the rest in one go.
      const server = await tokenRegistry((req, res, revoke) => servePart(req, res, ++gets === 1 ? Math.floor(SIZE / 3) : SIZE, revoke));
      const target = path.join(dir, "blob");
      await new ContainerRegistryClient(server.url, undefined, { retry: { initialDelayMs: 10 } }).downloadBlobToFile("app", digest, target);
      assert.ok(fs.readFileSync(target).equals(blob));
      const blobRequests = server.requests.filter((r) => r.path.startsWith("/v2/"));
      assert.deepEqual(
        blobRequests.map((r) =>
          `${r.method} ${r.headers.authorization ?? "-"}${r.headers.range ? ` ${r.headers.range}` : ""}`.replace(/=\d+-/, "=n-"),
        ),
        [
          "HEAD -", // challenge
          "HEAD Bearer token-1",
          "GET Bearer token-1", // the thread, dropped a third of the way
          "GET Bearer token-1 bytes=n-", // refused: revoked
          "HEAD Bearer token-1", // the main thread asks again: refused, so the pipeline gets a new token
          "HEAD Bearer token-2",
          "GET Bearer token-2 bytes=n-",
        ],
      );
    });

    it("refreshes the token again after each later 401 (a token that expires twice during one blob)", async function () {
      // A third of the blob per connection, then the token expires and the connection drops.
      const server = await tokenRegistry((req, res, revoke) => servePart(req, res, Math.ceil(SIZE / 3), revoke));
      const target = path.join(dir, "blob");
      await new ContainerRegistryClient(server.url, undefined, { retry: { initialDelayMs: 10 } }).downloadBlobToFile("app", digest, target);
      assert.ok(fs.readFileSync(target).equals(blob));
      const gets = server.requests.filter((r) => r.method === "GET" && r.path.startsWith("/v2/"));
      // Each expired token is refused once, then a new one carries on.
      assert.deepEqual([...new Set(gets.map((r) => r.headers.authorization))], ["Bearer token-1", "Bearer token-2", "Bearer token-3"]);
    });

    it("counts redirect hops per attempt: a registry that redirects every resume to storage", async function () {
      // Six attempts are needed, each redirected (Docker Hub, GHCR and ACR send blob GETs to storage).
      const storage = await servers.serve((req, res) => servePart(req, res, Math.ceil(SIZE / 6)));
      const server = await servers.serve((req, res) => {
        if (!authorised(req, res)) return;
        if (req.method === "HEAD") return head(res, SIZE);
        res.writeHead(307, { Location: `${storage.url}/data?sig=s` }).end();
      });
      const target = path.join(dir, "blob");
      await client(server.url).downloadBlobToFile("app", digest, target);
      assert.ok(fs.readFileSync(target).equals(blob));
      assert.equal(storage.requests.length, 6);
      assert.equal(server.requests.filter((r) => r.method === "GET").length, 6);
    });

    it("retries a 503 as the client's retry options say: Retry-After waited for, no more retries than allowed", async function () {
      const busyThenServe = (busy: number) => {
        let gets = 0;
        return (req: http.IncomingMessage, res: http.ServerResponse) => {
          if (!authorised(req, res)) return;
          if (req.method === "HEAD") return head(res, SIZE);
          if (++gets <= busy) {
            res.writeHead(503, { "Retry-After": "1" }).end("busy");
            return;
          }
          res.writeHead(200, { "Content-Length": SIZE }).end(blob);
        };
      };
      // Two busy answers, three retries allowed: the thread waits the second each asks for, then succeeds.
      const patient = await servers.serve(busyThenServe(2));
      const started = Date.now();
      await client(patient.url, { retry: { maxRetries: 3, initialDelayMs: 10, maxDelayMs: 5000 } }).downloadBlobToFile(
        "app",
        digest,
        path.join(dir, "patient"),
      );
      assert.ok(fs.readFileSync(path.join(dir, "patient")).equals(blob));
      assert.equal(patient.requests.filter((r) => r.method === "GET").length, 3);
      assert.ok(Date.now() - started >= 1900, `Retry-After honoured: ${Date.now() - started} ms`);
      // No retries allowed: the first 503 is the answer, as on the main-thread path.
      const strict = await servers.serve(busyThenServe(2));
      await assert.rejects(
        client(strict.url, { retry: { maxRetries: 0 } }).downloadBlobToFile("app", digest, path.join(dir, "strict")),
        (error: Error) => error instanceof RegistryError && /503/.test(error.message),
      );
      assert.equal(strict.requests.filter((r) => r.method === "GET").length, 1);
      // A Retry-After longer than the client waits goes back at once, saying so.
      const away = await servers.serve((req, res) => {
        if (!authorised(req, res)) return;
        if (req.method === "HEAD") return head(res, SIZE);
        res.writeHead(429, { "Retry-After": "60" }).end("slow down");
      });
      await assert.rejects(
        client(away.url, { retry: { maxRetries: 3, maxDelayMs: 1000 } }).downloadBlobToFile("app", digest, path.join(dir, "away")),
        (error: Error) => /429/.test(error.message) && /not retried: the registry asked to retry after 60 s/.test(error.message),
      );
      assert.equal(away.requests.filter((r) => r.method === "GET").length, 1);
      assert.deepEqual(fs.readdirSync(dir).sort(), ["patient"]);
    });

    it("fails at the HEAD when the registry never answers, without repeating the retries with a GET", async function () {
      const server = await servers.serve((req) => {
        req.socket.destroy();
      });
      await assert.rejects(
        client(server.url, { retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 50 } }).downloadBlobToFile(
          "app",
          digest,
          path.join(dir, "blob"),
        ),
        (error: Error) => error instanceof RegistryError && /could not reach|socket hang up|ECONNRESET/i.test(error.message),
      );
      assert.deepEqual(
        server.requests.map((r) => r.method),
        ["HEAD", "HEAD", "HEAD"],
      );
      assert.deepEqual(leftovers(), []);
    });

    it("follows a redirect to another origin without the Authorization header", async function () {
      const storage = await servers.serve((_req, res) => {
        res.writeHead(200, { "Content-Length": SIZE }).end(blob);
      });
      const server = await servers.serve((req, res) => {
        if (!authorised(req, res)) return;
        if (req.method === "HEAD") return head(res, SIZE);
        res.writeHead(307, { Location: `${storage.url}/blob-storage/data?sig=secret-signature` }).end();
      });
      const target = path.join(dir, "blob");
      await client(server.url).downloadBlobToFile("app", digest, target);
      assert.ok(fs.readFileSync(target).equals(blob));
      assert.equal(storage.requests.length, 1);
      assert.equal(storage.requests[0].path, "/blob-storage/data?sig=secret-signature");
      assert.equal(storage.requests[0].headers.authorization, undefined, "Authorization went to another origin");
      assert.ok(server.requests.find((r) => r.method === "GET")?.headers.authorization?.startsWith("Basic "));
    });

    it("refuses a redirect the rules forbid (a non-local host over plain http) and sends nothing there", async function () {
      const server = await servers.serve((req, res) => {
        if (!authorised(req, res)) return;
        if (req.method === "HEAD") return head(res, SIZE);
        res.writeHead(307, { Location: "http://storage.example.invalid/blob" }).end();
      });
      const log: string[] = [];
      await assert.rejects(
        client(server.url, { logRequest: (line) => log.push(line) }).downloadBlobToFile("app", digest, path.join(dir, "blob")),
        (error: Error) => {
          assert.ok(error instanceof RegistryError, String(error));
          assert.match(error.message, /will not use: http:\/\/storage\.example\.invalid is another host over plain http/);
          return true;
        },
      );
      // The thread logs every request it sends, a failed one too: none went to the refused host.
      assert.ok(
        log.some((line) => line.startsWith("GET ") && line.includes(server.url.replace(/^https?:\/\//, ""))),
        log.join("\n"),
      );
      assert.ok(!log.some((line) => line.includes("example.invalid")), log.join("\n"));
      assert.deepEqual(leftovers(), []);
    });

    it("stops on abort: AbortError, the connection closed, no file left", async function () {
      const controller = new AbortController();
      let closed!: Promise<void>;
      const server = await servers.serve((req, res) => {
        if (!authorised(req, res)) return;
        if (req.method === "HEAD") return head(res, SIZE);
        closed = new Promise((resolve) => res.on("close", () => resolve()));
        res.writeHead(200, { "Content-Length": SIZE });
        res.write(blob.subarray(0, 1024 * 1024), () => controller.abort());
        // The rest never comes: only the client closing the connection ends this response.
      });
      await assert.rejects(
        client(server.url).downloadBlobToFile("app", digest, path.join(dir, "blob"), { abortSignal: controller.signal }),
        AbortError,
      );
      await Promise.race([
        closed,
        new Promise((_, reject) => setTimeout(() => reject(new Error("the thread kept the connection open after the abort")), 5000)),
      ]);
      assert.deepEqual(leftovers(), []);
      assert.equal(server.requests.filter((r) => r.method === "GET").length, 1, "no resume after an abort");
    });

    it("resumes a stalled body after the idle timeout", async function () {
      let gets = 0;
      const server = await servers.serve((req, res) => {
        if (!authorised(req, res)) return;
        if (req.method === "HEAD") return head(res, SIZE);
        gets++;
        if (gets === 1) {
          res.writeHead(200, { "Content-Length": SIZE });
          res.write(blob.subarray(0, 4096));
          return; // stalls
        }
        const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? "")?.[1]);
        res
          .writeHead(206, { "Content-Range": `bytes ${start}-${SIZE - 1}/${SIZE}`, "Content-Length": SIZE - start })
          .end(blob.subarray(start));
      });
      const target = path.join(dir, "blob");
      await client(server.url, { timeoutMs: 300 }).downloadBlobToFile("app", digest, target);
      assert.ok(fs.readFileSync(target).equals(blob));
      assert.equal(server.requests.filter((r) => r.method === "GET")[1]?.headers.range, "bytes=4096-");
    });

    it("keeps the main-thread path when a proxy is configured (no HEAD, one GET)", async function () {
      const server = await servers.serve((req, res) => {
        if (!authorised(req, res)) return;
        if (req.method === "HEAD") return head(res, SIZE);
        res.writeHead(200, { "Content-Length": SIZE }).end(blob);
      });
      const saved = process.env.HTTPS_PROXY;
      // The pipeline sends loopback requests directly; the variable only has to be there.
      process.env.HTTPS_PROXY = "http://127.0.0.1:9";
      try {
        const target = path.join(dir, "blob");
        await client(server.url).downloadBlobToFile("app", digest, target);
        assert.ok(fs.readFileSync(target).equals(blob));
      } finally {
        if (saved === undefined) {
          delete process.env.HTTPS_PROXY;
        } else {
          process.env.HTTPS_PROXY = saved;
        }
      }
      assert.deepEqual(
        server.requests.map((r) => r.method),
        ["GET", "GET"], // the challenge, then the signed GET, both on the main thread
      );
    });

    it("keeps the main-thread path for a caller-supplied HTTP client", async function () {
      const { createDefaultHttpClient } = await import("@azure/core-rest-pipeline");
      const server = await servers.serve((req, res) => {
        if (!authorised(req, res)) return;
        if (req.method === "HEAD") return head(res, SIZE);
        res.writeHead(200, { "Content-Length": SIZE }).end(blob);
      });
      const target = path.join(dir, "blob");
      await client(server.url, { httpClient: createDefaultHttpClient() }).downloadBlobToFile("app", digest, target);
      assert.ok(fs.readFileSync(target).equals(blob));
      assert.ok(!server.requests.some((r) => r.method === "HEAD"));
    });
  });
});
