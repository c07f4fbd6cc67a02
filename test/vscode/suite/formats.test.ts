// Pulls and pushes in the formats other tools read (issue 17), through the
// commands in the real VS Code against a real registry: Pull to Folder as an
// OCI layout (several images, chosen platforms) and as a docker-archive,
// read back by skopeo; the remembered format setting; Push OCI Layout; Push
// Files as Artifact with a folder and an artifact type; Download Blob picking
// the config or a layer from the image, and a missing digest refused before
// anything is written.

import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import * as vscode from "vscode";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { OCI_MANIFEST, pushImage, pushManifest, type PushedImage } from "../../fixtures/seed";
import {
  child,
  command,
  connect,
  disconnectAll,
  getApi,
  manifestWithTag,
  randomBytes,
  registryNode,
  runAcceptingQuickPicks,
} from "./extensionTestHelpers";

const run = promisify(execFile);
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const FORMAT_SETTING = "containerRegistryExplorer.pull.format";

interface PullResult {
  digest: string;
  format: string;
  folder: string;
  path: string;
}

async function skopeoInspect(transport: string, extra: string[] = []): Promise<{ Digest: string; Architecture: string; Layers: string[] }> {
  const { stdout } = await run("skopeo", [...extra, "inspect", transport]);
  return JSON.parse(stdout) as { Digest: string; Architecture: string; Layers: string[] };
}

describe("pull and push formats (OCI layout, docker-archive, folders, blob picker)", function () {
  this.timeout(180_000);
  let registry: RunningRegistry;
  let registryId: string;
  let work: string;
  let app: PushedImage;
  let tool: PushedImage;
  let arm64: PushedImage;
  const appLayers = [randomBytes(200_000, 31), Buffer.from("second layer")];

  before(async () => {
    await disconnectAll(await getApi());
    registry = await startRegistry();
    app = await pushImage(registry, "formats/app", "v1", { layers: appLayers });
    tool = await pushImage(registry, "formats/tool", "2.0", { layers: [Buffer.from("tool layer")] });
    const amd64 = await pushImage(registry, "formats/multi", "amd64", { layers: [Buffer.from("amd64")], architecture: "amd64" });
    arm64 = await pushImage(registry, "formats/multi", "arm64", { layers: [Buffer.from("arm64")], architecture: "arm64" });
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          {
            mediaType: OCI_MANIFEST,
            digest: amd64.manifestDigest,
            size: amd64.manifestBytes.length,
            platform: { os: "linux", architecture: "amd64" },
          },
          {
            mediaType: OCI_MANIFEST,
            digest: arm64.manifestDigest,
            size: arm64.manifestBytes.length,
            platform: { os: "linux", architecture: "arm64" },
          },
        ],
      }),
    );
    await pushManifest(registry, "formats/multi", "latest", index, OCI_INDEX);
    registryId = await connect(registry);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "cre-formats-"));
  });

  after(async () => {
    await vscode.workspace.getConfiguration().update(FORMAT_SETTING, undefined, vscode.ConfigurationTarget.Global);
    await disconnectAll(await getApi());
    await registry?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("pulls two images into one OCI layout, each under its tag, which skopeo reads", async () => {
    const layout = path.join(work, "layout");
    const first = await command<PullResult>("pull", {
      registry: registryId,
      repository: "formats/app",
      reference: "v1",
      format: "ociLayout",
      destination: layout,
    });
    assert.strictEqual(first.format, "ociLayout");
    assert.strictEqual(first.digest, app.manifestDigest);
    await command("pull", { registry: registryId, repository: "formats/tool", reference: "2.0", format: "ociLayout", destination: layout });
    assert.strictEqual((await skopeoInspect(`oci:${layout}:v1`)).Digest, app.manifestDigest);
    assert.strictEqual((await skopeoInspect(`oci:${layout}:2.0`)).Digest, tool.manifestDigest);
  });

  it("pulls an index as an OCI layout with the chosen platform only", async () => {
    const layout = path.join(work, "multi");
    const pulled = await command<PullResult>("pull", {
      registry: registryId,
      repository: "formats/multi",
      reference: "latest",
      format: "ociLayout",
      platforms: ["linux/arm64"],
      destination: layout,
    });
    const index = JSON.parse(fs.readFileSync(path.join(layout, "blobs", "sha256", pulled.digest.slice(7)), "utf8")) as {
      manifests: { digest: string }[];
    };
    assert.deepStrictEqual(
      index.manifests.map((m) => m.digest),
      [arm64.manifestDigest],
    );
    assert.strictEqual((await skopeoInspect(`oci:${layout}:latest`, ["--override-arch", "arm64"])).Architecture, "arm64");
  });

  it("pulls a docker-archive named after the image, whose manifest.json lists the layers; skopeo reads it", async () => {
    const folder = path.join(work, "archives");
    const pulled = await command<PullResult>("pull", {
      registry: registryId,
      repository: "formats/app",
      reference: "v1",
      format: "dockerArchive",
      destination: folder,
    });
    assert.strictEqual(pulled.path, path.join(folder, "app-v1.tar"));
    assert.deepStrictEqual(fs.readdirSync(folder), ["app-v1.tar"]);
    const inspected = await skopeoInspect(`docker-archive:${pulled.path}`);
    assert.deepStrictEqual(inspected.Layers, app.layerDigests);
    const { stdout } = await run("tar", ["-xOf", pulled.path, "manifest.json"]);
    const entries = JSON.parse(stdout) as { Config: string; RepoTags: string[]; Layers: string[] }[];
    assert.deepStrictEqual(
      entries[0].Layers,
      app.layerDigests.map((d) => `blobs/sha256/${d.slice(7)}`),
    );
    assert.deepStrictEqual(entries[0].RepoTags, [`${registry.host}/formats/app:v1`]);
    const { stdout: layer } = await run("tar", ["-xOf", pulled.path, entries[0].Layers[1]], { encoding: "buffer" });
    assert.ok(Buffer.from(layer).equals(appLayers[1]));
  });

  it("takes the remembered format from the setting, and refuses an unknown one", async () => {
    await vscode.workspace.getConfiguration().update(FORMAT_SETTING, "dockerArchive", vscode.ConfigurationTarget.Global);
    const file = path.join(work, "remembered", "tool.tar");
    const pulled = await command<PullResult>("pull", {
      registry: registryId,
      repository: "formats/tool",
      reference: "2.0",
      destination: file,
    });
    assert.strictEqual(pulled.format, "dockerArchive");
    assert.strictEqual((await skopeoInspect(`docker-archive:${file}`)).Layers.length, 1);
    await vscode.workspace.getConfiguration().update(FORMAT_SETTING, undefined, vscode.ConfigurationTarget.Global);
    await assert.rejects(
      command("pull", {
        registry: registryId,
        repository: "formats/tool",
        reference: "2.0",
        format: "zip",
        destination: path.join(work, "zip"),
      }),
      /Unknown pull format/,
    );
    assert.ok(!fs.existsSync(path.join(work, "zip")));
  });

  it("pushes an OCI layout folder, the image picked by its ref name, with its digest kept", async () => {
    const layout = path.join(work, "layout");
    const pushed = await command<{ digest: string; reference: string }>("pushLayout", {
      registry: registryId,
      repository: "formats/from-layout",
      destination: layout,
      refName: "2.0",
      tag: "copied",
    });
    assert.strictEqual(pushed.digest, tool.manifestDigest);
    const response = await fetch(`${registry.url}/v2/formats/from-layout/manifests/copied`, { headers: { Accept: OCI_MANIFEST } });
    assert.strictEqual(response.headers.get("docker-content-digest"), tool.manifestDigest);
    await assert.rejects(
      command("pushLayout", { registry: registryId, repository: "formats/from-layout", destination: layout, tag: "x" }),
      /several|name/,
    );
    await assert.rejects(
      command("pushLayout", { registry: registryId, repository: "formats/from-layout", destination: work, tag: "x" }),
      /not an OCI image layout/,
    );
  });

  it("pushes a folder's files as an artifact of the given type (subfolders left out)", async () => {
    const folder = path.join(work, "bundle");
    fs.mkdirSync(path.join(folder, "nested"), { recursive: true });
    fs.writeFileSync(path.join(folder, "a.txt"), "alpha\n");
    fs.writeFileSync(path.join(folder, "b.bin"), randomBytes(50_000, 32));
    fs.writeFileSync(path.join(folder, "nested", "c.txt"), "not pushed\n");
    const extra = path.join(work, "extra.txt");
    fs.writeFileSync(extra, "extra\n");
    await command("push", {
      registry: registryId,
      repository: "formats/bundle",
      tag: "v1",
      files: [folder, extra],
      artifactType: "application/vnd.example.bundle.v1",
    });
    const response = await fetch(`${registry.url}/v2/formats/bundle/manifests/v1`, { headers: { Accept: OCI_MANIFEST } });
    const manifest = (await response.json()) as { artifactType: string; layers: { annotations: Record<string, string> }[] };
    assert.strictEqual(manifest.artifactType, "application/vnd.example.bundle.v1");
    assert.deepStrictEqual(
      manifest.layers.map((l) => l.annotations["org.opencontainers.image.title"]),
      ["a.txt", "b.bin", "extra.txt"],
    );
    await assert.rejects(
      command("push", { registry: registryId, repository: "formats/bundle", tag: "v2", files: [extra], artifactType: "not a type" }),
      /is not a media type/,
    );
  });

  it("downloads the config or a layer picked from the manifest's blobs", async () => {
    const api = await getApi();
    const repo = await child(api, await registryNode(api, registry), "formats/app");
    const manifest = await manifestWithTag(api, repo, "v1");
    const configFile = path.join(work, "picked-config.json");
    const config = await runAcceptingQuickPicks<{ digest: string; path: string }>("containerRegistryExplorer.downloadBlob", [
      manifest,
      { destination: configFile },
    ]);
    assert.strictEqual(config.digest, app.configDigest);
    const layerFile = path.join(work, "picked-layer.bin");
    // Config first, then the layers in order: two down is the second layer.
    const layer = await runAcceptingQuickPicks<{ digest: string }>(
      "containerRegistryExplorer.downloadBlob",
      [manifest, { destination: layerFile }],
      2,
    );
    assert.strictEqual(layer.digest, app.layerDigests[1]);
    assert.ok(fs.readFileSync(layerFile).equals(appLayers[1]));
  });

  it("refuses a digest the repository does not hold before writing anything", async () => {
    const destination = path.join(work, "missing", "blob.bin");
    fs.mkdirSync(path.dirname(destination));
    await assert.rejects(
      command("downloadBlob", { registry: registryId, repository: "formats/app", digest: `sha256:${"0".repeat(64)}`, destination }),
      /holds no blob/,
    );
    assert.deepStrictEqual(fs.readdirSync(path.dirname(destination)), []);
  });
});
