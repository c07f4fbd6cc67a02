// copyImage between two real CNCF distribution registries, each behind a
// fault-injecting proxy (test/fixtures/faultProxy.ts), checking the relay of
// each blob from the source's GET into the target's upload
// (src/client/registry/blobRelay.ts): the requests it takes, a reset on
// either side, a source serving other bytes than its digest, and a source
// serving more bytes than the descriptor's size.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { ContainerRegistryClient, copyImage, RegistryError, RegistryNotFoundError } from "../../src/client";
import { type FaultProxy, startFaultProxy } from "../fixtures/faultProxy";
import { json, startHostileServer, streamEndlessly } from "../fixtures/hostileRegistry";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { pushImage } from "../fixtures/seed";
import { blobDataPath, randomBytes, readAll, sha256 } from "./helpers";

const BLOB_GET = /^\/v2\/src\/[a-z]+\/blobs\/sha256:/;

describe("copyImage between registries: the blob relay", function () {
  let from: RunningRegistry;
  let to: RunningRegistry;
  let sourceProxy: FaultProxy;
  let targetProxy: FaultProxy;
  let image: Awaited<ReturnType<typeof pushImage>>;
  const bigLayer = randomBytes(3 * 1024 * 1024 + 5);
  const smallLayer = randomBytes(70_000);

  const client = (proxy: FaultProxy): ContainerRegistryClient =>
    new ContainerRegistryClient(proxy.url, undefined, { retry: { initialDelayMs: 10, maxDelayMs: 500 }, timeoutMs: 5000 });

  before(async function () {
    [from, to] = await Promise.all([startRegistry(), startRegistry()]);
    [sourceProxy, targetProxy] = await Promise.all([startFaultProxy(from.url), startFaultProxy(to.url)]);
    image = await pushImage(from, "src/app", "v1", { layers: [bigLayer, smallLayer] });
  });

  beforeEach(function () {
    for (const proxy of [sourceProxy, targetProxy]) {
      proxy.clear();
      proxy.requests.length = 0;
    }
  });

  after(async function () {
    await Promise.all([sourceProxy?.close(), targetProxy?.close()]);
    await Promise.all([from?.stop(), to?.stop()]);
  });

  async function storedBytes(repository: string, digest: string): Promise<Buffer> {
    return readAll((await client(targetProxy).downloadBlob(repository, digest)).content);
  }

  it("reads each blob once with one GET and sends it as one PUT of exactly its size: no PATCH, no second read", async function () {
    const result = await copyImage(
      { client: client(sourceProxy), repository: "src/app", reference: "v1" },
      { client: client(targetProxy), repository: "dst/counted" },
    );
    assert.equal(result.digest, image.manifestDigest);
    assert.equal(result.blobsCopied, 3);
    const sizes = new Map([
      [image.layerDigests[0], bigLayer.length],
      [image.layerDigests[1], smallLayer.length],
      [image.configDigest, (image.manifest as { config: { size: number } }).config.size],
    ]);
    const gets = sourceProxy.requests.filter((r) => r.method === "GET" && BLOB_GET.test(r.path));
    assert.equal(gets.length, 3, gets.map((r) => r.path).join("\n"));
    for (const get of gets) {
      assert.equal(get.headers.range, undefined);
      assert.equal(get.responseBytes, sizes.get(get.path.split("/blobs/")[1]));
    }
    const uploads = targetProxy.requests.filter((r) => r.path.includes("/blobs/uploads/"));
    assert.deepEqual(uploads.map((r) => r.method).sort(), ["POST", "POST", "POST", "PUT", "PUT", "PUT"]);
    const putBytes = uploads
      .filter((r) => r.method === "PUT")
      .map((r) => r.requestBytes)
      .sort((a, b) => a - b);
    assert.deepEqual(
      putBytes,
      [...sizes.values()].sort((a, b) => a - b),
    );
    assert.ok((await storedBytes("dst/counted", image.layerDigests[0])).equals(bigLayer), "byte-identical");
  });

  it("resumes a source GET reset mid-body with Range, and the target stores the blob byte for byte", async function () {
    sourceProxy.inject({
      method: "GET",
      path: new RegExp(`/blobs/${image.layerDigests[0]}$`),
      fault: { kind: "resetResponse", afterBytes: 1_000_000 },
    });
    const result = await copyImage(
      { client: client(sourceProxy), repository: "src/app", reference: "v1" },
      { client: client(targetProxy), repository: "dst/source-reset" },
    );
    assert.equal(result.digest, image.manifestDigest);
    const gets = sourceProxy.requests.filter((r) => r.method === "GET" && r.path.endsWith(image.layerDigests[0]));
    assert.equal(gets.length, 2);
    assert.equal(gets[0].fault, "resetResponse");
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(gets[1].headers.range ?? "")?.[1]);
    assert.ok(resumedAt > 0 && resumedAt <= 1_000_000, `resumed at ${gets[1].headers.range}`);
    assert.equal(gets[1].status, 206);
    const puts = targetProxy.requests.filter((r) => r.method === "PUT" && r.path.includes("/blobs/uploads/"));
    assert.equal(puts.length, 3, "one PUT per blob: the reset stayed on the source's side");
    assert.ok((await storedBytes("dst/source-reset", image.layerDigests[0])).equals(bigLayer), "byte-identical");
    assert.equal((await client(targetProxy).getManifest("dst/source-reset", "v1")).digest, image.manifestDigest);
  });

  it("recovers an upload reset mid-body: the source is read again, the target stores the blob byte for byte", async function () {
    targetProxy.inject({ method: "PUT", path: /\/blobs\/uploads\//, fault: { kind: "resetRequest", afterBytes: 1_000_000 } });
    const result = await copyImage(
      { client: client(sourceProxy), repository: "src/app", reference: "v1" },
      { client: client(targetProxy), repository: "dst/target-reset" },
      { concurrency: 1 },
    );
    assert.equal(result.digest, image.manifestDigest);
    // How the registry answers the upload status after the reset decides the next step (a new session
    // from byte 0, or a resume at its offset); either way the relay is opened again for it.
    const bigGets = sourceProxy.requests.filter((r) => r.method === "GET" && r.path.endsWith(image.layerDigests[0]));
    const puts = targetProxy.requests.filter((r) => r.method === "PUT" && r.path.includes("/blobs/uploads/"));
    const trace = [...bigGets, ...puts].map((r) => `${r.method} ${r.headers.range ?? ""} ${r.status ?? r.fault}`).join("\n");
    assert.ok(bigGets.length >= 2, `the relay was opened again for the upload's next attempt:\n${trace}`);
    assert.equal(puts[0].fault, "resetRequest");
    assert.equal(puts.filter((r) => r.status === 201).length, 3, trace);
    assert.ok((await storedBytes("dst/target-reset", image.layerDigests[0])).equals(bigLayer), "byte-identical");
  });

  it("a relay opened at an offset (an upload resuming mid-blob) asks the source for the bytes from there, once", async function () {
    const descriptor = { mediaType: "application/vnd.oci.image.layer.v1.tar", digest: image.layerDigests[0], size: bigLayer.length };
    const relay = client(sourceProxy).repositoryStore("src/app").openBlob(descriptor);
    const rest = await readAll(relay.open(1_000_000) as NodeJS.ReadableStream);
    assert.ok(rest.equals(bigLayer.subarray(1_000_000)), "the bytes from the offset on");
    const gets = sourceProxy.requests.filter((r) => r.method === "GET" && BLOB_GET.test(r.path));
    assert.deepEqual(
      gets.map((r) => [r.headers.range, r.status, r.responseBytes]),
      [["bytes=1000000-", 206, bigLayer.length - 1_000_000]],
    );
  });

  it("a source blob whose bytes are not its digest: the target refuses it, and no blob or tag is left there", async function () {
    const victim = randomBytes(2 * 1024 * 1024);
    const bad = await pushImage(from, "src/tampered", "v1", { layers: [victim] });
    const tampered = Buffer.from(victim);
    tampered[tampered.length - 1] ^= 0xff;
    fs.writeFileSync(blobDataPath(from, bad.layerDigests[0]), tampered);
    const target = client(targetProxy);
    await assert.rejects(
      copyImage(
        { client: client(sourceProxy), repository: "src/tampered", reference: "v1" },
        { client: target, repository: "dst/tampered" },
      ),
      (error: unknown) => {
        assert.ok(error instanceof RegistryError, String(error));
        assert.equal(error.statusCode, 400);
        assert.equal(error.code, "DIGEST_INVALID");
        return true;
      },
    );
    assert.equal(await target.blobExists("dst/tampered", bad.layerDigests[0]), false);
    await assert.rejects(target.getManifest("dst/tampered", "v1"), RegistryNotFoundError);
  });

  it("a source that sends more than the descriptor's size: stopped at the size, nothing past it goes up, no tag", async function () {
    const size = 1024 * 1024;
    const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }));
    const layerDigest = sha256(randomBytes(16));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: layerDigest, size }],
      }),
    );
    const hostile = await startHostileServer((req, res) => {
      if (req.url === "/v2/") {
        json(res, 200, {});
      } else if (req.url?.startsWith("/v2/src/endless/manifests/")) {
        res.writeHead(200, {
          "Content-Type": "application/vnd.oci.image.manifest.v1+json",
          "Docker-Content-Digest": sha256(manifest),
          "Content-Length": String(manifest.length),
        });
        res.end(req.method === "HEAD" ? undefined : manifest);
      } else if (req.url === `/v2/src/endless/blobs/${sha256(config)}`) {
        res.writeHead(200, { "Content-Length": String(config.length) }).end(config);
      } else if (req.url === `/v2/src/endless/blobs/${layerDigest}`) {
        // No Content-Length: a body that does not end.
        res.writeHead(200, { "Content-Type": "application/octet-stream" });
        streamEndlessly(res, Buffer.alloc(64 * 1024, 7));
      } else {
        json(res, 404, { errors: [{ code: "NOT_FOUND" }] });
      }
    });
    try {
      const target = client(targetProxy);
      await assert.rejects(
        copyImage(
          {
            client: new ContainerRegistryClient(hostile.url, undefined, { registryKind: "oci" }),
            repository: "src/endless",
            reference: "v1",
          },
          { client: target, repository: "dst/endless" },
        ),
        (error: unknown) => {
          assert.match(String((error as Error).message), new RegExp(`more than ${size} bytes`));
          return true;
        },
      );
      const put = targetProxy.requests.find((r) => r.method === "PUT" && r.path.includes(encodeURIComponent(layerDigest)));
      assert.ok(put === undefined || put.requestBytes <= size, `the PUT carried ${put?.requestBytes} bytes`);
      assert.ok(hostile.bytesWritten < size + 16 * 1024 * 1024, `the source wrote ${hostile.bytesWritten} bytes before the client hung up`);
      assert.equal(await target.blobExists("dst/endless", layerDigest), false);
      await assert.rejects(target.getManifest("dst/endless", "v1"), RegistryNotFoundError);
    } finally {
      await hostile.close();
    }
  });
});
