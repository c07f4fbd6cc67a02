// copyImage between two real CNCF distribution registries (an index with two
// platforms and a referrer, byte for byte, digests preserved) and within one
// registry through a counting proxy (zero blob bytes through the client).

import * as assert from "node:assert/strict";
import { AbortError } from "@azure/abort-controller";
import { ContainerRegistryClient, copyImage, InvalidInputError, MediaTypes, RegistryNotFoundError } from "../../src/client";
import { type FaultProxy, startFaultProxy } from "../fixtures/faultProxy";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { type pushImage, pushTwoPlatformIndex } from "../fixtures/seed";
import { clientFor, randomBytes, readAll } from "./helpers";

describe("copyImage", function () {
  let from: RunningRegistry;
  let to: RunningRegistry;
  let proxy: FaultProxy;
  let source: ContainerRegistryClient;
  let target: ContainerRegistryClient;
  let amd: Awaited<ReturnType<typeof pushImage>>;
  let arm: Awaited<ReturnType<typeof pushImage>>;
  let indexDigest: string;
  let signatureDigest: string;
  const bigLayer = randomBytes(3 * 1024 * 1024 + 7);

  before(async function () {
    [from, to] = await Promise.all([startRegistry(), startRegistry()]);
    proxy = await startFaultProxy(from.url);
    source = clientFor(from);
    target = clientFor(to);
    ({ amd, arm, indexDigest } = await pushTwoPlatformIndex(from, "src/app", "latest", {
      amd64: [bigLayer, Buffer.from("amd small")],
      arm64: [Buffer.from("arm layer")],
    }));
    // A signature whose subject is the index: distribution 2.8 keeps no referrers, so the client writes the fallback tag.
    const signature = await source.uploadBlob("src/app", Buffer.from("a signature"));
    await source.uploadBlob("src/app", Buffer.from("{}"));
    const index = await source.getManifest("src/app", "latest");
    signatureDigest = (
      await source.setManifest("src/app", {
        schemaVersion: 2,
        mediaType: MediaTypes.OCI_MANIFEST,
        artifactType: "application/vnd.example.signature",
        config: { mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 },
        layers: [{ mediaType: "application/octet-stream", digest: signature.digest, size: signature.sizeInBytes }],
        subject: { mediaType: MediaTypes.OCI_INDEX, digest: index.digest, size: index.content.byteLength },
      })
    ).digest;
  });

  after(async function () {
    await proxy?.close();
    await Promise.all([from?.stop(), to?.stop()]);
  });

  it("copies an index, its platforms and a referrer to another registry byte for byte, digests preserved", async function () {
    const progress: number[] = [];
    const result = await copyImage(
      { client: source, repository: "src/app", reference: "latest" },
      { client: target, repository: "dst/app" },
      { includeReferrers: true, onProgress: (p) => progress.push(p.transferredBytes) },
    );
    assert.equal(result.digest, indexDigest);
    assert.deepEqual(
      result.manifests.map((m) => m.digest),
      [amd.manifestDigest, arm.manifestDigest, signatureDigest, indexDigest],
      "platforms, the referrer, the index last",
    );
    assert.equal(result.blobsMounted, 0);
    assert.equal(result.blobsSkipped, 0);
    assert.equal(result.blobsCopied, 7, "two configs, three layers, the signature's layer and its empty config");
    assert.equal(result.bytesTransferred, progress[progress.length - 1]);
    for (const [reference, expected] of [
      ["latest", indexDigest],
      [amd.manifestDigest, amd.manifestDigest],
      [arm.manifestDigest, arm.manifestDigest],
      [signatureDigest, signatureDigest],
    ]) {
      const copied = await target.getManifest("dst/app", reference);
      const original = await source.getManifest("src/app", reference);
      assert.equal(copied.digest, expected);
      assert.ok(Buffer.from(copied.content).equals(Buffer.from(original.content)), reference);
    }
    assert.ok((await readAll((await target.downloadBlob("dst/app", amd.layerDigests[0])).content)).equals(bigLayer));
    const referrers = await target.listReferrers("dst/app", indexDigest);
    assert.deepEqual(
      referrers.map((r) => r.digest),
      [signatureDigest],
      "the referrer is listed in the target (its fallback tag)",
    );
  });

  it("a second copy skips every blob and sends no blob bytes", async function () {
    const result = await copyImage(
      { client: source, repository: "src/app", reference: "latest" },
      { client: target, repository: "dst/app", tag: "again" },
    );
    assert.equal(result.blobsCopied, 0);
    assert.equal(result.blobsSkipped, 5);
    assert.equal(result.bytesTransferred, 0);
    assert.equal((await target.getManifest("dst/app", "again")).digest, indexDigest);
  });

  it("within one registry mounts every blob: zero blob bytes through the client (counted at a proxy)", async function () {
    const client = new ContainerRegistryClient(proxy.url);
    proxy.requests.length = 0;
    const result = await copyImage(
      { client, repository: "src/app", reference: "latest" },
      { client, repository: "mirror/app", tag: "latest" },
    );
    assert.equal(result.digest, indexDigest);
    assert.equal(result.blobsMounted, 5);
    assert.equal(result.bytesTransferred, 0);
    const blobRequests = proxy.requests.filter((r) => r.path.includes("/blobs/"));
    const blobBytes = blobRequests.reduce((sum, r) => sum + r.requestBytes + (r.method === "GET" ? r.responseBytes : 0), 0);
    assert.equal(blobBytes, 0, "no blob body went up or came down");
    assert.ok(
      blobRequests.every((r) => r.method !== "GET" && !(r.method === "PUT")),
      blobRequests.map((r) => `${r.method} ${r.path}`).join("\n"),
    );
    assert.equal((await client.getManifest("mirror/app", amd.manifestDigest)).digest, amd.manifestDigest);
  });

  it("platforms copies only those and rewrites the index (a new digest)", async function () {
    const result = await copyImage(
      { client: source, repository: "src/app", reference: "latest" },
      { client: target, repository: "arm/app", tag: "arm-only" },
      { platforms: ["linux/arm64"] },
    );
    assert.notEqual(result.digest, indexDigest);
    const index = await target.getManifest("arm/app", "arm-only");
    assert.equal(index.digest, result.digest);
    assert.deepEqual(
      index.manifest.manifests?.map((m) => m.digest),
      [arm.manifestDigest],
    );
    await assert.rejects(target.getManifest("arm/app", amd.manifestDigest), RegistryNotFoundError);
    assert.equal(await target.blobExists("arm/app", amd.layerDigests[0]), false);
    await assert.rejects(
      copyImage(
        { client: source, repository: "src/app", reference: "latest" },
        { client: target, repository: "arm/app" },
        { platforms: ["windows/amd64"] },
      ),
      (e: unknown) => e instanceof InvalidInputError && /not in the index/.test(e.reason),
    );
    await assert.rejects(
      copyImage(
        { client: source, repository: "src/app", reference: "latest" },
        { client: target, repository: "arm/app" },
        { platforms: ["linux"] },
      ),
      InvalidInputError,
    );
  });

  it("an aborted copy leaves no tag in the target", async function () {
    const controller = new AbortController();
    await assert.rejects(
      copyImage(
        { client: source, repository: "src/app", reference: "amd" },
        { client: target, repository: "aborted/app" },
        { concurrency: 1, abortSignal: controller.signal, onProgress: (p) => p.transferredBytes > 0 && controller.abort() },
      ),
      AbortError,
    );
    await assert.rejects(target.getManifest("aborted/app", "amd"), RegistryNotFoundError);
    await assert.rejects(target.getManifest("aborted/app", amd.manifestDigest), RegistryNotFoundError);
  });

  it("a missing source fails with RegistryNotFoundError and sends nothing to the target", async function () {
    const log: string[] = [];
    const watched = clientFor(to, { logRequest: (line) => log.push(line) });
    await assert.rejects(
      copyImage({ client: source, repository: "src/app", reference: "nope" }, { client: watched, repository: "never/app" }),
      RegistryNotFoundError,
    );
    assert.deepEqual(log, []);
  });

  it("refuses copying onto the source itself, and bad names, before any request", async function () {
    const log: string[] = [];
    const watched = clientFor(from, { logRequest: (line) => log.push(line) });
    await assert.rejects(
      copyImage({ client: watched, repository: "src/app", reference: "amd" }, { client: watched, repository: "src/app" }),
      (e: unknown) => e instanceof InvalidInputError && e.field === "target",
    );
    await assert.rejects(
      copyImage({ client: watched, repository: "src/app", reference: "amd" }, { client: watched, repository: "Bad Name" }),
      InvalidInputError,
    );
    await assert.rejects(
      copyImage({ client: watched, repository: "src/app", reference: "amd" }, { client: watched, repository: "x/y", tag: "bad tag" }),
      InvalidInputError,
    );
    await assert.rejects(
      copyImage({ client: watched, repository: "src/app", reference: "amd" }, { client: watched, repository: "x/y" }, { concurrency: 0 }),
      InvalidInputError,
    );
    assert.deepEqual(log, []);
  });
});
