// Every client operation against a real CNCF distribution registry, in each
// auth mode (anonymous, htpasswd Basic, bearer tokens from the token service),
// with absolute and relative Location/Link values, and over TLS.

import * as assert from "node:assert/strict";
import {
  ContainerRegistryClient,
  MediaTypes,
  NotSupportedByRegistryError,
  RegistryNotFoundError,
  RegistryTlsError,
} from "../../src/client";
import { type RegistryOptions, type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { clientFor, collect, randomBytes, readAll, sha256, streamOf } from "./helpers";

const MODES: { title: string; options: RegistryOptions }[] = [
  { title: "anonymous", options: { auth: "anonymous" } },
  { title: "htpasswd Basic", options: { auth: "basic" } },
  { title: "bearer tokens", options: { auth: "token" } },
  { title: "anonymous with relative URLs", options: { auth: "anonymous", relativeUrls: true } },
  { title: "bearer tokens over TLS", options: { auth: "token", tls: true } },
];

/** Pushes a two-layer OCI image with the client and returns what went up. */
async function pushImage(client: ContainerRegistryClient, repository: string, tag: string) {
  const layers = [randomBytes(300 * 1024 + 7), randomBytes(2 * 1024 * 1024 + 3)];
  const config = Buffer.from(JSON.stringify({ architecture: "arm64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }));
  const progress: number[] = [];
  const configUpload = await client.uploadBlob(repository, config);
  const layerUploads = [];
  for (const layer of layers) {
    // Streams, not buffers: the upload hashes on the fly.
    layerUploads.push(
      await client.uploadBlob(repository, streamOf(layer), {
        sizeInBytes: layer.length,
        onProgress: (p) => progress.push(p.transferredBytes),
      }),
    );
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.OCI_MANIFEST,
    config: { mediaType: MediaTypes.OCI_IMAGE_CONFIG, digest: configUpload.digest, size: config.length },
    layers: layerUploads.map((u) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: u.digest, size: u.sizeInBytes })),
  };
  const { digest } = await client.setManifest(repository, manifest, { tag });
  return { layers, config, configUpload, layerUploads, manifest, digest, progress };
}

for (const mode of MODES) {
  describe(`client against CNCF distribution (${mode.title})`, function () {
    let registry: RunningRegistry;
    let client: ContainerRegistryClient;

    before(async function () {
      registry = await startRegistry(mode.options);
      client = clientFor(registry);
    });

    after(async function () {
      await registry?.stop();
    });

    it("reports a plain OCI registry's capabilities", async function () {
      assert.deepEqual(await client.getCapabilities(), { kind: "oci", properties: false, ordering: false, deleteTagDirectly: false });
    });

    it("pushes an image and pulls every byte back, digests checked", async function () {
      const image = await pushImage(client, "team/app", "v1");
      for (const [i, upload] of image.layerUploads.entries()) {
        assert.equal(upload.digest, sha256(image.layers[i]));
        assert.equal(upload.sizeInBytes, image.layers[i].length);
      }
      assert.ok(image.progress.length > 1, "progress is reported while streaming");
      assert.equal(image.progress.at(-1), image.layers.at(-1)!.length);

      const fetched = await client.getManifest("team/app", "v1");
      assert.equal(fetched.digest, image.digest);
      assert.equal(fetched.mediaType, MediaTypes.OCI_MANIFEST);
      assert.deepEqual(fetched.manifest, image.manifest);
      assert.equal(sha256(fetched.content), image.digest);

      const byDigest = await client.getManifest("team/app", image.digest);
      assert.deepEqual(Buffer.from(byDigest.content), Buffer.from(fetched.content));

      for (const [i, layer] of image.layers.entries()) {
        const seen: number[] = [];
        const download = await client.downloadBlob("team/app", image.layerUploads[i].digest, {
          onProgress: (p) => seen.push(p.transferredBytes),
        });
        assert.equal(download.sizeInBytes, layer.length);
        assert.deepEqual(await readAll(download.content), layer);
        assert.equal(seen.at(-1), layer.length);
      }
    });

    it("pushes an OCI artifact (artifactType, empty config, titled layers) and reads its properties", async function () {
      const files = [Buffer.from("hello artifact"), randomBytes(10_000)];
      const empty = await client.uploadBlob("team/artifact", Buffer.from("{}"));
      assert.equal(empty.digest, MediaTypes.OCI_EMPTY_DIGEST);
      const layers = [];
      for (const [i, file] of files.entries()) {
        const up = await client.uploadBlob("team/artifact", file);
        layers.push({
          mediaType: "text/plain",
          digest: up.digest,
          size: up.sizeInBytes,
          annotations: { "org.opencontainers.image.title": `file-${i}.txt` },
        });
      }
      const manifest = {
        schemaVersion: 2,
        mediaType: MediaTypes.OCI_MANIFEST,
        artifactType: "application/vnd.example.notes",
        config: { mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 },
        layers,
      };
      const { digest } = await client.setManifest("team/artifact", manifest, { tag: "notes" });
      const props = await client.getManifestProperties("team/artifact", "notes");
      assert.equal(props.digest, digest);
      assert.equal(props.artifactType, "application/vnd.example.notes");
      assert.equal(props.configMediaType, MediaTypes.OCI_EMPTY);
      assert.deepEqual(props.tags, ["notes"]);
      for (const layer of layers) {
        const back = await readAll((await client.downloadBlob("team/artifact", layer.digest)).content);
        assert.equal(sha256(back), layer.digest);
      }
    });

    it("describes an image manifest and a multi-arch index from their content", async function () {
      const image = await pushImage(client, "team/multi", "arm64");
      const index = {
        schemaVersion: 2,
        mediaType: MediaTypes.OCI_INDEX,
        manifests: [
          {
            mediaType: MediaTypes.OCI_MANIFEST,
            digest: image.digest,
            size: Buffer.byteLength(JSON.stringify(image.manifest)),
            platform: { architecture: "arm64", os: "linux" },
          },
        ],
      };
      const { digest: indexDigest } = await client.setManifest("team/multi", index, { tag: "latest" });

      const imageProps = await client.getManifestProperties("team/multi", "arm64");
      assert.equal(imageProps.architecture, "arm64");
      assert.equal(imageProps.operatingSystem, "linux");
      assert.equal(imageProps.mediaType, MediaTypes.OCI_MANIFEST);
      assert.equal(imageProps.configMediaType, MediaTypes.OCI_IMAGE_CONFIG);
      const expectedSize =
        Buffer.byteLength(JSON.stringify(image.manifest)) + image.config.length + image.layers.reduce((s, l) => s + l.length, 0);
      assert.equal(imageProps.sizeInBytes, expectedSize);
      assert.deepEqual(imageProps.relatedArtifacts, []);

      const indexProps = await client.getManifestProperties("team/multi", indexDigest);
      assert.equal(indexProps.mediaType, MediaTypes.OCI_INDEX);
      assert.deepEqual(indexProps.tags, ["latest"]);
      assert.deepEqual(indexProps.relatedArtifacts, [{ digest: image.digest, architecture: "arm64", operatingSystem: "linux" }]);

      const listed = await collect(client.listManifestProperties("team/multi"));
      assert.deepEqual(listed.map((m) => m.digest).sort(), [image.digest, indexDigest].sort());
    });

    it("lists repositories page by page at a small page size, following Link", async function () {
      const names = ["paging/a", "paging/b", "paging/c", "paging/d", "paging/e"];
      for (const name of names) {
        await client.uploadBlob(name, Buffer.from("{}"));
        const layer = await client.uploadBlob(name, Buffer.from(name));
        await client.setManifest(
          name,
          {
            schemaVersion: 2,
            mediaType: MediaTypes.OCI_MANIFEST,
            config: { mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 },
            layers: [{ mediaType: "text/plain", digest: layer.digest, size: layer.sizeInBytes }],
          },
          { tag: "t" },
        );
      }
      const pages = await collect(client.listRepositoryNames().byPage({ maxPageSize: 2 }));
      assert.ok(pages.length >= 3, `expected several pages, got ${pages.length}`);
      for (const page of pages.slice(0, -1)) {
        assert.equal(page.length, 2);
        assert.ok(page.continuationToken, "every page but the last has a continuation token");
      }
      assert.equal(pages.at(-1)!.continuationToken, undefined);
      const all = pages.flat();
      for (const name of names) {
        assert.ok(all.includes(name), `${name} listed`);
      }
      assert.equal(new Set(all).size, all.length, "no repository listed twice");

      // Resuming from a continuation token gives the rest.
      const resumed = await collect(client.listRepositoryNames().byPage({ continuationToken: pages[0].continuationToken }));
      assert.deepEqual(resumed.flat(), all.slice(2));
      assert.deepEqual(await collect(client.listRepositoryNames()), all);
    });

    it("lists tags with their digests, filtered by digest", async function () {
      const image = await pushImage(client, "team/tags", "one");
      await client.setManifest("team/tags", image.manifest, { tag: "two" });
      const other = await pushImage(client, "team/tags", "three");
      const tags = await collect(client.listTagProperties("team/tags"));
      assert.deepEqual(tags.map((t) => [t.name, t.digest]).sort(), [
        ["one", image.digest],
        ["three", other.digest],
        ["two", image.digest],
      ]);
      const filtered = await collect(client.listTagProperties("team/tags", { digest: image.digest }));
      assert.deepEqual(filtered.map((t) => t.name).sort(), ["one", "two"]);
      const single = await client.getTagProperties("team/tags", "three");
      assert.equal(single.digest, other.digest);
      assert.equal(single.registryLoginServer, registry.host);
    });

    it("deletes a tag (emulated on distribution 2.8), keeping the manifest and its other tags", async function () {
      const image = await pushImage(client, "team/deltag", "keep");
      await client.setManifest("team/deltag", image.manifest, { tag: "drop" });
      await client.deleteTag("team/deltag", "drop");
      const names = (await collect(client.listTagProperties("team/deltag"))).map((t) => t.name);
      assert.deepEqual(names, ["keep"]);
      assert.equal((await client.getManifest("team/deltag", "keep")).digest, image.digest);
      await assert.rejects(client.getTagProperties("team/deltag", "drop"), RegistryNotFoundError);
      await assert.rejects(client.deleteTag("team/deltag", "never-existed"), RegistryNotFoundError);
    });

    it("deletes a manifest with its tags, and blobs (a missing blob is no error)", async function () {
      const image = await pushImage(client, "team/delman", "a");
      await client.setManifest("team/delman", image.manifest, { tag: "b" });
      await client.deleteManifest("team/delman", "a");
      await assert.rejects(client.getManifest("team/delman", image.digest), RegistryNotFoundError);
      assert.deepEqual(await collect(client.listTagProperties("team/delman")), []);

      const blob = image.layerUploads[0].digest;
      assert.equal(await client.blobExists("team/delman", blob), true);
      await client.deleteBlob("team/delman", blob);
      assert.equal(await client.blobExists("team/delman", blob), false);
      await client.deleteBlob("team/delman", blob);
    });

    it("deletes a repository's manifests and reports them", async function () {
      const first = await pushImage(client, "team/gone", "x");
      const second = await pushImage(client, "team/gone", "y");
      const result = await client.deleteRepository("team/gone");
      assert.deepEqual(result.deletedManifests.sort(), [first.digest, second.digest].sort());
      assert.deepEqual(result.deletedTags.sort(), ["x", "y"]);
      assert.deepEqual(await collect(client.listTagProperties("team/gone")), []);
    });

    it("reports what the registry cannot do with a typed error, never a fake", async function () {
      await pushImage(client, "team/props", "v1");
      const repo = await client.getRepositoryProperties("team/props");
      assert.deepEqual(repo, { registryLoginServer: registry.host, name: "team/props" });
      await assert.rejects(client.updateRepositoryProperties("team/props", { canWrite: false }), NotSupportedByRegistryError);
      await assert.rejects(client.updateTagProperties("team/props", "v1", { canDelete: false }), NotSupportedByRegistryError);
      await assert.rejects(client.updateManifestProperties("team/props", "v1", { canRead: false }), NotSupportedByRegistryError);
      await assert.rejects(
        collect(client.listManifestProperties("team/props", { order: "LastUpdatedOnDescending" })),
        NotSupportedByRegistryError,
      );
      await assert.rejects(client.getRepositoryProperties("team/never"), RegistryNotFoundError);
    });
  });
}

describe("referrers on a registry without the referrers API (distribution 2.8)", function () {
  let registry: RunningRegistry;

  before(async function () {
    registry = await startRegistry({ auth: "anonymous" });
  });

  after(async function () {
    await registry?.stop();
  });

  it("keeps and reads the fallback referrers index (spec v1.1 Referrers Tag Schema)", async function () {
    const client = clientFor(registry);
    const image = await pushImage(client, "refs/app", "v1");
    const signature = {
      schemaVersion: 2,
      mediaType: MediaTypes.OCI_MANIFEST,
      artifactType: "application/vnd.example.signature",
      config: { mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 },
      layers: [{ mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 }],
      subject: { mediaType: MediaTypes.OCI_MANIFEST, digest: image.digest, size: Buffer.byteLength(JSON.stringify(image.manifest)) },
    };
    await client.uploadBlob("refs/app", Buffer.from("{}"));
    const { digest: signatureDigest } = await client.setManifest("refs/app", signature);
    const sbom = { ...signature, artifactType: "application/spdx+json" };
    const { digest: sbomDigest } = await client.setManifest("refs/app", sbom);

    const referrers = await client.listReferrers("refs/app", image.digest);
    assert.deepEqual(referrers.map((r) => r.digest).sort(), [signatureDigest, sbomDigest].sort());
    const signatures = await client.listReferrers("refs/app", image.digest, { artifactType: "application/vnd.example.signature" });
    assert.deepEqual(
      signatures.map((r) => r.digest),
      [signatureDigest],
    );
    assert.deepEqual(await client.listReferrers("refs/app", signatureDigest), []);
  });
});

describe("TLS with a certificate the client does not trust", function () {
  let registry: RunningRegistry;

  before(async function () {
    registry = await startRegistry({ auth: "anonymous", tls: true });
  });

  after(async function () {
    await registry?.stop();
  });

  it("explains how to trust the registry's CA, and works once it is given", async function () {
    const untrusting = new ContainerRegistryClient(registry.url);
    await assert.rejects(collect(untrusting.listRepositoryNames()), (error: unknown) => {
      assert.ok(error instanceof RegistryTlsError, String(error));
      assert.match(error.message, /not trusted/);
      assert.match(error.message, /caCertificateFile/);
      assert.ok(error.message.includes(registry.host));
      return true;
    });
    assert.deepEqual(await collect(clientFor(registry).listRepositoryNames()), []);
  });
});

describe("tag paging where the registry ignores n (distribution 2.8 tags/list)", function () {
  let registry: RunningRegistry;

  before(async function () {
    registry = await startRegistry({ auth: "anonymous" });
  });

  after(async function () {
    await registry?.stop();
  });

  it("pages tags and manifests on the client, resolving only the page's tags", async function () {
    const client = clientFor(registry);
    const image = await pushImage(client, "many/tags", "t0");
    const names = ["t0"];
    for (let i = 1; i < 7; i++) {
      await client.setManifest("many/tags", image.manifest, { tag: `t${i}` });
      names.push(`t${i}`);
    }
    const pages = await collect(client.listTagProperties("many/tags").byPage({ maxPageSize: 3 }));
    assert.deepEqual(
      pages.map((p) => p.map((t) => t.name)),
      [["t0", "t1", "t2"], ["t3", "t4", "t5"], ["t6"]],
    );
    assert.ok(pages.every((p) => p.every((t) => t.digest === image.digest)));
    assert.ok(pages[0].continuationToken && pages[1].continuationToken && !pages[2].continuationToken);

    const resumed = await collect(client.listTagProperties("many/tags").byPage({ continuationToken: pages[0].continuationToken }));
    assert.deepEqual(
      resumed.flat().map((t) => t.name),
      names.slice(3),
    );

    // Filtering by digest leaves pages empty; that is not a registry looping on empty pages.
    const other = await pushImage(client, "many/tags", "z-last");
    const filtered = await collect(client.listTagProperties("many/tags", { digest: other.digest }).byPage({ maxPageSize: 1 }));
    assert.deepEqual(
      filtered.flat().map((t) => t.name),
      ["z-last"],
    );

    const manifestPages = await collect(client.listManifestProperties("many/tags").byPage({ maxPageSize: 3 }));
    assert.equal(manifestPages.length, 3);
    assert.deepEqual(
      manifestPages[2].map((m) => m.digest),
      [image.digest, other.digest],
    );
    assert.deepEqual(manifestPages[0][0].tags, ["t0", "t1", "t2"]);
  });
});
