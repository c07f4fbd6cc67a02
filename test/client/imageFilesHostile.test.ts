// Hostile layers against the image file system, each pushed to the real
// registry: traversal names, NUL bytes, negative and enormous sizes,
// long-name records that never end, a gzip bomb, huge zstd windows,
// truncated and corrupt streams, bytes that do not match the digest or the
// diff_id. Each gives a typed error in bounded time, leaves no cache entry
// and no temporary file, and nothing is written outside the cache folder.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import {
  type ContainerRegistryClient,
  CorruptLayerError,
  DigestValidationError,
  ImageContentError,
  LayerTooLargeError,
  openImageFilesystem,
  type OpenImageFilesystemOptions,
  UnsafeLayerEntryError,
} from "../../src/client";
import {
  type Compression,
  compress,
  dir,
  file,
  gzip,
  hardlink,
  pushLayeredImage,
  rawTar,
  type RawTarEntry,
  sha256,
  tarHeader,
  type TestLayer,
} from "../fixtures/layerBuilder";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { blobDataPath, clientFor } from "./helpers";

const MiB = 1024 * 1024;

function octalField(value: number): Buffer {
  return Buffer.from(value.toString(8).padStart(11, "0") + "\0", "ascii");
}

/** Base-256 size fields (GNU tar's encoding for sizes over 8 GiB; 0xff starts a negative one). */
const NEGATIVE_SIZE = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]);
const ONE_TIB_SIZE = Buffer.from([0x80, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);

describe("image file system: hostile layers (real registry)", function () {
  this.timeout(120_000);
  let registry: RunningRegistry;
  let client: ContainerRegistryClient;
  let root: string;
  let count = 0;

  before(async function () {
    registry = await startRegistry();
    client = clientFor(registry);
  });

  beforeEach(function () {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "image-files-hostile-"));
  });

  afterEach(function () {
    fs.rmSync(root, { recursive: true, force: true });
  });

  after(async function () {
    await registry?.stop();
  });

  /**
   * Pushes one image of `layers` (a good base first), opens it, and returns
   * the error `ready` failed with, after checking that nothing was left.
   */
  async function failureOf(
    layers: TestLayer[],
    options: OpenImageFilesystemOptions = {},
    pushOptions: Parameters<typeof pushLayeredImage>[4] = {},
  ): Promise<Error> {
    const repository = `hostile/case-${++count}`;
    const pushed = await pushLayeredImage(
      client,
      repository,
      "v1",
      [{ tar: rawTar([file("base.txt", "a good base layer\n")]) }, ...layers],
      pushOptions,
    );
    const cacheDir = path.join(root, "cache");
    const started = Date.now();
    const filesystem = await openImageFilesystem(client, repository, "v1", { cacheDir, ...options });
    const error = await filesystem.ready.then(
      () => assert.fail("the image should not open"),
      (failure: Error) => failure,
    );
    assert.ok(Date.now() - started < 60_000, "failed in bounded time (generous: the machine is shared)");
    await assert.rejects(filesystem.readDirectory("/"), (again: unknown) => again === error);
    await filesystem.close();
    for (const layer of pushed.layers.slice(1)) {
      assert.ok(!fs.existsSync(path.join(cacheDir, "layers", ...layer.digest.split(":"))), "no entry for the bad layer");
    }
    assert.deepEqual(
      fs.existsSync(path.join(cacheDir, "tmp")) ? fs.readdirSync(path.join(cacheDir, "tmp")) : [],
      [],
      "no temporary file left",
    );
    assert.deepEqual(fs.readdirSync(root), ["cache"], "nothing written beside the cache folder");
    return error;
  }

  const one = (entries: RawTarEntry[], compression: Compression = "gzip"): TestLayer[] => [{ tar: rawTar(entries), compression }];

  it("refuses an entry that climbs out with '..', and writes nothing there", async function () {
    const error = await failureOf(one([dir("etc"), file("../../../../escaped-file", "escaped\n")]));
    assert.ok(error instanceof UnsafeLayerEntryError, String(error));
    assert.match(error.message, /climbs out/);
    assert.equal(error.entryPath, JSON.stringify("../../../../escaped-file"));
    assert.ok(!fs.existsSync(path.join(root, "escaped-file")) && !fs.existsSync(path.join(os.tmpdir(), "escaped-file")));
  });

  it("refuses '..' in the middle of a name and in a hard link's target", async function () {
    assert.ok((await failureOf(one([file("a/b/../../../x", "x")]))) instanceof UnsafeLayerEntryError);
    assert.ok((await failureOf(one([file("a", "a"), hardlink("link", "../../etc/shadow")]))) instanceof UnsafeLayerEntryError);
  });

  it("refuses a NUL byte in a pax path and in a link target, naming it printably", async function () {
    const error = await failureOf(one([{ name: "placeholder", content: Buffer.from("x"), pax: { path: "etc/pass\0wd" } }]));
    assert.ok(error instanceof UnsafeLayerEntryError);
    assert.match(error.message, /NUL/);
    assert.ok(error.entryPath?.includes("\\u0000"));
    assert.ok((await failureOf(one([{ name: "link", type: "2", pax: { linkpath: "/etc/\0" } }]))) instanceof UnsafeLayerEntryError);
  });

  it("refuses names over PATH_MAX and whiteouts that name nothing", async function () {
    assert.ok((await failureOf(one([file("d/".repeat(2100) + "f", "long")]))) instanceof UnsafeLayerEntryError);
    assert.ok((await failureOf(one([file("etc/.wh.", "")]))) instanceof UnsafeLayerEntryError);
    assert.ok((await failureOf(one([file("etc/.wh...", "")]))) instanceof UnsafeLayerEntryError);
  });

  it("refuses a negative size", async function () {
    const error = await failureOf(one([{ name: "negative", sizeField: NEGATIVE_SIZE, content: Buffer.alloc(512) }]));
    assert.ok(error instanceof CorruptLayerError, String(error));
  });

  it("refuses an entry declaring 1 TiB before reading it", async function () {
    const error = await failureOf(one([{ name: "enormous", sizeField: ONE_TIB_SIZE, content: Buffer.alloc(512) }]));
    assert.ok(error instanceof LayerTooLargeError, String(error));
    assert.equal(error.limitBytes, 16 * 1024 * MiB);
    assert.match(error.message, /enormous/);
  });

  it("refuses a pax or GNU long-name record that declares 64 MiB", async function () {
    const pax = await failureOf(one([{ name: "PaxHeader", type: "x", sizeField: octalField(64 * MiB) }, file("x", "x")]));
    assert.ok(pax instanceof CorruptLayerError, String(pax));
    assert.match(pax.message, /Header exceeds max size/);
    const gnu = await failureOf(one([{ name: "././@LongLink", type: "L", sizeField: octalField(64 * MiB) }, file("x", "x")]));
    assert.ok(gnu instanceof CorruptLayerError, String(gnu));
  });

  it("stops a chain of long-name records that never reaches an entry at the expansion limit", async function () {
    const longName = { name: "././@LongLink", type: "L", content: Buffer.alloc(1000, "n") };
    const record = Buffer.concat([tarHeader(longName, 1000), Buffer.alloc(1000, "n"), Buffer.alloc(24)]);
    const chain = Buffer.concat(Array.from({ length: 40_000 }, () => record));
    const blob = gzip(chain);
    assert.ok(blob.length < 1 * MiB, `a small blob (${blob.length} bytes)`);
    const error = await failureOf([{ tar: chain, blobOverride: blob }], { maxLayerBytes: 16 * MiB });
    assert.ok(error instanceof LayerTooLargeError, String(error));
  });

  it("stops a gzip bomb at the expansion limit", async function () {
    // Files each under the limit, so only the running count of expanded bytes can stop it.
    const zeros = Buffer.alloc(8 * MiB);
    const bombTar = rawTar(Array.from({ length: 32 }, (_, i) => file(`zeros-${i}`, zeros)));
    const bomb = zlib.gzipSync(bombTar, { level: 9 });
    assert.ok(bomb.length < 300 * 1024, `a few hundred KiB at most (${bomb.length} bytes)`);
    const started = Date.now();
    const error = await failureOf([{ tar: bombTar, blobOverride: bomb }], { maxLayerBytes: 32 * MiB });
    assert.ok(error instanceof LayerTooLargeError, String(error));
    assert.equal(error.limitBytes, 32 * MiB);
    assert.match(error.message, /expands to more than/);
    assert.ok(Date.now() - started < 30_000, "the bomb stopped at the limit rather than inflating 256 MiB");
  });

  it("refuses a zstd frame that asks for a 2 GiB window", async function () {
    // Magic, frame header descriptor 0 (window descriptor follows), exponent 21: a 2^31-byte window.
    const frame = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 21 << 3]), Buffer.alloc(64)]);
    // Refused before any window is allocated: by our check ahead of fzstd (Node 20), or by Node's own zstd (22.15+).
    const error = await failureOf([{ tar: Buffer.alloc(0), compression: "zstd", blobOverride: frame }]);
    assert.ok(error instanceof LayerTooLargeError, String(error));
    assert.equal(error.limitBytes, 128 * MiB);
  });

  it("refuses truncated and corrupt gzip, zstd and tar streams", async function () {
    const tar = rawTar([file("a.txt", "a".repeat(100_000)), file("b.txt", "b".repeat(100_000))]);
    const gz = compress(tar, "gzip");
    const zst = compress(tar, "zstd");
    const flipped = Buffer.from(gz);
    flipped.fill(0x55, 100, 140);
    const badChecksum = Buffer.from(tar);
    badChecksum[0] ^= 0x01;
    const cases: [string, TestLayer][] = [
      ["truncated gzip", { tar, compression: "gzip", blobOverride: gz.subarray(0, gz.length >> 1) }],
      ["corrupt gzip", { tar, compression: "gzip", blobOverride: flipped }],
      ["truncated zstd", { tar, compression: "zstd", blobOverride: zst.subarray(0, zst.length >> 1) }],
      ["tar with a bad header checksum", { tar, compression: "none", blobOverride: badChecksum }],
      ["tar cut inside an entry", { tar, compression: "none", blobOverride: tar.subarray(0, 50_000) }],
      ["not a tar at all", { tar, compression: "none", blobOverride: Buffer.from("<html>not a layer</html>".repeat(40)) }],
    ];
    for (const [what, layer] of cases) {
      const error = await failureOf([layer]);
      assert.ok(error instanceof CorruptLayerError, `${what}: ${String(error)}`);
      assert.ok(error instanceof ImageContentError);
    }
  });

  it("refuses a layer whose bytes in the registry no longer match its digest", async function () {
    const repository = `hostile/case-${++count}`;
    const tar = rawTar([file("real.txt", "the real content\n")]);
    const pushed = await pushLayeredImage(client, repository, "v1", [{ tar, compression: "none" }]);
    // Same length, other bytes: only the digest check can tell.
    const stored = blobDataPath(registry, pushed.layers[0].digest);
    const tampered = Buffer.from(fs.readFileSync(stored));
    tampered.write("the fake content", 512);
    fs.writeFileSync(stored, tampered);
    const cacheDir = path.join(root, "cache");
    const filesystem = await openImageFilesystem(client, repository, "v1", { cacheDir });
    const error = await filesystem.ready.then(
      () => assert.fail("should not open"),
      (failure: Error) => failure,
    );
    await filesystem.close();
    assert.ok(error instanceof DigestValidationError, String(error));
    assert.equal(error.expectedDigest, pushed.layers[0].digest);
    assert.ok(!fs.existsSync(path.join(cacheDir, "layers", ...pushed.layers[0].digest.split(":"))));
    assert.deepEqual(fs.readdirSync(path.join(cacheDir, "tmp")), []);
  });

  it("refuses a layer whose uncompressed bytes do not match the config's diff_id", async function () {
    const wrong = `sha256:${"ab".repeat(32)}`;
    const layers = [{ tar: rawTar([file("base.txt", "a good base layer\n")]) }, { tar: rawTar([file("x", "x")]) }];
    const error = await failureOf(layers.slice(1), {}, { diffIds: [sha256(layers[0].tar), wrong] });
    assert.ok(error instanceof DigestValidationError, String(error));
    assert.equal(error.expectedDigest, wrong);
    assert.match(error.message, /diff_ids/);
  });

  it("refuses a gzip layer of several MiB whose uncompressed bytes do not match the diff_id", async function () {
    // Several of the inflater's 1 MiB chunks and write batches: the hash covers all of them, not only the first.
    const wrong = `sha256:${"cd".repeat(32)}`;
    const big = Buffer.alloc(5 * MiB + 123, "several MiB of one layer\n");
    const layers: TestLayer[] = [
      { tar: rawTar([file("base.txt", "a good base layer\n")]) },
      { tar: rawTar([file("big.txt", big)]), compression: "gzip" },
    ];
    const error = await failureOf(layers.slice(1), {}, { diffIds: [sha256(layers[0].tar), wrong] });
    assert.ok(error instanceof DigestValidationError, String(error));
    assert.equal(error.expectedDigest, wrong);
    assert.equal(error.actualDigest, sha256(layers[1].tar));
    assert.match(error.message, /diff_ids/);
  });

  it("refuses a layer whose names add up to more than the limit", async function () {
    const entries = Array.from({ length: 50 }, (_, i) => file(`${"n".repeat(3000)}/${i}`, ""));
    const error = await failureOf(one(entries), { maxNameBytesPerLayer: 64 * 1024 });
    assert.ok(error instanceof LayerTooLargeError, String(error));
    assert.equal(error.limitBytes, 64 * 1024);
    assert.match(error.message, /bytes of entry names/);
  });

  it("refuses a layer with more entries than the limit", async function () {
    const entries = Array.from({ length: 300 }, (_, i) => file(`f${i}`, ""));
    const error = await failureOf(one(entries), { maxEntriesPerLayer: 200 });
    assert.ok(error instanceof LayerTooLargeError, String(error));
    assert.equal(error.limitBytes, 200);
  });
});
