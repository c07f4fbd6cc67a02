// Reading images against a real CNCF distribution registry and the ACR
// stand-in: configs with known fields, an index and its platforms, sizes
// (image, index over unique blobs, repository shared/exclusive), the digest
// caches (requests counted), referrer trees with nesting and a referrer whose
// subject does not match, and the bad inputs: a platform that does not exist,
// a config that is not JSON, too large, or not the bytes its digest names.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import {
  ContainerRegistryClient,
  DigestValidationError,
  InvalidRegistryResponseError,
  MediaTypes,
  NotAnImageError,
  PlatformNotFoundError,
  RegistryNotFoundError,
  ResponseTooLargeError,
  historySteps,
  subjectOfFallbackTag,
} from "../../src/client";
import { type AcrStandIn, createFakeEntraCredential, startAcrStandIn } from "../fixtures/acrStandIn";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { blobDataPath, clientFor, randomBytes } from "./helpers";
import { pushBlob, pushImageWithConfig, pushIndex, pushReferrer, sampleConfig } from "./imageFixtures";

const SPDX = "application/spdx+json";
const NOTARY = "application/vnd.cncf.notary.signature";

describe("images: configs, sizes, referrer trees", function () {
  let registry: RunningRegistry;
  let client: ContainerRegistryClient;
  const amd64Layers = [randomBytes(3000), randomBytes(5000)];
  const arm64Layers = [amd64Layers[0], randomBytes(7000)];
  let amd64: Awaited<ReturnType<typeof pushImageWithConfig>>;
  let arm64: Awaited<ReturnType<typeof pushImageWithConfig>>;
  let indexDigest: string;

  before(async function () {
    registry = await startRegistry({ auth: "anonymous" });
    client = clientFor(registry);
    amd64 = await pushImageWithConfig(client, "app", sampleConfig("amd64", 2), amd64Layers, "amd64");
    arm64 = await pushImageWithConfig(client, "app", sampleConfig("arm64", 2), arm64Layers, "arm64");
    indexDigest = await pushIndex(
      client,
      "app",
      [
        { digest: amd64.digest, size: amd64.size, architecture: "amd64" },
        { digest: arm64.digest, size: arm64.size, architecture: "arm64" },
      ],
      "multi",
    );
  });

  after(async function () {
    await registry?.stop();
  });

  function countingClient(): { client: ContainerRegistryClient; lines: string[] } {
    const lines: string[] = [];
    return { client: clientFor(registry, { logRequest: (line) => lines.push(line) }), lines };
  }

  it("reads an image's config with its known fields", async function () {
    const result = await client.getImageConfig("app", "amd64");
    assert.equal(result.manifestDigest, amd64.digest);
    assert.equal(result.configDigest, amd64.config.digest);
    assert.deepEqual(result.platform, { os: "linux", architecture: "amd64" });
    assert.equal(result.config.created, "2026-03-04T05:06:07Z");
    assert.deepEqual(result.config.config?.Env, ["PATH=/usr/bin", "ARCH=amd64"]);
    assert.deepEqual(result.config.config?.Entrypoint, ["/bin/app"]);
    assert.deepEqual(result.config.config?.Cmd, ["--serve"]);
    assert.equal(result.config.config?.WorkingDir, "/srv");
    assert.equal(result.config.config?.User, "app");
    assert.deepEqual(Object.keys(result.config.config?.ExposedPorts ?? {}), ["8080/tcp"]);
    assert.deepEqual(result.config.config?.Labels, { "org.opencontainers.image.title": "sample", arch: "amd64" });
    const steps = historySteps(result.config, result.manifest);
    assert.deepEqual(
      steps.map((s) => [s.entry.created_by, s.layer?.size]),
      [
        ["RUN step 0", 3000],
        ["RUN step 1", 5000],
        ["ENV ARCH", undefined],
      ],
    );
  });

  it("picks an index's child by platform", async function () {
    const result = await client.getImageConfig("app", "multi", { platform: "linux/arm64" });
    assert.equal(result.manifestDigest, arm64.digest);
    assert.equal(result.indexDigest, indexDigest);
    assert.deepEqual(result.platform, { os: "linux", architecture: "arm64" });
    assert.deepEqual(result.config.config?.Env, ["PATH=/usr/bin", "ARCH=arm64"]);
  });

  it("refuses an index without a platform, listing the platforms it has", async function () {
    await assert.rejects(client.getImageConfig("app", "multi"), (error: unknown) => {
      assert.ok(error instanceof PlatformNotFoundError);
      assert.deepEqual(error.availablePlatforms, ["linux/amd64", "linux/arm64"]);
      assert.match(error.message, /is an index: choose one of its platforms \(linux\/amd64, linux\/arm64\)/);
      return true;
    });
  });

  it("refuses a platform the index does not have, and a malformed one before any request", async function () {
    await assert.rejects(client.getImageConfig("app", "multi", { platform: "linux/s390x" }), (error: unknown) => {
      assert.ok(error instanceof PlatformNotFoundError);
      assert.match(error.message, /has no manifest for linux\/s390x; it has linux\/amd64, linux\/arm64/);
      return true;
    });
    const { client: counted, lines } = countingClient();
    await assert.rejects(counted.getImageConfig("app", "multi", { platform: "arm64" }), /Invalid platform "arm64"/);
    assert.deepEqual(lines, []);
  });

  it("fetches each manifest and config by digest only once", async function () {
    const { client: counted, lines } = countingClient();
    await counted.getImageConfig("app", indexDigest, { platform: "linux/amd64" });
    await counted.getImageConfig("app", indexDigest, { platform: "linux/amd64" });
    await counted.getManifestSize("app", indexDigest);
    await counted.getManifest("app", amd64.digest);
    const gets = lines.filter((l) => l.startsWith("GET ") && !l.includes("/v2/ ") && !/\/v2\/? ->/.test(l));
    const of = (digest: string) => gets.filter((l) => l.includes(digest)).length;
    assert.equal(of(indexDigest), 1, gets.join("\n"));
    assert.equal(of(amd64.digest), 1, gets.join("\n"));
    assert.equal(of(arm64.digest), 1, gets.join("\n"));
    assert.equal(of(amd64.config.digest), 1, gets.join("\n"));
  });

  it("refetches a tag (it can move) but not the manifest it names", async function () {
    const { client: counted, lines } = countingClient();
    await counted.getImageConfig("app", "amd64");
    await counted.getImageConfig("app", "amd64");
    assert.equal(lines.filter((l) => l.startsWith("GET ") && l.includes("/manifests/amd64")).length, 2);
    assert.equal(lines.filter((l) => l.startsWith("GET ") && l.includes(amd64.config.digest)).length, 1);
  });

  it("sizes an image, an index over its unique blobs, and a repository's shared and exclusive bytes", async function () {
    const image = await client.getManifestSize("app", "amd64");
    assert.equal(image.sizeInBytes, amd64.config.size + 3000 + 5000);
    const index = await client.getManifestSize("app", "multi");
    // The 3000-byte layer is in both platforms: counted once.
    assert.equal(index.sizeInBytes, amd64.config.size + arm64.config.size + 3000 + 5000 + 7000);
    assert.deepEqual(
      index.platforms.map((p) => [p.platform?.architecture, p.sizeInBytes]),
      [
        ["amd64", amd64.config.size + 8000],
        ["arm64", arm64.config.size + 10000],
      ],
    );

    await pushImageWithConfig(client, "sizes", sampleConfig("amd64", 2), amd64Layers, "one");
    const two = await pushImageWithConfig(
      client,
      "sizes",
      sampleConfig("amd64", 2, { author: "other" }),
      [amd64Layers[0], randomBytes(11000)],
      "two",
    );
    const progress: number[] = [];
    const repository = await client.getRepositorySize("sizes", { onProgress: (p) => progress.push(p.manifestsRead) });
    const oneConfig = amd64.config.size;
    assert.equal(repository.sharedBytes, 3000);
    assert.equal(repository.exclusiveBytes, oneConfig + 5000 + two.config.size + 11000);
    assert.equal(repository.totalBytes, repository.sharedBytes + repository.exclusiveBytes);
    assert.equal(repository.blobCount, 5);
    assert.deepEqual(progress, [1, 2]);
    const second = repository.manifests.find((m) => m.digest === two.digest);
    assert.deepEqual(second, { digest: two.digest, sizeInBytes: two.config.size + 3000 + 11000, exclusiveBytes: two.config.size + 11000 });
  });

  it("refuses a config that is not JSON, one too large, and one whose bytes do not match", async function () {
    const notJson = await pushBlob(client, "bad", Buffer.from("not json {"), MediaTypes.OCI_IMAGE_CONFIG);
    await client.setManifest(
      "bad",
      { schemaVersion: 2, mediaType: MediaTypes.OCI_MANIFEST, config: notJson, layers: [] },
      { tag: "notjson" },
    );
    await assert.rejects(client.getImageConfig("bad", "notjson"), (error: unknown) => {
      assert.ok(error instanceof InvalidRegistryResponseError);
      assert.match(error.message, /^The image config bad@sha256:[0-9a-f]{64} on .* is not valid JSON$/);
      return true;
    });

    const big = await pushBlob(client, "bad", randomBytes(4 * 1024 * 1024 + 1), MediaTypes.OCI_IMAGE_CONFIG);
    await client.setManifest("bad", { schemaVersion: 2, mediaType: MediaTypes.OCI_MANIFEST, config: big, layers: [] }, { tag: "big" });
    const { client: counted, lines } = countingClient();
    await assert.rejects(counted.getImageConfig("bad", "big"), (error: unknown) => {
      assert.ok(error instanceof ResponseTooLargeError);
      assert.match(error.message, /is 4194305 bytes, larger than the 4 MiB limit/);
      return true;
    });
    assert.equal(lines.filter((l) => l.includes("/blobs/")).length, 0, "no blob request for a config declared too large");

    const tampered = await pushImageWithConfig(client, "bad", sampleConfig("amd64", 0), [], "tampered");
    fs.writeFileSync(blobDataPath(registry, tampered.config.digest), JSON.stringify({ architecture: "evil", os: "linux" }));
    await assert.rejects(clientFor(registry).getImageConfig("bad", "tampered"), (error: unknown) => {
      assert.ok(error instanceof DigestValidationError);
      assert.equal(error.expectedDigest, tampered.config.digest);
      return true;
    });
  });

  it("says an artifact is not an image", async function () {
    const referrer = await pushReferrer(
      client,
      "app",
      { digest: amd64.digest, mediaType: MediaTypes.OCI_MANIFEST, size: amd64.size },
      SPDX,
      "{}",
    );
    await assert.rejects(client.getImageConfig("app", referrer.digest), (error: unknown) => {
      assert.ok(error instanceof NotAnImageError);
      assert.match(error.message, /is not an image: its config is application\/vnd\.oci\.empty\.v1\+json/);
      return true;
    });
  });

  it("lists referrers as a tree: a signature of an SBOM below the SBOM", async function () {
    const image = await pushImageWithConfig(client, "signed", sampleConfig("amd64", 1), [randomBytes(100)], "v1");
    const subject = { digest: image.digest, mediaType: MediaTypes.OCI_MANIFEST, size: image.size };
    const sbom = await pushReferrer(client, "signed", subject, SPDX, '{"spdxVersion":"SPDX-2.3"}');
    const imageSignature = await pushReferrer(client, "signed", subject, NOTARY, "sig-of-image");
    const sbomSignature = await pushReferrer(
      client,
      "signed",
      { digest: sbom.digest, mediaType: MediaTypes.OCI_MANIFEST, size: sbom.size },
      NOTARY,
      "sig-of-sbom",
    );
    const tree = await client.getReferrerTree("signed", image.digest);
    const summary = tree.referrers.map((r) => ({
      digest: r.descriptor.digest,
      kind: r.kind,
      below: r.referrers.map((b) => [b.descriptor.digest, b.kind]),
    }));
    assert.deepEqual(
      summary.sort((a, b) => a.kind.localeCompare(b.kind)),
      [
        { digest: imageSignature.digest, kind: "notary-signature", below: [] },
        { digest: sbom.digest, kind: "spdx-sbom", below: [[sbomSignature.digest, "notary-signature"]] },
      ],
    );
    assert.deepEqual(tree.mismatched, []);
  });

  it("leaves out a referrer the fallback index still lists after it was deleted", async function () {
    const image = await pushImageWithConfig(client, "stale", sampleConfig("amd64", 1), [randomBytes(100)], "v1");
    const subject = { digest: image.digest, mediaType: MediaTypes.OCI_MANIFEST, size: image.size };
    const kept = await pushReferrer(client, "stale", subject, NOTARY, "kept");
    const deleted = await pushReferrer(client, "stale", subject, SPDX, '{"gone":true}');
    // Deleted by a client that leaves the fallback index as it was (this one takes the entry out: the next test).
    const response = await fetch(`${registry.url}/v2/stale/manifests/${deleted.digest}`, { method: "DELETE" });
    assert.equal(response.status, 202);
    const listed = (await client.listReferrers("stale", image.digest)).map((d) => d.digest);
    assert.ok(listed.includes(deleted.digest), "the fallback index still lists it");
    const tree = await clientFor(registry).getReferrerTree("stale", image.digest);
    assert.deepEqual(
      tree.referrers.map((r) => r.descriptor.digest),
      [kept.digest],
    );
    // The repository's size counts what is stored: the stale entry adds nothing and fails nothing.
    const size = await clientFor(registry).getRepositorySize("stale");
    assert.equal(size.totalBytes, image.config.size + 100 + 2 + "kept".length);
  });

  it("takes a deleted referrer out of its subject's fallback index; other deletes read no fallback tag", async function () {
    const image = await pushImageWithConfig(client, "deleting", sampleConfig("amd64", 1), [randomBytes(100)], "v1");
    const subject = { digest: image.digest, mediaType: MediaTypes.OCI_MANIFEST, size: image.size };
    const kept = await pushReferrer(client, "deleting", subject, NOTARY, "kept");
    const deleted = await pushReferrer(client, "deleting", subject, SPDX, '{"gone":true}');
    const fallbackTag = image.digest.replace(":", "-");
    const fallbackListing = async () =>
      ((await clientFor(registry).getManifest("deleting", fallbackTag)).manifest.manifests ?? []).map((d) => d.digest);
    assert.deepEqual(await fallbackListing(), [kept.digest, deleted.digest]);
    await client.deleteManifest("deleting", deleted.digest);
    assert.deepEqual(await fallbackListing(), [kept.digest]);
    await assert.rejects(clientFor(registry).getManifest("deleting", deleted.digest), RegistryNotFoundError);
    // The last one leaves an index listing nothing, still an index (nothing else may take the tag).
    await client.deleteManifest("deleting", kept.digest);
    assert.deepEqual(await fallbackListing(), []);
    // A manifest without a subject: one read of it, the delete, and no fallback tag read or written.
    const plain = await pushImageWithConfig(client, "deleting", sampleConfig("amd64", 1), [randomBytes(100)], "plain");
    const { client: counted, lines } = countingClient();
    await counted.deleteManifest("deleting", plain.digest);
    assert.deepEqual(
      lines.map((l) => l.replace(/^(\S+) \S*\/v2\/deleting\/manifests\/(\S+).*$/, "$1 $2")),
      [`GET ${plain.digest}`, `DELETE ${plain.digest}`],
    );
  });

  it("sets apart a referrer whose subject is another manifest", async function () {
    const image = await pushImageWithConfig(client, "forged", sampleConfig("amd64", 1), [randomBytes(100)], "v1");
    const other = await pushImageWithConfig(client, "forged", sampleConfig("arm64", 1), [randomBytes(100)], "v2");
    const honest = await pushReferrer(
      client,
      "forged",
      { digest: other.digest, mediaType: MediaTypes.OCI_MANIFEST, size: other.size },
      NOTARY,
      "sig",
    );
    // A fallback index under v1's tag that lists the signature of v2.
    const fallbackTag = image.digest.replace(":", "-");
    await client.setManifest(
      "forged",
      {
        schemaVersion: 2,
        mediaType: MediaTypes.OCI_INDEX,
        manifests: [{ mediaType: MediaTypes.OCI_MANIFEST, digest: honest.digest, size: honest.size, artifactType: NOTARY }],
      },
      { tag: fallbackTag },
    );
    const tree = await client.getReferrerTree("forged", image.digest);
    assert.deepEqual(tree.referrers, []);
    assert.deepEqual(tree.mismatched, [
      {
        descriptor: { mediaType: MediaTypes.OCI_MANIFEST, digest: honest.digest, size: honest.size, artifactType: NOTARY },
        actualSubject: other.digest,
      },
    ]);
  });

  it("recognizes fallback and cosign tags as standing for their subject", function () {
    const hex = "ab".repeat(32);
    assert.equal(subjectOfFallbackTag(`sha256-${hex}`), `sha256:${hex}`);
    assert.equal(subjectOfFallbackTag(`sha256-${hex}.sig`), `sha256:${hex}`);
    assert.equal(subjectOfFallbackTag(`sha256-${hex}.att`), `sha256:${hex}`);
    assert.equal(subjectOfFallbackTag(`sha256-${hex.slice(2)}`), undefined);
    assert.equal(subjectOfFallbackTag("v1"), undefined);
    assert.equal(subjectOfFallbackTag(`sha256-${hex}.other`), undefined);
  });
});

describe("images against the ACR stand-in", function () {
  let registry: RunningRegistry;
  let acr: AcrStandIn;
  let client: ContainerRegistryClient;

  before(async function () {
    registry = await startRegistry({ auth: "anonymous" });
    acr = await startAcrStandIn({ upstream: registry.url, anonymousPull: true });
    client = new ContainerRegistryClient(acr.url, await createFakeEntraCredential());
  });

  after(async function () {
    await acr?.stop();
    await registry?.stop();
  });

  it("reads an index's platform config and sizes the repository without counting children twice", async function () {
    const layers = [randomBytes(2000), randomBytes(4000)];
    const amd64 = await pushImageWithConfig(client, "acr/app", sampleConfig("amd64", 2), layers);
    const arm64 = await pushImageWithConfig(client, "acr/app", sampleConfig("arm64", 2), [layers[0], randomBytes(6000)]);
    await pushIndex(
      client,
      "acr/app",
      [
        { digest: amd64.digest, size: amd64.size, architecture: "amd64" },
        { digest: arm64.digest, size: arm64.size, architecture: "arm64" },
      ],
      "v1",
    );
    const result = await client.getImageConfig("acr/app", "v1", { platform: "linux/amd64" });
    assert.equal(result.manifestDigest, amd64.digest);
    assert.deepEqual(result.config.config?.Cmd, ["--serve"]);
    // ACR lists the children as manifests of their own; they are part of the index, not other owners.
    const size = await client.getRepositorySize("acr/app");
    assert.equal(size.sharedBytes, 0);
    assert.equal(size.totalBytes, amd64.config.size + arm64.config.size + 2000 + 4000 + 6000);
    assert.equal(size.manifests.length, 1);
    // The blob GETs went through the stand-in's 307 to storage, with each config fetched once.
    assert.equal(acr.storage.requests.filter((r) => r.method === "GET" && r.path.includes(amd64.config.digest.slice(7))).length, 1);
  });
});
