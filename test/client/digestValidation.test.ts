// Tampered content is caught: the registry's stored bytes are changed on disk
// behind its back (distribution serves them without checking), and the client
// must raise DigestValidationError.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { DigestValidationError, MediaTypes } from "../../src/client";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { blobDataPath, clientFor, readAll } from "./helpers";

describe("digest validation against a tampered registry", function () {
  let registry: RunningRegistry;

  before(async function () {
    registry = await startRegistry({ auth: "anonymous" });
  });

  after(async function () {
    await registry?.stop();
  });

  it("fails a blob download whose bytes do not match the digest", async function () {
    const client = clientFor(registry);
    const original = Buffer.from("the original layer bytes");
    const { digest } = await client.uploadBlob("tamper/blob", original);
    fs.writeFileSync(blobDataPath(registry, digest), Buffer.from("the tampered layer bytes"));
    const download = await client.downloadBlob("tamper/blob", digest);
    await assert.rejects(readAll(download.content), (error: unknown) => {
      assert.ok(error instanceof DigestValidationError);
      assert.equal(error.expectedDigest, digest);
      assert.notEqual(error.actualDigest, digest);
      return true;
    });
  });

  it("fails a manifest whose bytes do not match the digest asked for and Docker-Content-Digest", async function () {
    const client = clientFor(registry);
    await client.uploadBlob("tamper/manifest", Buffer.from("{}"));
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaTypes.OCI_MANIFEST,
      config: { mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 },
      layers: [{ mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 }],
      annotations: { note: "original" },
    };
    const { digest } = await client.setManifest("tamper/manifest", manifest, { tag: "v1" });
    const tampered = Buffer.from(JSON.stringify({ ...manifest, annotations: { note: "tampered" } }));
    fs.writeFileSync(blobDataPath(registry, digest), tampered);
    await assert.rejects(client.getManifest("tamper/manifest", digest), DigestValidationError);
    await assert.rejects(client.getManifest("tamper/manifest", "v1"), DigestValidationError);
  });
});
