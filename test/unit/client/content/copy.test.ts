// The copy routine (src/client/content/copy.ts) between in-memory stores:
// the walk, what is skipped, how many blobs move at once, descriptor
// validation, and that a failed or cancelled copy leaves no tag. The real
// stores are tested against a real registry in test/client/.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";
import {
  type BlobTransferEvent,
  type ContentSource,
  copyContent,
  DigestValidationError,
  InvalidDescriptorError,
  InvalidInputError,
  MediaTypes,
  type OciDescriptor,
  OciLayoutStore,
} from "../../../../src/client";
import { descriptorOf, MemoryStore } from "./memoryStore";

const LAYER = "application/vnd.oci.image.layer.v1.tar";

function image(store: MemoryStore, layers: Buffer[], tag?: string, config = Buffer.from("{}")) {
  store.addBlob(config);
  for (const layer of layers) {
    store.addBlob(layer);
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.OCI_MANIFEST,
    config: descriptorOf(config, MediaTypes.OCI_IMAGE_CONFIG),
    layers: layers.map((layer) => descriptorOf(layer, LAYER)),
  };
  return { ...store.addManifest(manifest, tag), manifest };
}

function bytes(size: number, fill: number): Buffer {
  return Buffer.alloc(size, fill);
}

describe("copyContent", function () {
  it("copies an image: blobs first, then the manifest under its tag, progress to the total", async function () {
    const source = new MemoryStore();
    const target = new MemoryStore();
    const { descriptor } = image(source, [bytes(10, 1), bytes(300, 2), bytes(20, 3)], "v1");
    const progress: number[] = [];
    const events: BlobTransferEvent[] = [];
    const result = await copyContent(source, target, "v1", {
      tag: "v1",
      onProgress: (p) => progress.push(p.transferredBytes),
      onBlob: (e) => events.push(e),
    });
    assert.equal(result.root.digest, descriptor.digest);
    assert.equal(target.tags.get("v1"), descriptor.digest);
    assert.deepEqual([...target.blobs.keys()].sort(), [...source.blobs.keys()].sort());
    for (const [digest, content] of source.blobs) {
      assert.ok(target.blobs.get(digest)!.equals(content));
    }
    // The manifest is the last thing stored, and it carries the tag.
    assert.equal(target.log.at(-1), `pushManifest ${descriptor.digest} root tag v1`);
    assert.equal(target.log.filter((l) => l.startsWith("pushManifest")).length, 1);
    assert.equal(progress.at(-1), 2 + 10 + 300 + 20);
    assert.equal(result.transferredBytes, 332);
    assert.deepEqual(
      events.map((e) => e.outcome),
      ["uploaded", "uploaded", "uploaded", "uploaded"],
    );
    // Largest first.
    assert.deepEqual(events.map((e) => e.size).slice(0, 1), [300]);
  });

  it("walks an index: each platform's blobs, the platform manifests, then the index last", async function () {
    const source = new MemoryStore();
    const target = new MemoryStore();
    const amd = image(source, [bytes(5, 7)], undefined, Buffer.from('{"architecture":"amd64"}'));
    const arm = image(source, [bytes(6, 8)], undefined, Buffer.from('{"architecture":"arm64"}'));
    const index = source.addManifest(
      {
        schemaVersion: 2,
        mediaType: MediaTypes.OCI_INDEX,
        manifests: [
          { ...amd.descriptor, platform: { os: "linux", architecture: "amd64" } },
          { ...arm.descriptor, platform: { os: "linux", architecture: "arm64" } },
        ],
      },
      "multi",
    );
    const result = await copyContent(source, target, "multi", { tag: "multi" });
    assert.deepEqual(
      result.manifests.map((m) => m.digest),
      [amd.descriptor.digest, arm.descriptor.digest, index.descriptor.digest],
    );
    const pushes = target.log.filter((l) => l.startsWith("pushManifest"));
    assert.deepEqual(pushes, [
      `pushManifest ${amd.descriptor.digest}`,
      `pushManifest ${arm.descriptor.digest}`,
      `pushManifest ${index.descriptor.digest} root tag multi`,
    ]);
    const firstManifest = target.log.findIndex((l) => l.startsWith("pushManifest"));
    assert.ok(
      target.log.slice(firstManifest).every((l) => l.startsWith("pushManifest")),
      "a blob moved after a manifest",
    );
    assert.equal(target.blobs.size, 4);
  });

  it("does not fetch a manifest it was given, and fetches each child manifest once", async function () {
    const source = new MemoryStore();
    const { descriptor, content } = image(source, [bytes(3, 1)]);
    await copyContent(source, new MemoryStore(), { descriptor, content });
    assert.deepEqual(
      source.log.filter((l) => l.startsWith("resolve") || l.startsWith("fetchManifest")),
      [],
    );
  });

  it("refuses a manifest handed in whose bytes do not match its digest, before any blob moves", async function () {
    const source = new MemoryStore();
    const target = new MemoryStore();
    const { descriptor, content } = image(source, [bytes(3, 1)]);
    const forged = Buffer.from(content.toString().replace('"size":3', '"size":4'));
    await assert.rejects(
      copyContent(source, target, { descriptor: { ...descriptor, size: forged.length }, content: forged }),
      DigestValidationError,
    );
    assert.equal(target.blobs.size, 0);
  });

  it("skips the blobs the target has without reading them, and reports them", async function () {
    const source = new MemoryStore();
    const target = new MemoryStore();
    const shared = bytes(50, 4);
    image(source, [shared, bytes(60, 5)], "v1");
    target.addBlob(shared);
    const events: BlobTransferEvent[] = [];
    const progress: number[] = [];
    const result = await copyContent(source, target, "v1", {
      onBlob: (e) => events.push(e),
      onProgress: (p) => progress.push(p.transferredBytes),
    });
    assert.deepEqual(events.map((e) => e.outcome).sort(), ["existing", "uploaded", "uploaded"]);
    assert.ok(!source.log.some((l) => l.startsWith(`openBlob ${descriptorOf(shared, LAYER).digest}`)), "a blob the target has was read");
    assert.equal(result.transferredBytes, 62);
    assert.equal(progress.at(-1), 112);
  });

  it("offers mounts to the target", async function () {
    const source = new MemoryStore();
    const target = new MemoryStore();
    target.canMount = true;
    image(source, [bytes(9, 9)], "v1");
    const result = await copyContent(source, target, "v1", { mountFrom: ["other/repo"] });
    assert.deepEqual(
      result.blobs.map((b) => b.outcome),
      ["mounted", "mounted"],
    );
    assert.ok(target.log.includes(`mount ${descriptorOf(bytes(9, 9), LAYER).digest} from other/repo`));
    assert.equal(result.transferredBytes, 0);
  });

  it("keeps at most `concurrency` blobs in flight (4 by default)", async function () {
    for (const [concurrency, expected] of [
      [undefined, 4],
      [2, 2],
      [1, 1],
    ] as const) {
      const source = new MemoryStore();
      const target = new MemoryStore();
      target.pushDelayMs = 15;
      image(
        source,
        Array.from({ length: 9 }, (_, i) => bytes(100 + i, i)),
        "v1",
      );
      await copyContent(source, target, "v1", { concurrency });
      assert.equal(target.maxInFlight, expected, `concurrency ${concurrency}`);
    }
  });

  it("refuses a concurrency outside 1..32, and referrers from a source that cannot list them, before anything is read", async function () {
    const source = new MemoryStore();
    image(source, [bytes(1, 1)], "v1");
    for (const concurrency of [0, 33, 1.5]) {
      await assert.rejects(
        copyContent(source, new MemoryStore(), "v1", { concurrency }),
        (e: unknown) => e instanceof InvalidInputError && e.field === "concurrency",
      );
    }
    await assert.rejects(
      copyContent(source, new MemoryStore(), "v1", { referrers: true }),
      (e: unknown) => e instanceof InvalidInputError && e.field === "referrers",
    );
    assert.deepEqual(source.log, []);
  });

  const BAD_DESCRIPTORS: [string, (layer: OciDescriptor) => unknown, string][] = [
    ["a negative size", (l) => ({ ...l, size: -1 }), "layers[1].size"],
    ["a fractional size", (l) => ({ ...l, size: 1.5 }), "layers[1].size"],
    ["a size past 2^53", (l) => ({ ...l, size: 2 ** 53 }), "layers[1].size"],
    ["a size that is a string", (l) => ({ ...l, size: "10" }), "layers[1].size"],
    ["no size", (l) => ({ mediaType: l.mediaType, digest: l.digest }), "layers[1].size"],
    ["a digest with a bad algorithm", (l) => ({ ...l, digest: "md5:00" }), "layers[1].digest"],
    ["a digest with a path in it", (l) => ({ ...l, digest: "sha256:../../etc/passwd" }), "layers[1].digest"],
    ["no digest", (l) => ({ mediaType: l.mediaType, size: l.size }), "layers[1].digest"],
    ["a descriptor that is a string", () => "sha256:abc", "layers[1]"],
  ];
  for (const [what, spoil, field] of BAD_DESCRIPTORS) {
    it(`refuses a manifest with ${what}, naming ${field}, before any blob moves`, async function () {
      const source = new MemoryStore();
      const target = new MemoryStore();
      const good = image(source, [bytes(4, 1), bytes(5, 2)]);
      const layers = [good.manifest.layers[0], spoil(good.manifest.layers[1])];
      const bad = source.addManifest({ ...good.manifest, layers }, "bad");
      await assert.rejects(
        copyContent(source, target, "bad", { tag: "bad" }),
        (e: unknown) => e instanceof InvalidDescriptorError && e.field === field && e.manifest === bad.descriptor.digest,
      );
      assert.equal(target.blobs.size, 0);
      assert.equal(target.tags.size, 0);
    });
  }

  it("refuses a child manifest whose bytes do not have the size its index gives", async function () {
    const source = new MemoryStore();
    const child = image(source, [bytes(3, 3)]);
    source.addManifest(
      { schemaVersion: 2, mediaType: MediaTypes.OCI_INDEX, manifests: [{ ...child.descriptor, size: child.descriptor.size + 1 }] },
      "i",
    );
    await assert.rejects(
      copyContent(source, new MemoryStore(), "i"),
      (e: unknown) => e instanceof InvalidDescriptorError && e.field === "manifests[0].size",
    );
  });

  it("leaves no tag and no manifest when a blob fails, and lets the target drop what it staged", async function () {
    const source = new MemoryStore();
    const target = new MemoryStore();
    const layers = [bytes(10, 1), bytes(20, 2), bytes(30, 3)];
    image(source, layers, "v1");
    target.failing.add(descriptorOf(layers[1], LAYER).digest);
    await assert.rejects(copyContent(source, target, "v1", { tag: "v1" }), /failed/);
    assert.equal(target.tags.size, 0);
    assert.equal(target.manifests.size, 0);
    assert.equal(target.abandoned, 1);
  });

  it("stops when cancelled: AbortError, no tag, nothing started after the cancel", async function () {
    const source = new MemoryStore();
    const target = new MemoryStore();
    target.pushDelayMs = 20;
    image(
      source,
      Array.from({ length: 8 }, (_, i) => bytes(10 + i, i)),
      "v1",
    );
    const controller = new AbortController();
    const copying = copyContent(source, target, "v1", { tag: "v1", concurrency: 2, abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await assert.rejects(copying, (e: Error) => e.name === "AbortError");
    assert.equal(target.tags.size, 0);
    assert.ok(target.log.filter((l) => l.startsWith("pushBlob")).length <= 2, target.log.join("; "));
  });

  describe("into an OCI layout (the verified files of layout/)", function () {
    let dir: string;
    beforeEach(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "cre-copy-unit-"));
    });
    afterEach(function () {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("never reads a blob past its descriptor's size: a source that sends more fails, and no file is left", async function () {
      const source = new MemoryStore();
      const layer = bytes(1000, 6);
      const { manifest } = image(source, [layer], "v1");
      // The source's bytes for the layer (and only the layer: the config's would race it) run on past its size.
      const lying: ContentSource = Object.assign(Object.create(source) as MemoryStore, {
        openBlob: (d: OciDescriptor) => ({
          sizeInBytes: d.size,
          open: () =>
            Readable.from([
              Buffer.concat([source.blobs.get(d.digest)!, Buffer.from(d.digest === manifest.layers[0].digest ? "more" : "")]),
            ]),
        }),
      });
      const layout = new OciLayoutStore(dir);
      await assert.rejects(
        copyContent(lying, layout, "v1", { tag: "v1" }),
        (e: unknown) => e instanceof DigestValidationError && /more than 1000 bytes/.test((e as Error).message),
      );
      const blobDir = path.join(dir, "blobs", "sha256");
      assert.ok(!fs.readdirSync(blobDir).includes(manifest.layers[0].digest.slice(7)));
      assert.deepEqual(
        fs.readdirSync(blobDir).filter((f) => f.includes("partial")),
        [],
      );
      assert.equal(fs.existsSync(path.join(dir, "index.json")), false);
    });

    it("writes every blob and the manifest, then index.json naming the tag; a second copy finds every blob there", async function () {
      const source = new MemoryStore();
      const { descriptor } = image(source, [bytes(100, 1), bytes(200, 2)], "v1");
      await copyContent(source, new OciLayoutStore(dir), "v1", { tag: "v1" });
      const index = JSON.parse(fs.readFileSync(path.join(dir, "index.json"), "utf8")) as { manifests: OciDescriptor[] };
      assert.equal(index.manifests[0].digest, descriptor.digest);
      assert.equal(index.manifests[0].annotations?.["org.opencontainers.image.ref.name"], "v1");
      const again = await copyContent(source, new OciLayoutStore(dir), "v1", { tag: "v1" });
      assert.deepEqual(
        again.blobs.map((b) => b.outcome),
        ["existing", "existing", "existing"],
      );
      // And the layout reads back as a source.
      const back = new MemoryStore();
      await copyContent(new OciLayoutStore(dir), back, "v1", { tag: "v1" });
      assert.deepEqual([...back.blobs.keys()].sort(), [...source.blobs.keys()].sort());
    });
  });
});
