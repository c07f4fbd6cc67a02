// Pulls in the formats other tools read (issue 17): a docker-archive tarball
// (layout/dockerArchiveStore.ts) and several images, and an index with all or
// chosen platforms, in one OCI layout (layout/ociLayoutStore.ts), from a real
// CNCF distribution registry. skopeo, installed here, reads what was written:
// `skopeo inspect docker-archive:<file>` and `skopeo inspect oci:<dir>:<ref>`.

import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as tar from "tar-stream";
import { InvalidInputError, MediaTypes } from "../../src/client";
import { file, gzip, rawTar } from "../fixtures/layerBuilder";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { pushBlob, pushImage, pushManifest, type PushedImage } from "../fixtures/seed";
import { clientFor, randomBytes, sha256 } from "./helpers";

const run = promisify(execFile);

async function skopeoInspect(transport: string): Promise<Record<string, unknown>> {
  const { stdout } = await run("skopeo", ["inspect", transport], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** Every entry of a tarball, name to bytes (the test's archives are small). */
async function readTar(archive: string): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  const extract = tar.extract();
  extract.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      entries.set(header.name, Buffer.concat(chunks));
      next();
    });
  });
  const done = new Promise<void>((resolve, reject) => extract.on("finish", resolve).on("error", reject));
  fs.createReadStream(archive).pipe(extract);
  await done;
  return entries;
}

describe("pulls as a docker-archive and into an OCI layout (distribution, read by skopeo)", function () {
  let registry: RunningRegistry;
  let work: string;
  let image: PushedImage;
  const layers = [gzip(rawTar([file("etc/hello.txt", "hello\n")])), gzip(rawTar([file("data.bin", randomBytes(300_000))]))];
  let amd64: PushedImage;
  let arm64: PushedImage;

  before(async function () {
    registry = await startRegistry();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "formats-"));
    image = await pushImage(registry, "formats/app", "v1", { layers, format: "docker" });
    amd64 = await pushImage(registry, "formats/multi", "amd64", { layers: [Buffer.from("amd64 layer")], architecture: "amd64" });
    arm64 = await pushImage(registry, "formats/multi", "arm64", { layers: [Buffer.from("arm64 layer")], architecture: "arm64" });
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaTypes.OCI_INDEX,
        manifests: [
          {
            mediaType: MediaTypes.OCI_MANIFEST,
            digest: amd64.manifestDigest,
            size: amd64.manifestBytes.length,
            platform: { os: "linux", architecture: "amd64" },
          },
          {
            mediaType: MediaTypes.OCI_MANIFEST,
            digest: arm64.manifestDigest,
            size: arm64.manifestBytes.length,
            platform: { os: "linux", architecture: "arm64", variant: "v8" },
          },
        ],
      }),
    );
    await pushManifest(registry, "formats/multi", "latest", index, MediaTypes.OCI_INDEX);
    // A blob only the index's platforms do not name, so a subset pull must not fetch it.
    await pushBlob(registry, "formats/multi", Buffer.from("unrelated"));
  });

  after(async function () {
    await registry?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("writes a docker-archive whose manifest.json lists the config and layers, byte for byte, that skopeo reads", async function () {
    const archive = path.join(work, "app.tar");
    const client = clientFor(registry);
    const result = await client.pullDockerArchive("formats/app", "v1", archive, { repoTags: ["example.test/formats/app:v1"] });
    assert.equal(result.digest, image.manifestDigest);
    assert.equal(result.downloadedBytes, layers.reduce((sum, l) => sum + l.length, 0) + (image.manifest.config as { size: number }).size);

    const entries = await readTar(archive);
    const manifestJson = JSON.parse(entries.get("manifest.json")!.toString("utf8")) as {
      Config: string;
      RepoTags: string[];
      Layers: string[];
    }[];
    assert.equal(manifestJson.length, 1);
    assert.equal(manifestJson[0].Config, `blobs/sha256/${image.configDigest.slice(7)}`);
    assert.deepEqual(manifestJson[0].RepoTags, ["example.test/formats/app:v1"]);
    assert.deepEqual(
      manifestJson[0].Layers,
      image.layerDigests.map((d) => `blobs/sha256/${d.slice(7)}`),
    );
    for (const [i, name] of manifestJson[0].Layers.entries()) {
      assert.ok(entries.get(name)!.equals(layers[i]), `layer ${i} is byte for byte the registry's blob`);
    }
    assert.equal(sha256(entries.get(manifestJson[0].Config)!), image.configDigest);
    assert.ok(Buffer.from(entries.get(`blobs/sha256/${image.manifestDigest.slice(7)}`)!).equals(Buffer.from(image.manifestBytes)));
    // Nothing left beside the archive (no staging folder, no temporary file).
    assert.deepEqual(
      fs.readdirSync(work).filter((n) => n.startsWith(".app.tar")),
      [],
    );

    const inspected = await skopeoInspect(`docker-archive:${archive}`);
    assert.deepEqual(inspected.Layers, image.layerDigests);
    assert.equal(inspected.Architecture, "amd64");
    // Written as Docker 25+ writes it, the same file is an OCI archive too (for an OCI-typed image).
    const ociArchive = path.join(work, "amd64.tar");
    await client.pullDockerArchive("formats/multi", "amd64", ociArchive, { repoTags: ["example.test/formats/multi:amd64"] });
    assert.deepEqual((await skopeoInspect(`docker-archive:${ociArchive}`)).Layers, amd64.layerDigests);
    assert.equal((await skopeoInspect(`oci-archive:${ociArchive}:example.test/formats/multi:amd64`)).Digest, amd64.manifestDigest);
  });

  it("refuses an index for a docker-archive and a bad RepoTag, leaving nothing behind", async function () {
    const archive = path.join(work, "refused", "multi.tar");
    const client = clientFor(registry);
    await assert.rejects(client.pullDockerArchive("formats/multi", "latest", archive), InvalidInputError);
    await assert.rejects(client.pullDockerArchive("formats/app", "v1", archive, { repoTags: ["UPPER/case:v1"] }), InvalidInputError);
    await assert.rejects(client.pullDockerArchive("formats/app", "v1", archive, { repoTags: ["no-tag"] }), InvalidInputError);
    assert.deepEqual(fs.existsSync(path.dirname(archive)) ? fs.readdirSync(path.dirname(archive)) : [], []);
  });

  it("leaves nothing behind when a docker-archive pull is cancelled midway", async function () {
    const big = [randomBytes(12 * 1024 * 1024), randomBytes(6 * 1024 * 1024)];
    await pushImage(registry, "formats/big", "v1", { layers: big });
    const folder = path.join(work, "cancelled");
    const controller = new AbortController();
    await assert.rejects(
      clientFor(registry).pullDockerArchive("formats/big", "v1", path.join(folder, "big.tar"), {
        abortSignal: controller.signal,
        onProgress: (p) => p.transferredBytes > 1024 * 1024 && controller.abort(),
      }),
      (error: Error) => error.name === "AbortError",
    );
    assert.deepEqual(fs.readdirSync(folder), []);
  });

  it("keeps several images in one layout, each under its name, and skopeo reads each", async function () {
    const layout = path.join(work, "layout");
    const client = clientFor(registry);
    // An OCI-typed image: skopeo's oci transport (1.9) skips docker-typed manifests in index.json.
    image = await pushImage(registry, "formats/app", "oci", { layers });
    await client.pullImage("formats/app", "oci", layout, { refName: "v1" });
    await client.pullImage("formats/multi", "amd64", layout);
    await client.pullImage("formats/multi", "arm64", layout, { refName: "multi-arm64" });
    const index = JSON.parse(fs.readFileSync(path.join(layout, "index.json"), "utf8")) as {
      manifests: { digest: string; annotations?: Record<string, string> }[];
    };
    assert.deepEqual(
      index.manifests.map((m) => [m.annotations?.["org.opencontainers.image.ref.name"], m.digest]),
      [
        ["v1", image.manifestDigest],
        ["amd64", amd64.manifestDigest],
        ["multi-arm64", arm64.manifestDigest],
      ],
    );
    assert.equal((await skopeoInspect(`oci:${layout}:v1`)).Digest, image.manifestDigest);
    assert.equal((await skopeoInspect(`oci:${layout}:amd64`)).Architecture, "amd64");
    assert.equal((await skopeoInspect(`oci:${layout}:multi-arm64`)).Architecture, "arm64");
    // Pulling a name again replaces its entry rather than adding a second one.
    await client.pullImage("formats/multi", "arm64", layout, { refName: "v1" });
    const again = JSON.parse(fs.readFileSync(path.join(layout, "index.json"), "utf8")) as { manifests: { digest: string }[] };
    assert.deepEqual(
      again.manifests.map((m) => m.digest),
      [amd64.manifestDigest, arm64.manifestDigest, arm64.manifestDigest],
    );
  });

  it("pulls an index with all its platforms, or with the chosen ones only", async function () {
    const client = clientFor(registry);
    const all = path.join(work, "all");
    await assert.rejects(client.pullImage("formats/multi", "latest", all), InvalidInputError);
    const whole = await client.pullImage("formats/multi", "latest", all, { platforms: "all" });
    const { digest: indexDigest } = await client.getManifest("formats/multi", "latest");
    assert.equal(whole.digest, indexDigest);
    for (const platform of [amd64, arm64]) {
      for (const digest of [platform.manifestDigest, platform.configDigest, ...platform.layerDigests]) {
        assert.ok(fs.existsSync(path.join(all, "blobs", "sha256", digest.slice(7))), `${digest} is in the layout`);
      }
    }
    const inspectedAll = await skopeoInspect(`oci:${all}:latest`);
    assert.equal(inspectedAll.Architecture, "amd64");

    const chosen = path.join(work, "chosen");
    const log: string[] = [];
    const subset = await clientFor(registry, { logRequest: (line) => log.push(line) }).pullImage("formats/multi", "latest", chosen, {
      platforms: ["linux/arm64/v8"],
    });
    assert.notEqual(subset.digest, indexDigest);
    const subsetIndex = JSON.parse(fs.readFileSync(path.join(chosen, "blobs", "sha256", subset.digest.slice(7)), "utf8")) as {
      manifests: { digest: string }[];
    };
    assert.deepEqual(
      subsetIndex.manifests.map((m) => m.digest),
      [arm64.manifestDigest],
    );
    assert.equal(sha256(fs.readFileSync(path.join(chosen, "blobs", "sha256", subset.digest.slice(7)))), subset.digest);
    // The other platform's manifest and blobs are never requested.
    for (const digest of [amd64.manifestDigest, amd64.configDigest, ...amd64.layerDigests]) {
      assert.equal(log.filter((line) => line.includes(digest)).length, 0, `${digest} was requested`);
    }
    const { stdout } = await run("skopeo", ["--override-arch", "arm64", "--override-variant", "v8", "inspect", `oci:${chosen}:latest`]);
    assert.equal((JSON.parse(stdout) as { Architecture: string }).Architecture, "arm64");
    await assert.rejects(
      client.pullImage("formats/multi", "latest", path.join(work, "none"), { platforms: ["windows/amd64"] }),
      /no such platform/,
    );
  });
});
