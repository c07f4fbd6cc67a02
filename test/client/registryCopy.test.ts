// copyContent between repositories (the copy the next issues build on):
// across two registries (each blob read from one and streamed up to the
// other), and within one registry (mounted, no blob bytes move), an index
// with its platforms. Against two real CNCF distribution registries.

import * as assert from "node:assert/strict";
import { copyContent } from "../../src/client";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { type pushImage, pushTwoPlatformIndex } from "../fixtures/seed";
import { clientFor, randomBytes, readAll } from "./helpers";

describe("copyContent between registry repositories", function () {
  let from: RunningRegistry;
  let to: RunningRegistry;
  let amd: Awaited<ReturnType<typeof pushImage>>;
  let arm: Awaited<ReturnType<typeof pushImage>>;
  const bigLayer = randomBytes(6 * 1024 * 1024 + 1);

  before(async function () {
    [from, to] = await Promise.all([startRegistry(), startRegistry()]);
    ({ amd, arm } = await pushTwoPlatformIndex(from, "src/app", "latest", {
      amd64: [bigLayer, Buffer.from("amd small")],
      arm64: [Buffer.from("arm layer")],
    }));
  });

  after(async function () {
    await Promise.all([from?.stop(), to?.stop()]);
  });

  it("copies an index and its platforms to another registry byte for byte, the tag last", async function () {
    const log: string[] = [];
    const target = clientFor(to, { logRequest: (line) => log.push(line) });
    const result = await copyContent(clientFor(from).repositoryStore("src/app"), target.repositoryStore("dst/app"), "latest", {
      tag: "copied",
    });
    assert.deepEqual(result.manifests.map((m) => m.digest).slice(0, 2), [amd.manifestDigest, arm.manifestDigest]);
    const index = await target.getManifest("dst/app", "copied");
    assert.equal(index.digest, result.root.digest);
    const pulled = await readAll((await target.downloadBlob("dst/app", amd.layerDigests[0])).content);
    assert.ok(pulled.equals(bigLayer));
    assert.ok((await target.getManifest("dst/app", arm.manifestDigest)).content.length > 0);
    // Blobs, then the platform manifests by digest, then the index under its tag, last.
    const manifestPuts = log.filter((l) => l.startsWith("PUT") && l.includes("/manifests/"));
    assert.equal(manifestPuts.length, 3);
    assert.match(manifestPuts[2], /\/manifests\/copied/);
    const lastBlobPut = log.map((l, i) => (l.startsWith("PUT") && l.includes("/blobs/uploads/") ? i : -1)).reduce((a, b) => Math.max(a, b));
    assert.ok(lastBlobPut < log.indexOf(manifestPuts[0]), "a blob went up after a manifest");
  });

  it("mounts within one registry: no blob bytes move", async function () {
    const log: string[] = [];
    const client = clientFor(from, { logRequest: (line) => log.push(line) });
    const result = await copyContent(client.repositoryStore("src/app"), client.repositoryStore("mirror/app"), "amd", { tag: "amd" });
    assert.deepEqual(
      result.blobs.map((b) => b.outcome),
      ["mounted", "mounted", "mounted"],
    );
    assert.equal(result.transferredBytes, 0);
    assert.equal(log.filter((l) => l.startsWith("PUT") && l.includes("/blobs/uploads/")).length, 0);
    assert.equal((await client.getManifest("mirror/app", "amd")).digest, amd.manifestDigest);
  });
});
