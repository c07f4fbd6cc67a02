// Whole-image push and pull against a real CNCF distribution registry over
// TLS: several blobs in flight, byte-for-byte round trip, HEAD skips what the
// repository has, cross-repository mounts, and pulled files that appear under
// their final name only after their digest checked out.

import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createDefaultHttpClient, type HttpClient, type PipelineRequest } from "@azure/core-rest-pipeline";
import { ContainerRegistryClient, DigestValidationError, InvalidInputError, MediaTypes, readImageLayout } from "../../src/client";
import { BufferReleaser } from "../../src/client/http/bufferRelease";
import { type AcrStandIn, createFakeEntraCredential, startAcrStandIn } from "../fixtures/acrStandIn";
import { type FaultProxy, startFaultProxy } from "../fixtures/faultProxy";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { blobDataPath, clientFor, sha256 } from "./helpers";

interface Layout {
  dir: string;
  manifestDigest: string;
  blobs: { digest: string; bytes: Buffer }[];
}

/** An OCI image layout of a config and `sizes.length` random layers. */
function writeLayout(dir: string, sizes: number[], tag = "v1"): Layout {
  fs.mkdirSync(path.join(dir, "blobs", "sha256"), { recursive: true });
  fs.writeFileSync(path.join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const put = (bytes: Buffer): string => {
    const digest = sha256(bytes);
    fs.writeFileSync(path.join(dir, "blobs", "sha256", digest.slice(7)), bytes);
    return digest;
  };
  const layers = sizes.map((size) => crypto.randomBytes(size));
  const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaTypes.OCI_MANIFEST,
      config: { mediaType: MediaTypes.OCI_IMAGE_CONFIG, digest: put(config), size: config.length },
      layers: layers.map((bytes) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: put(bytes), size: bytes.length })),
    }),
  );
  const manifestDigest = put(manifest);
  fs.writeFileSync(
    path.join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: MediaTypes.OCI_MANIFEST,
          digest: manifestDigest,
          size: manifest.length,
          annotations: { "org.opencontainers.image.ref.name": tag },
        },
      ],
    }),
  );
  return {
    dir,
    manifestDigest,
    blobs: [config, ...layers].map((bytes) => ({ digest: sha256(bytes), bytes })),
  };
}

/** Wraps the default HTTP client to see how many blob bodies are moving at once. */
function watchingHttpClient(): HttpClient & {
  maxUploads: number;
  maxDownloads: number;
  uploadBodies: number;
  startedBehindIdleUpload: number;
} {
  const base = createDefaultHttpClient();
  let uploads = 0;
  let downloads = 0;
  /** Bytes sent so far by each upload in flight. */
  const sentBy = new Map<PipelineRequest, number>();
  const watcher = {
    maxUploads: 0,
    maxDownloads: 0,
    uploadBodies: 0,
    /** Uploads that started while another was in flight and had sent nothing yet (not staggered). */
    startedBehindIdleUpload: 0,
    async sendRequest(request: PipelineRequest) {
      const isUpload = (request.method === "PUT" || request.method === "PATCH") && request.url.includes("/blobs/uploads/");
      if (isUpload && request.body) {
        watcher.uploadBodies++;
        watcher.maxUploads = Math.max(watcher.maxUploads, ++uploads);
        if ([...sentBy.values()].some((sent) => sent === 0)) {
          watcher.startedBehindIdleUpload++;
        }
        sentBy.set(request, 0);
        const progress = request.onUploadProgress;
        request.onUploadProgress = (p) => {
          sentBy.set(request, p.loadedBytes);
          progress?.(p);
        };
      }
      try {
        const response = await base.sendRequest(request);
        if (request.method === "GET" && /\/blobs\/sha256:/.test(request.url) && response.readableStreamBody) {
          watcher.maxDownloads = Math.max(watcher.maxDownloads, ++downloads);
          response.readableStreamBody.once("close", () => downloads--);
        }
        return response;
      } finally {
        if (isUpload && request.body) {
          uploads--;
          sentBy.delete(request);
        }
      }
    },
  };
  return watcher;
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe("whole-image push and pull (distribution over TLS)", function () {
  let registry: RunningRegistry;
  let work: string;
  let image: Layout;

  before(async function () {
    registry = await startRegistry({ tls: true });
    work = fs.mkdtempSync(path.join(os.tmpdir(), "image-transfer-"));
    // Sizes not multiples of any buffer size, and one tiny layer.
    image = writeLayout(path.join(work, "image"), [3 * 1024 * 1024 + 17, 2 * 1024 * 1024 + 5, 1024 * 1024 + 3, 11]);
  });

  after(async function () {
    await registry?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("pushes the blobs in parallel and pulls them back byte for byte", async function () {
    const http = watchingHttpClient();
    const log: string[] = [];
    const client = clientFor(registry, { httpClient: http, logRequest: (line) => log.push(line) });
    const events: string[] = [];
    const pushed = await client.pushImage("parallel/app", image.dir, { tag: "v1", concurrency: 4, onBlob: (e) => events.push(e.outcome) });
    assert.equal(pushed.digest, image.manifestDigest);
    assert.deepEqual(events, ["uploaded", "uploaded", "uploaded", "uploaded", "uploaded"]);
    assert.equal(
      pushed.uploadedBytes,
      image.blobs.reduce((sum, b) => sum + b.bytes.length, 0),
    );
    assert.ok(http.maxUploads > 1, `at most ${http.maxUploads} upload in flight`);
    // Staggered (staggeredStart.ts): each upload starts once the one before has sent its head start.
    assert.equal(http.startedBehindIdleUpload, 0, "an upload started beside one that had sent nothing yet");
    // One streaming request per blob: POST then one PUT with the whole body, no PATCH.
    assert.equal(http.uploadBodies, image.blobs.length);
    assert.equal(log.filter((l) => l.startsWith("PATCH")).length, 0);

    const out = path.join(work, "pulled");
    const progress: number[] = [];
    const pulled = await client.pullImage("parallel/app", "v1", out, {
      concurrency: 4,
      onProgress: (p) => progress.push(p.transferredBytes),
    });
    assert.equal(pulled.digest, image.manifestDigest);
    assert.ok(http.maxDownloads > 1, `at most ${http.maxDownloads} download in flight`);
    assert.equal(progress.at(-1), pulled.downloadedBytes);
    for (const blob of image.blobs) {
      assert.ok(fs.readFileSync(path.join(out, "blobs", "sha256", blob.digest.slice(7))).equals(blob.bytes), blob.digest);
    }
    // The pulled directory is an OCI layout that reads back as the same image.
    const again = await readImageLayout(out, "v1");
    assert.equal(sha256(Buffer.from(again.manifest)), image.manifestDigest);
    assert.deepEqual(
      filesUnder(out).filter((f) => f.includes("partial")),
      [],
    );
  });

  it("sends no layer bytes when the repository already has every blob", async function () {
    await clientFor(registry).pushImage("again/app", image.dir, { tag: "v1" });
    const http = watchingHttpClient();
    const log: string[] = [];
    const client = clientFor(registry, { httpClient: http, logRequest: (line) => log.push(line) });
    const events: string[] = [];
    const second = await client.pushImage("again/app", image.dir, { tag: "v1", onBlob: (e) => events.push(e.outcome) });
    assert.equal(second.uploadedBytes, 0);
    assert.equal(http.uploadBodies, 0);
    assert.deepEqual(events, Array(image.blobs.length).fill("existing"));
    // HEAD per blob, then the manifest; no upload session was even opened.
    assert.equal(log.filter((l) => l.startsWith("HEAD") && l.includes("/blobs/")).length, image.blobs.length);
    assert.equal(log.filter((l) => l.startsWith("POST")).length, 0);
  });

  it("mounts blobs from another repository of the same registry instead of uploading them", async function () {
    const client = clientFor(registry);
    await client.pushImage("mount/source", image.dir, { tag: "v1" });
    const http = watchingHttpClient();
    const log: string[] = [];
    const watched = clientFor(registry, { httpClient: http, logRequest: (line) => log.push(line) });
    const events: string[] = [];
    const result = await watched.pushImage("mount/target", image.dir, {
      tag: "v1",
      mountFrom: ["mount/source"],
      onBlob: (e) => events.push(e.outcome),
    });
    assert.deepEqual(events, Array(image.blobs.length).fill("mounted"));
    assert.equal(result.uploadedBytes, 0);
    assert.equal(http.uploadBodies, 0);
    assert.equal(log.filter((l) => /^POST .*mount=sha256/.test(l) && l.includes("-> 201")).length, image.blobs.length);
    for (const blob of image.blobs) {
      assert.ok(await client.blobExists("mount/target", blob.digest), blob.digest);
    }
    // The registry's own log: no blob upload was completed into the target repository.
    const registryLog = fs.readFileSync(registry.logPath, "utf8");
    assert.doesNotMatch(registryLog, /method=PUT[^\n]*mount\/target\/blobs\/uploads/);
  });

  it("mounts on its own from a repository the same client pushed to, and uploads when the mount is refused", async function () {
    const client = clientFor(registry);
    await client.pushImage("auto/source", image.dir, { tag: "v1" });
    const events: string[] = [];
    await client.pushImage("auto/target", image.dir, { tag: "v1", onBlob: (e) => events.push(e.outcome) });
    assert.deepEqual(events, Array(image.blobs.length).fill("mounted"));

    // A source without the blobs: distribution answers 202 and an upload session, which is used.
    const other = writeLayout(path.join(work, "other"), [64 * 1024]);
    const fallback: string[] = [];
    const result = await client.pushImage("auto/fallback", other.dir, {
      mountFrom: ["auto/source"],
      onBlob: (e) => fallback.push(e.outcome),
    });
    // The config is the same JSON as the source image's (mounted); the new layer is not there (uploaded).
    assert.deepEqual(fallback.sort(), ["mounted", "uploaded"]);
    assert.equal(result.digest, other.manifestDigest);
  });

  it("writes a pulled blob under its name only after its digest checked out", async function () {
    const client = clientFor(registry);
    await client.pushImage("tampered/app", image.dir, { tag: "v1" });
    // Same size, other bytes: only the digest check can tell.
    const victim = image.blobs[1];
    fs.writeFileSync(blobDataPath(registry, victim.digest), crypto.randomBytes(victim.bytes.length));
    const out = path.join(work, "tampered-pull");
    const seen = new Set<string>();
    fs.mkdirSync(path.join(out, "blobs", "sha256"), { recursive: true });
    const watcher = fs.watch(path.join(out, "blobs", "sha256"), (_event, name) => name && seen.add(name.toString()));
    try {
      await assert.rejects(client.pullImage("tampered/app", "v1", out, { concurrency: 4 }), DigestValidationError);
    } finally {
      watcher.close();
    }
    const left = fs.readdirSync(path.join(out, "blobs", "sha256"));
    assert.ok(!left.includes(victim.digest.slice(7)), "the bad blob appeared under its final name");
    assert.deepEqual(
      left.filter((f) => f.includes("partial")),
      [],
      "a temporary file was left behind",
    );
    assert.ok(!seen.has(victim.digest.slice(7)), "the bad blob was visible under its final name at some point");
    assert.ok(
      [...seen].some((name) => name.endsWith(".partial")),
      "bytes were written to a temporary name first",
    );
    // No index.json: the layout does not claim an image it does not hold.
    assert.equal(fs.existsSync(path.join(out, "index.json")), false);
  });

  it("refuses a concurrency outside 1..32 before sending anything", async function () {
    const log: string[] = [];
    const client = clientFor(registry, { logRequest: (line) => log.push(line) });
    await assert.rejects(
      client.pushImage("bad/app", image.dir, { concurrency: 0 }),
      (error: unknown) => error instanceof InvalidInputError && error.field === "concurrency",
    );
    assert.deepEqual(log, []);
  });
});

// The same, with faults between client and registry (test/fixtures/faultProxy.ts,
// plain http to a real distribution): a body cut mid-blob is resumed with
// Range on pull, and a PUT cut mid-blob recovers (upload status, then resume
// or a new session) on push; either way the result is byte for byte.
describe("whole-image push and pull through faults (reset / truncated mid-blob)", function () {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let work: string;
  let image: Layout;
  const REPO = "faulty/app";

  function client(): ContainerRegistryClient {
    return new ContainerRegistryClient(proxy.url, undefined, { retry: { initialDelayMs: 10, maxDelayMs: 500 }, timeoutMs: 2000 });
  }

  /** The largest layer: the one the faults are aimed at. */
  function bigLayer(): { digest: string; bytes: Buffer } {
    return [...image.blobs].sort((a, b) => b.bytes.length - a.bytes.length)[0];
  }

  before(async function () {
    registry = await startRegistry({ auth: "anonymous" });
    proxy = await startFaultProxy(registry.url);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "image-transfer-faults-"));
    image = writeLayout(path.join(work, "image"), [3 * 1024 * 1024 + 17, 2 * 1024 * 1024 + 5, 1024 * 1024 + 3, 11]);
  });

  beforeEach(function () {
    proxy.clear();
    proxy.requests.length = 0;
  });

  after(async function () {
    console.log(`      (fault proxy: ${proxy?.injected ?? 0} faults injected)`);
    await proxy?.close();
    await registry?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("pushes an image whose largest blob's PUT is reset mid-body, and the registry holds every blob byte for byte", async function () {
    const big = bigLayer();
    const putOfBig = new RegExp(`^/v2/${REPO}/blobs/uploads/.*digest=sha256(%3A|:)${big.digest.slice(7)}`);
    proxy.inject({ method: "PUT", path: putOfBig, fault: { kind: "resetRequest", afterBytes: 1_000_000 } });
    const progress: number[] = [];
    const total = image.blobs.reduce((sum, b) => sum + b.bytes.length, 0);
    const pushed = await client().pushImage(REPO, image.dir, {
      tag: "v1",
      concurrency: 4,
      onProgress: (p) => progress.push(p.transferredBytes),
    });
    assert.equal(pushed.digest, image.manifestDigest);
    const puts = proxy.requests.filter((r) => r.method === "PUT" && putOfBig.test(r.path));
    assert.equal(puts[0].fault, "resetRequest", "the first PUT of the big layer was cut");
    assert.ok(
      puts.length >= 2 || proxy.requests.some((r) => r.method === "PATCH"),
      "and the blob was sent again (PUT in a new session, or PATCH from the registry's offset)",
    );
    assert.equal(pushed.uploadedBytes, total, "bytes counted once per blob, not per attempt");
    assert.equal(progress.at(-1), total);
    // What the registry stored, read straight from its storage.
    for (const blob of image.blobs) {
      assert.ok(fs.readFileSync(blobDataPath(registry, blob.digest)).equals(blob.bytes), blob.digest);
    }
    // No upload session left open but the ones that finished.
    assert.deepEqual(
      await client()
        .getManifest(REPO, "v1")
        .then((m) => m.digest),
      image.manifestDigest,
    );
  });

  for (const hashWorkers of [1, 0]) {
    it(`pulls an image whose blobs are reset and truncated mid-body, resuming with Range, byte for byte (${hashWorkers ? "worker" : "main thread"} hashing)`, async function () {
      await client().pushImage(REPO, image.dir, { tag: "v1" });
      proxy.clear();
      proxy.requests.length = 0;
      const injectedBefore = proxy.injected;
      const big = bigLayer();
      const second = [...image.blobs].sort((a, b) => b.bytes.length - a.bytes.length)[1];
      const getOf = (digest: string): RegExp => new RegExp(`^/v2/${REPO}/blobs/${digest}$`);
      proxy.inject(
        { method: "GET", path: getOf(big.digest), fault: { kind: "resetResponse", afterBytes: 1_000_000 } },
        { method: "GET", path: getOf(big.digest), fault: { kind: "truncateResponse", afterBytes: 500_000 } },
        { method: "GET", path: getOf(second.digest), fault: { kind: "truncateResponse", afterBytes: 300_000 } },
      );
      const out = path.join(work, `pulled-${hashWorkers}`);
      const progress: number[] = [];
      const pulled = await client().pullImage(REPO, "v1", out, {
        concurrency: 4,
        hashWorkers,
        onProgress: (p) => progress.push(p.transferredBytes),
      });
      assert.equal(pulled.digest, image.manifestDigest);
      assert.equal(proxy.injected - injectedBefore, 3, "all three faults hit");
      for (const blob of image.blobs) {
        assert.ok(fs.readFileSync(path.join(out, "blobs", "sha256", blob.digest.slice(7))).equals(blob.bytes), blob.digest);
      }
      const bigGets = proxy.requests.filter((r) => r.method === "GET" && getOf(big.digest).test(r.path));
      assert.deepEqual(
        bigGets.map((r) => r.fault ?? r.status),
        ["resetResponse", "truncateResponse", 206],
        "the big layer: cut twice, then the rest as a range",
      );
      const ranges = bigGets.map((r) => Number(/^bytes=(\d+)-$/.exec((r.headers.range as string) ?? "")?.[1] ?? 0));
      assert.ok(ranges[1] > 0 && ranges[1] <= 1_000_000, `first resume at ${ranges[1]}`);
      assert.ok(ranges[2] > ranges[1], `second resume at ${ranges[2]}, after the first (${ranges[1]})`);
      // Each byte counted once, however often the connection broke.
      assert.equal(
        pulled.downloadedBytes,
        image.blobs.reduce((sum, b) => sum + b.bytes.length, 0),
      );
      assert.equal(progress.at(-1), pulled.downloadedBytes);
      assert.ok(
        progress.every((value, i) => i === 0 || value >= progress[i - 1]),
        "progress never goes back",
      );
      assert.deepEqual(
        filesUnder(out).filter((f) => f.includes("partial")),
        [],
      );
      const again = await readImageLayout(out, "v1");
      assert.equal(sha256(Buffer.from(again.manifest)), image.manifestDigest);
    });
  }

  it("fails a pull whose blob breaks more often than the resume limit, and leaves no partial file", async function () {
    await client().pushImage(REPO, image.dir, { tag: "v1" });
    proxy.clear();
    const big = bigLayer();
    proxy.inject({
      method: "GET",
      path: new RegExp(`^/v2/${REPO}/blobs/${big.digest}$`),
      times: Infinity,
      fault: { kind: "resetResponse", afterBytes: 100_000 },
    });
    const out = path.join(work, "pulled-broken");
    await assert.rejects(client().pullImage(REPO, "v1", out, { concurrency: 4 }), /after 5 resumed requests/);
    assert.deepEqual(
      filesUnder(out).filter((f) => f.includes("partial") || f.includes(big.digest.slice(7))),
      [],
    );
    assert.equal(fs.existsSync(path.join(out, "index.json")), false);
  });
});

describe("whole-image pull through ACR's 307 to blob storage", function () {
  let registry: RunningRegistry;
  let acr: AcrStandIn;
  let work: string;

  before(async function () {
    registry = await startRegistry({ auth: "anonymous" });
    acr = await startAcrStandIn({ upstream: registry.url, anonymousPull: true });
    work = fs.mkdtempSync(path.join(os.tmpdir(), "image-transfer-acr-"));
  });

  after(async function () {
    await acr?.stop();
    await registry?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("pushes an image and pulls it back byte for byte, the blobs coming from storage (buffers released on both hosts)", async function () {
    const image = writeLayout(path.join(work, "image"), [3 * 1024 * 1024 + 17, 1024 * 1024 + 3]);
    const client = new ContainerRegistryClient(acr.url, await createFakeEntraCredential());
    await client.pushImage("acr/app", image.dir, { tag: "v1" });
    acr.storage.requests.length = 0;
    const out = path.join(work, "pulled");
    const pulled = await client.pullImage("acr/app", "v1", out, { concurrency: 4 });
    assert.equal(pulled.digest, image.manifestDigest);
    for (const blob of image.blobs) {
      assert.ok(fs.readFileSync(path.join(out, "blobs", "sha256", blob.digest.slice(7))).equals(blob.bytes), blob.digest);
    }
    assert.ok(acr.storage.requests.length >= image.blobs.length, "the blobs came from the storage origin");
    assert.equal(acr.storage.sawAuthorization, false);
  });
});

describe("freeing spent buffers at once (http/bufferRelease.ts)", function () {
  it("frees buffers a chunk spans whole, and never touches a view into a shared buffer", function () {
    const own = Buffer.alloc(16 * 1024, 1);
    const pooled = Buffer.from("a small chunk lives in Node's shared 8 KiB pool");
    const shared = Buffer.alloc(1024, 2);
    const view = shared.subarray(0, 512);
    const releaser = new BufferReleaser();
    releaser.release(own);
    releaser.release(pooled);
    releaser.release(view);
    releaser.flush();
    assert.equal(own.byteLength, 0, "the whole-span buffer was detached (its memory freed)");
    assert.equal(pooled.toString(), "a small chunk lives in Node's shared 8 KiB pool");
    assert.equal(view.byteLength, 512);
    assert.equal(shared[1023], 2);
    // Released twice, or already detached: no throw.
    releaser.release(own);
    releaser.flush();
  });
});

// Keeps the type import used when the suite is compiled alone.
export type { ContainerRegistryClient };
