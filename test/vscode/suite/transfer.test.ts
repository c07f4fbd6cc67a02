// Push, pull and single-blob transfers through the commands, against a real
// registry, checked byte for byte; safe layer file names; cancellation that
// leaves no partial file; a tampered blob that leaves no file at all.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import { type FaultProxy, startFaultProxy } from "../../fixtures/faultProxy";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import {
  OCI_INDEX,
  OCI_LAYER,
  OCI_MANIFEST,
  pushBlob,
  pushImage,
  pushManifest,
  pushTwoPlatformIndex,
  sha256Digest,
} from "../../fixtures/seed";
import {
  child,
  children,
  command,
  connect,
  disconnectAll,
  getApi,
  item,
  manifestWithTag,
  randomBytes,
  registryNode,
} from "./extensionTestHelpers";

const TITLE = "org.opencontainers.image.title";

/** What these tests read of a manifest the extension pushed. */
interface PushedManifest {
  mediaType: string;
  artifactType?: string;
  config: { mediaType: string; digest: string; size: number };
  layers: { digest: string; size: number; annotations: Record<string, string> }[];
}

interface PullResult {
  digest: string;
  folder: string;
  files: { name: string; path: string; digest: string; size: number; kind: string }[];
}

async function getManifestBytes(registry: RunningRegistry, repository: string, reference: string): Promise<Buffer> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    headers: { Accept: `${OCI_MANIFEST}, ${OCI_INDEX}` },
  });
  assert.strictEqual(response.status, 200);
  return Buffer.from(await response.arrayBuffer());
}

async function getBlob(registry: RunningRegistry, repository: string, digest: string): Promise<Buffer> {
  const response = await fetch(`${registry.url}/v2/${repository}/blobs/${digest}`);
  assert.strictEqual(response.status, 200, `GET blob ${digest}`);
  return Buffer.from(await response.arrayBuffer());
}

function listDir(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

describe("push, pull and blob transfers", function () {
  this.timeout(180_000);
  let registry: RunningRegistry;
  let registryId: string;
  let work: string;
  const files: Record<string, Buffer> = {
    "model.bin": randomBytes(3 * 1024 * 1024 + 17, 1),
    "README.txt": Buffer.from("a small text file\n"),
    "weights.dat": randomBytes(1024 * 1024, 2),
  };

  before(async () => {
    const api = await getApi();
    await disconnectAll(api);
    registry = await startRegistry();
    registryId = await connect(registry);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "cre-transfer-"));
    fs.mkdirSync(path.join(work, "src"));
    for (const [name, bytes] of Object.entries(files)) {
      fs.writeFileSync(path.join(work, "src", name), bytes);
    }
  });

  after(async () => {
    await disconnectAll(await getApi());
    await registry?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("pushes files as an OCI artifact: one titled blob per file, the empty config, a manifest, a tag", async () => {
    const reports: [number, number | undefined][] = [];
    const names = Object.keys(files);
    const result = await command<{ reference: string; digest: string }>("push", {
      registry: registryId,
      repository: "artifacts/files",
      tag: "v1",
      files: names.map((n) => path.join(work, "src", n)),
      onProgress: (done: number, total?: number) => reports.push([done, total]),
    });
    assert.strictEqual(result.reference, `${registry.host}/artifacts/files:v1`);
    const manifestBytes = await getManifestBytes(registry, "artifacts/files", "v1");
    assert.strictEqual(sha256Digest(manifestBytes), result.digest);
    const manifest = JSON.parse(manifestBytes.toString("utf8")) as PushedManifest;
    assert.strictEqual(manifest.mediaType, OCI_MANIFEST);
    assert.strictEqual(manifest.artifactType, "application/vnd.unknown.artifact.v1");
    assert.deepStrictEqual(
      { mediaType: manifest.config.mediaType, digest: manifest.config.digest, size: manifest.config.size },
      { mediaType: "application/vnd.oci.empty.v1+json", digest: sha256Digest("{}"), size: 2 },
    );
    assert.deepStrictEqual(await getBlob(registry, "artifacts/files", manifest.config.digest), Buffer.from("{}"));
    assert.deepStrictEqual(
      manifest.layers.map((l: { annotations: Record<string, string> }) => l.annotations[TITLE]),
      names,
    );
    for (const [i, layer] of manifest.layers.entries()) {
      const original = files[names[i]];
      assert.strictEqual(layer.size, original.length);
      assert.strictEqual(layer.digest, sha256Digest(original));
      assert.ok((await getBlob(registry, "artifacts/files", layer.digest)).equals(original), `${names[i]} byte for byte`);
    }
    const total = Object.values(files).reduce((sum, b) => sum + b.length, 0);
    assert.deepStrictEqual(reports[reports.length - 1], [total, total], "progress ends at the total");
    assert.ok(reports.every(([, t]) => t === total));
  });

  it("pulls the artifact from its tag node: files named by title, identical bytes, verified manifest", async () => {
    const api = await getApi();
    const repo = await child(api, await registryNode(api, registry), "artifacts/files");
    const tag = await child(api, await manifestWithTag(api, repo, "v1"), "v1");
    const destination = path.join(work, "pulled");
    const result = await command<PullResult>("pull", tag, { destination });
    assert.deepStrictEqual(listDir(destination), ["README.txt", "config.json", "manifest.json", "model.bin", "weights.dat"]);
    for (const [name, bytes] of Object.entries(files)) {
      assert.ok(fs.readFileSync(path.join(destination, name)).equals(bytes), `${name} byte for byte`);
    }
    const manifestBytes = await getManifestBytes(registry, "artifacts/files", "v1");
    assert.ok(fs.readFileSync(path.join(destination, "manifest.json")).equals(manifestBytes));
    assert.strictEqual(result.digest, sha256Digest(manifestBytes));
    assert.strictEqual(fs.readFileSync(path.join(destination, "config.json"), "utf8"), "{}");
  });

  it("refuses to replace existing files unless asked to", async () => {
    const destination = path.join(work, "pulled");
    await assert.rejects(
      command("pull", { registry: registryId, repository: "artifacts/files", reference: "v1", destination }),
      /already exist in the destination: .*manifest\.json/,
    );
    fs.writeFileSync(path.join(destination, "model.bin"), "overwritten");
    await command("pull", { registry: registryId, repository: "artifacts/files", reference: "v1", destination, overwrite: true });
    assert.ok(fs.readFileSync(path.join(destination, "model.bin")).equals(files["model.bin"]));
  });

  it("pulls a multi-layer image: layers without titles are named by digest", async () => {
    const layers = [randomBytes(200_000, 3), randomBytes(300_000, 4), Buffer.from("third layer")];
    const image = await pushImage(registry, "images/app", "1.0", { layers });
    const destination = path.join(work, "image");
    const result = await command<PullResult>("pull", { registry: registryId, repository: "images/app", reference: "1.0", destination });
    const expectedNames = image.layerDigests.map((d) => d.replace(":", "-"));
    assert.deepStrictEqual(listDir(destination), ["config.json", "manifest.json", ...expectedNames].sort());
    layers.forEach((bytes, i) => assert.ok(fs.readFileSync(path.join(destination, expectedNames[i])).equals(bytes), `layer ${i}`));
    assert.strictEqual(sha256Digest(fs.readFileSync(path.join(destination, "config.json"))), image.configDigest);
    assert.ok(fs.readFileSync(path.join(destination, "manifest.json")).equals(Buffer.from(image.manifestBytes)));
    assert.deepStrictEqual(
      result.files.map((f) => f.kind),
      ["manifest", "config", "layer", "layer", "layer"],
    );
  });

  it("never writes outside the chosen folder, whatever the titles say", async () => {
    const titles = ["../escape.txt", "sub/dir.txt", "ok.txt", "CON", "..", "C:evil", "trailing.", "/abs.txt"];
    const layers = titles.map((t, i) => Buffer.from(`content ${i} ${t}`));
    const descriptors = [];
    for (const [i, bytes] of layers.entries()) {
      descriptors.push({
        mediaType: OCI_LAYER,
        digest: await pushBlob(registry, "unsafe/titles", bytes),
        size: bytes.length,
        annotations: { [TITLE]: titles[i] },
      });
    }
    const config = Buffer.from("{}");
    await pushBlob(registry, "unsafe/titles", config);
    await pushManifest(
      registry,
      "unsafe/titles",
      "1",
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: "application/x-test",
        config: { mediaType: "application/vnd.oci.empty.v1+json", digest: sha256Digest(config), size: 2 },
        layers: descriptors,
      },
      OCI_MANIFEST,
    );
    const parent = path.join(work, "unsafe-parent");
    const destination = path.join(parent, "into");
    fs.mkdirSync(parent);
    await command("pull", { registry: registryId, repository: "unsafe/titles", reference: "1", destination });
    assert.deepStrictEqual(listDir(parent), ["into"], "nothing next to the folder");
    const expected = titles.map((t, i) => (t === "ok.txt" ? "ok.txt" : sha256Digest(layers[i]).replace(":", "-")));
    assert.deepStrictEqual(listDir(destination), ["config.json", "manifest.json", ...expected].sort());
    titles.forEach((_, i) => assert.ok(fs.readFileSync(path.join(destination, expected[i])).equals(layers[i])));
  });

  it("pulls a blob that several files share into each of them", async () => {
    const empty = Buffer.from("{}");
    const digest = await pushBlob(registry, "shared/blob", empty);
    const layer = (title: string) => ({ mediaType: OCI_LAYER, digest, size: 2, annotations: { [TITLE]: title } });
    await pushManifest(
      registry,
      "shared/blob",
      "1",
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: "application/x-test",
        config: { mediaType: "application/vnd.oci.empty.v1+json", digest, size: 2 },
        layers: [layer("a.json"), layer("b.json")],
      },
      OCI_MANIFEST,
    );
    const destination = path.join(work, "shared");
    const result = await command<PullResult>("pull", { registry: registryId, repository: "shared/blob", reference: "1", destination });
    assert.deepStrictEqual(listDir(destination), ["a.json", "b.json", "config.json", "manifest.json"]);
    for (const name of ["a.json", "b.json", "config.json"]) {
      assert.strictEqual(fs.readFileSync(path.join(destination, name), "utf8"), "{}", name);
    }
    assert.deepStrictEqual(
      result.files.map((f) => [f.name, f.kind]),
      [
        ["manifest.json", "manifest"],
        ["config.json", "config"],
        ["a.json", "layer"],
        ["b.json", "layer"],
      ],
    );
  });

  it("pulls one platform of an index", async () => {
    const { arm } = await pushTwoPlatformIndex(registry, "multi/app", "latest", {
      amd64: [Buffer.from("amd64 layer")],
      arm64: [Buffer.from("arm64 layer")],
    });
    const destination = path.join(work, "arm");
    const result = await command<PullResult>("pull", {
      registry: registryId,
      repository: "multi/app",
      reference: "latest",
      platform: "linux/arm64",
      destination,
    });
    assert.strictEqual(result.digest, arm.manifestDigest);
    assert.ok(fs.readFileSync(path.join(destination, arm.layerDigests[0].replace(":", "-"))).equals(Buffer.from("arm64 layer")));
  });

  it("uploads a file as a blob and downloads it back by digest", async () => {
    const source = path.join(work, "src", "model.bin");
    const uploaded = await command<{ digest: string; sizeInBytes: number }>("uploadBlob", {
      registry: registryId,
      repository: "blobs/only",
      files: [source],
    });
    assert.strictEqual(uploaded.digest, sha256Digest(files["model.bin"]));
    assert.strictEqual(uploaded.sizeInBytes, files["model.bin"].length);
    assert.ok((await getBlob(registry, "blobs/only", uploaded.digest)).equals(files["model.bin"]));
    const destination = path.join(work, "downloaded.bin");
    const downloaded = await command<{ path: string }>("downloadBlob", {
      registry: registryId,
      repository: "blobs/only",
      digest: uploaded.digest,
      destination,
    });
    assert.strictEqual(downloaded.path, destination);
    assert.ok(fs.readFileSync(destination).equals(files["model.bin"]));
  });

  it("cancelling a pull stops it and leaves no file, partial or complete", async () => {
    await pushImage(registry, "big/image", "1", { layers: [Buffer.from("small first"), randomBytes(48 * 1024 * 1024, 5)] });
    const destination = path.join(work, "cancelled-pull");
    fs.mkdirSync(destination);
    const source = new vscode.CancellationTokenSource();
    let reports = 0;
    await assert.rejects(
      command("pull", {
        registry: registryId,
        repository: "big/image",
        reference: "1",
        destination,
        cancellationToken: source.token,
        onProgress: (done: number) => {
          reports++;
          // Cancel in the middle of the big layer.
          if (done > 1024 * 1024) {
            source.cancel();
          }
        },
      }),
      (error: Error) => error instanceof vscode.CancellationError || error.name === "Canceled",
    );
    assert.ok(reports > 0);
    assert.deepStrictEqual(listDir(destination), []);
  });

  it("cancelling a blob download leaves no file", async () => {
    const big = randomBytes(32 * 1024 * 1024, 6);
    const digest = await pushBlob(registry, "big/blob", big);
    const folder = path.join(work, "cancelled-blob");
    fs.mkdirSync(folder);
    const source = new vscode.CancellationTokenSource();
    await assert.rejects(
      command("downloadBlob", {
        registry: registryId,
        repository: "big/blob",
        digest,
        destination: path.join(folder, "blob.bin"),
        cancellationToken: source.token,
        onProgress: (done: number) => done > 1024 * 1024 && source.cancel(),
      }),
      (error: Error) => error.name === "Canceled",
    );
    assert.deepStrictEqual(listDir(folder), []);
  });

  it("keeps no file when a blob does not match its digest", async () => {
    const bytes = randomBytes(100_000, 7);
    const digest = await pushBlob(registry, "tampered/blob", bytes);
    const hex = digest.slice("sha256:".length);
    const stored = path.join(registry.storageDir, "docker", "registry", "v2", "blobs", "sha256", hex.slice(0, 2), hex, "data");
    const tampered = Buffer.from(bytes);
    tampered[500] ^= 0xff;
    fs.writeFileSync(stored, tampered);
    const folder = path.join(work, "tampered");
    fs.mkdirSync(folder);
    await assert.rejects(
      command("downloadBlob", { registry: registryId, repository: "tampered/blob", digest, destination: path.join(folder, "blob.bin") }),
      (error: Error) => error.name === "DigestValidationError",
    );
    assert.deepStrictEqual(listDir(folder), []);
  });

  describe("through a fault-injecting proxy", () => {
    let proxy: FaultProxy;
    let proxiedId: string;
    const UPLOADS = /^\/v2\/resumed\/[a-z]+\/blobs\/uploads\//;

    before(async () => {
      proxy = await startFaultProxy(registry.url);
      const saved = await command<{ id: string }>("connect", { endpoint: proxy.url, anonymous: true });
      proxiedId = saved.id;
    });

    after(async () => {
      if (proxiedId) {
        await command("disconnect", { registry: proxiedId });
      }
      await proxy?.close();
    });

    it("resumes a blob upload and a push whose connection broke midway (the files are reopened, not one-shot streams)", async () => {
      const model = path.join(work, "src", "model.bin");
      proxy.inject({ method: "PATCH", path: UPLOADS, fault: { kind: "resetRequest", afterBytes: 500_000 } });
      const uploaded = await command<{ digest: string; sizeInBytes: number }>("uploadBlob", {
        registry: proxiedId,
        repository: "resumed/blob",
        files: [model],
      });
      assert.strictEqual(proxy.injected, 1, "the upload was cut");
      assert.strictEqual(uploaded.digest, sha256Digest(files["model.bin"]));
      assert.ok((await getBlob(registry, "resumed/blob", uploaded.digest)).equals(files["model.bin"]));

      // A push knows each file's digest, so a blob goes up as one monolithic PUT (no PATCH): cut that.
      proxy.inject({ method: "PUT", path: UPLOADS, fault: { kind: "resetRequest", afterBytes: 500_000 } });
      const names = Object.keys(files);
      const reports: [number, number | undefined][] = [];
      await command("push", {
        registry: proxiedId,
        repository: "resumed/push",
        tag: "v1",
        files: names.map((n) => path.join(work, "src", n)),
        onProgress: (done: number, total?: number) => reports.push([done, total]),
      });
      assert.strictEqual(proxy.injected, 2, "the push was cut");
      const manifest = JSON.parse((await getManifestBytes(registry, "resumed/push", "v1")).toString("utf8")) as PushedManifest;
      for (const [i, layer] of manifest.layers.entries()) {
        assert.strictEqual(layer.size, files[names[i]].length);
        assert.ok((await getBlob(registry, "resumed/push", layer.digest)).equals(files[names[i]]), `${names[i]} byte for byte`);
      }
      const total = Object.values(files).reduce((sum, b) => sum + b.length, 0);
      assert.deepStrictEqual(reports[reports.length - 1], [total, total], "progress ends at the total");
    });

    it("fetches each manifest once: a tag's manifest, and an index then its platform's manifest", async () => {
      await pushImage(registry, "counted/app", "v1", { layers: [Buffer.from("counted layer")] });
      const manifestGets = (): string[] =>
        proxy.requests.filter((r) => r.method === "GET" && r.path.includes("/manifests/")).map((r) => r.path);
      proxy.requests.splice(0);
      const pulled = await command<PullResult>("pull", {
        registry: proxiedId,
        repository: "counted/app",
        reference: "v1",
        destination: path.join(work, "counted-app"),
      });
      assert.deepStrictEqual(manifestGets(), ["/v2/counted/app/manifests/v1"]);
      assert.deepStrictEqual(pulled.files.map((f) => f.name).sort(), [
        "config.json",
        "manifest.json",
        pulled.files.find((f) => f.kind === "layer")!.name,
      ]);

      const { arm } = await pushTwoPlatformIndex(registry, "counted/multi", "latest", {
        amd64: [Buffer.from("amd64 counted")],
        arm64: [Buffer.from("arm64 counted")],
      });
      proxy.requests.splice(0);
      const destination = path.join(work, "counted-arm");
      const result = await command<PullResult>("pull", {
        registry: proxiedId,
        repository: "counted/multi",
        reference: "latest",
        platform: "linux/arm64",
        destination,
      });
      assert.strictEqual(result.digest, arm.manifestDigest);
      assert.deepStrictEqual(manifestGets(), ["/v2/counted/multi/manifests/latest", `/v2/counted/multi/manifests/${arm.manifestDigest}`]);
      assert.ok(fs.readFileSync(path.join(destination, "manifest.json")).equals(Buffer.from(arm.manifestBytes)));
    });

    it("pulls the blobs several at a time: while one layer stalls the others arrive; cancelling then leaves nothing", async () => {
      const small = [Buffer.from("small one"), Buffer.from("small two"), randomBytes(100_000, 8)];
      const image = await pushImage(registry, "parallel/image", "1", { layers: [randomBytes(4 * 1024 * 1024, 9), ...small] });
      const [stalled, ...others] = image.layerDigests;
      proxy.inject({
        method: "GET",
        path: new RegExp(`/blobs/${stalled}$`),
        times: Infinity,
        fault: { kind: "stallResponse", afterBytes: 64 * 1024 },
      });
      const destination = path.join(work, "parallel-pull");
      fs.mkdirSync(destination);
      const source = new vscode.CancellationTokenSource();
      const requested = (digest: string): boolean =>
        proxy.requests.some((r) => r.method === "GET" && r.path.endsWith(`/blobs/${digest}`) && r.status === 200);
      const pulling = command("pull", {
        registry: proxiedId,
        repository: "parallel/image",
        reference: "1",
        destination,
        cancellationToken: source.token,
      });
      const rejected = assert.rejects(pulling, (error: Error) => error instanceof vscode.CancellationError || error.name === "Canceled");
      try {
        const deadline = Date.now() + 15_000;
        while (!(requested(stalled) && others.every(requested) && requested(image.configDigest))) {
          assert.ok(
            Date.now() < deadline,
            `the other blobs were not fetched while ${stalled} stalled: ${proxy.requests.map((r) => `${r.method} ${r.path} ${r.status}`).join("; ")}`,
          );
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        source.cancel();
        await rejected;
        proxy.clear();
      }
      assert.deepStrictEqual(listDir(destination), []);
    });
  });

  it("opens a manifest as a read-only JSON document and copies references", async () => {
    const api = await getApi();
    const repo = await child(api, await registryNode(api, registry), "artifacts/files");
    const manifest = await manifestWithTag(api, repo, "v1");
    const document = await command<vscode.TextDocument>("openManifest", manifest);
    assert.strictEqual(document.uri.scheme, "container-registry-manifest");
    assert.strictEqual(document.languageId, "json");
    const served: unknown = JSON.parse((await getManifestBytes(registry, "artifacts/files", "v1")).toString("utf8"));
    assert.deepStrictEqual(JSON.parse(document.getText()), served);
    const digest = sha256Digest(await getManifestBytes(registry, "artifacts/files", "v1"));
    assert.strictEqual(await command("copyReference", manifest), `${registry.host}/artifacts/files@${digest}`);
    const [tag] = await children(api, manifest);
    assert.strictEqual(item(api, tag).label, "v1");
    assert.strictEqual(await command("copyReference", tag), `${registry.host}/artifacts/files:v1`);
    assert.strictEqual(await command("copyDigest", tag), digest);
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });
});
