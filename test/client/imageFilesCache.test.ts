// The layer cache against a real registry: a second open sends no blob
// request, images share their common layers, least recently used layers go
// first under the cap, concurrent opens share one download, a cancelled
// download leaves no entry, a damaged entry is fetched again, and the cache
// serves what it holds as a read-only blob source.

import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ContainerRegistryClient, type ImageFilesystem, LayerCache, openImageFilesystem } from "../../src/client";
import { startFaultProxy } from "../fixtures/faultProxy";
import { file, pushLayeredImage, rawTar, sha256, tarOfFiles } from "../fixtures/layerBuilder";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { clientFor, readAll } from "./helpers";

/** Blob GETs in the request log lines the client wrote. */
function blobGets(lines: string[]): string[] {
  return lines.filter((line) => line.startsWith("GET ") && line.includes("/blobs/"));
}

function entryDir(cacheDir: string, digest: string): string {
  return path.join(cacheDir, "layers", ...digest.split(":"));
}

function leftoversIn(cacheDir: string): string[] {
  const tmp = path.join(cacheDir, "tmp");
  return fs.existsSync(tmp) ? fs.readdirSync(tmp) : [];
}

describe("image file system: the layer cache (real registry)", function () {
  this.timeout(120_000);
  let registry: RunningRegistry;
  let client: ContainerRegistryClient;
  let root: string;
  const base = tarOfFiles("/usr/share", ["common-licenses"]);

  function logged(): { client: ContainerRegistryClient; lines: string[] } {
    const lines: string[] = [];
    return { client: clientFor(registry, { logRequest: (line) => lines.push(line) }), lines };
  }

  before(async function () {
    registry = await startRegistry();
    client = clientFor(registry);
    root = fs.mkdtempSync(path.join(os.tmpdir(), "image-files-cache-"));
  });

  after(async function () {
    await registry?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("serves a second open from the cache without a blob request, and shares common layers", async function () {
    const cacheDir = path.join(root, "second-open");
    const a = await pushLayeredImage(client, "cache/a", "v1", [{ tar: base }, { tar: rawTar([file("a.txt", "image a\n")]) }]);
    await pushLayeredImage(client, "cache/a", "v2", [{ tar: base }, { tar: rawTar([file("b.txt", "image b\n")]) }]);

    const first = logged();
    const cold = await openImageFilesystem(first.client, "cache/a", "v1", { cacheDir });
    await cold.ready;
    const coldListing = await cold.readDirectory("/common-licenses");
    await cold.close();
    assert.equal(blobGets(first.lines).length, 3, "config and two layers");

    const second = logged();
    const warm = await openImageFilesystem(second.client, "cache/a", "v1", {
      cacheDir,
      onProgress: (event) => assert.notEqual(event.phase, "downloading"),
    });
    await warm.ready;
    assert.deepEqual(blobGets(second.lines), []);
    assert.deepEqual(await warm.readDirectory("/common-licenses"), coldListing);
    assert.equal((await warm.readFile("/a.txt")).toString(), "image a\n");
    assert.ok((await warm.readFile("/common-licenses/GPL-3")).equals(fs.readFileSync("/usr/share/common-licenses/GPL-3")));
    await warm.close();

    const third = logged();
    const sibling = await openImageFilesystem(third.client, "cache/a", "v2", { cacheDir });
    await sibling.ready;
    const requested = blobGets(third.lines);
    assert.equal(requested.length, 2, "its config and its own top layer only");
    assert.ok(!requested.some((line) => line.includes(a.layers[0].digest)), "the shared base layer came from the cache");
    assert.equal((await sibling.readFile("/b.txt")).toString(), "image b\n");
    await sibling.close();
  });

  it("evicts the least recently used layers beyond the cap, never one in use", async function () {
    const cacheDir = path.join(root, "lru");
    const layerOf = (name: string): Buffer => rawTar([file(`${name}.bin`, crypto.randomBytes(200 * 1024))]);
    const images = { a: layerOf("a"), b: layerOf("b"), c: layerOf("c") };
    const pushed: Record<string, string> = {};
    for (const [name, tar] of Object.entries(images)) {
      pushed[name] = (await pushLayeredImage(client, "cache/lru", name, [{ tar, compression: "none" }])).layers[0].digest;
    }
    const cap = Math.floor(images.a.length * 2.5);
    const visit = async (name: string): Promise<void> => {
      const filesystem = await openImageFilesystem(client, "cache/lru", name, { cacheDir, cacheMaxBytes: cap });
      await filesystem.ready;
      assert.equal((await filesystem.readFile(`/${name}.bin`)).length, 200 * 1024);
      await filesystem.close();
    };
    await visit("a");
    await visit("b");
    await visit("a"); // a is now more recent than b
    await visit("c");
    assert.ok(fs.existsSync(entryDir(cacheDir, pushed.a)), "a was used recently and stays");
    assert.ok(!fs.existsSync(entryDir(cacheDir, pushed.b)), "b was the least recently used and went");
    assert.ok(fs.existsSync(entryDir(cacheDir, pushed.c)));
    assert.ok((await LayerCache.forDirectory(cacheDir).sizeInBytes()) <= cap);

    // A layer bigger than the whole cap is kept while it is open, and goes after.
    const tiny = 1024;
    const inUse = await openImageFilesystem(client, "cache/lru", "b", { cacheDir, cacheMaxBytes: tiny });
    await inUse.ready;
    assert.ok(fs.existsSync(entryDir(cacheDir, pushed.b)));
    assert.equal((await inUse.readFile("/b.bin")).length, 200 * 1024);
    await inUse.close();
    assert.ok(!fs.existsSync(entryDir(cacheDir, pushed.b)));
    assert.equal(await LayerCache.forDirectory(cacheDir).sizeInBytes(), 0);
  });

  it("downloads a layer once for two opens at the same time", async function () {
    const cacheDir = path.join(root, "concurrent");
    const pushed = await pushLayeredImage(client, "cache/concurrent", "v1", [{ tar: base }]);
    const both = logged();
    const [one, two] = await Promise.all([
      openImageFilesystem(both.client, "cache/concurrent", "v1", { cacheDir }),
      openImageFilesystem(both.client, "cache/concurrent", "v1", { cacheDir }),
    ]);
    await Promise.all([one.ready, two.ready]);
    assert.equal(blobGets(both.lines).filter((line) => line.includes(pushed.layers[0].digest)).length, 1);
    assert.deepEqual(await one.readDirectory("/common-licenses"), await two.readDirectory("/common-licenses"));
    await one.close();
    await two.close();
  });

  it("leaves no cache entry and no temporary file when a download is cancelled", async function () {
    const cacheDir = path.join(root, "cancel");
    const pushed = await pushLayeredImage(client, "cache/cancel", "v1", [
      { tar: rawTar([file("big.bin", crypto.randomBytes(48 * 1024 * 1024))]), compression: "none" },
    ]);
    const controller = new AbortController();
    const filesystem = await openImageFilesystem(client, "cache/cancel", "v1", {
      cacheDir,
      abortSignal: controller.signal,
      onProgress: (event) => {
        if (event.phase === "downloading") {
          controller.abort();
        }
      },
    });
    await assert.rejects(filesystem.ready, (error: unknown) => (error as Error).name === "AbortError");
    await filesystem.close();
    assert.ok(!fs.existsSync(entryDir(cacheDir, pushed.layers[0].digest)));
    assert.deepEqual(leftoversIn(cacheDir), []);
    await assert.rejects(filesystem.readDirectory("/"), /closed/);
  });

  it("a reader that waited on a download another reader cancelled fetches the layer itself", async function () {
    const cacheDir = path.join(root, "shared-cancel");
    const big = rawTar([file("big.bin", crypto.randomBytes(8 * 1024 * 1024))]);
    const pushed = await pushLayeredImage(client, "cache/shared-cancel", "v1", [{ tar: big, compression: "none" }]);
    // The first reader's download stalls after 1 MiB, so it is surely still in flight when the second joins it.
    const proxy = await startFaultProxy(registry.url);
    try {
      proxy.inject({ method: "GET", path: new RegExp(pushed.layers[0].digest), fault: { kind: "stallResponse", afterBytes: 1024 * 1024 } });
      const controller = new AbortController();
      let second: Promise<ImageFilesystem> | undefined;
      const first = await openImageFilesystem(new ContainerRegistryClient(proxy.url), "cache/shared-cancel", "v1", {
        cacheDir,
        abortSignal: controller.signal,
        onProgress: (event) => {
          if (event.phase === "downloading" && !second) {
            // Once open, the second reader has found the layer being built and waits on it; then the first cancels.
            second = openImageFilesystem(client, "cache/shared-cancel", "v1", { cacheDir });
            void second.then(() => controller.abort());
          }
        },
      });
      await assert.rejects(first.ready, (error: unknown) => (error as Error).name === "AbortError");
      const survivor = await second!;
      await survivor.ready;
      assert.ok((await survivor.readFile("/big.bin")).equals(big.subarray(512, 512 + 8 * 1024 * 1024)));
      assert.ok(fs.existsSync(entryDir(cacheDir, pushed.layers[0].digest)));
      assert.equal(proxy.injected, 1);
      await first.close();
      await survivor.close();
    } finally {
      await proxy.close();
    }
  });

  it("fetches a damaged entry again instead of serving it", async function () {
    const cacheDir = path.join(root, "damaged");
    const pushed = await pushLayeredImage(client, "cache/damaged", "v1", [{ tar: base }]);
    const first = await openImageFilesystem(client, "cache/damaged", "v1", { cacheDir });
    await first.ready;
    await first.close();
    const tarPath = path.join(entryDir(cacheDir, pushed.layers[0].digest), "layer.tar");
    fs.truncateSync(tarPath, 1000);
    const again = logged();
    const second = await openImageFilesystem(again.client, "cache/damaged", "v1", { cacheDir });
    await second.ready;
    assert.equal(blobGets(again.lines).filter((line) => line.includes(pushed.layers[0].digest)).length, 1);
    assert.ok((await second.readFile("/common-licenses/GPL-3")).equals(fs.readFileSync("/usr/share/common-licenses/GPL-3")));
    await second.close();
  });

  it("sweeps builds a dead process left in tmp/, and leaves one that is still being written", async function () {
    const cacheDir = path.join(root, "sweep");
    const stale = path.join(cacheDir, "tmp", "build-dead");
    const busy = path.join(cacheDir, "tmp", "build-busy");
    for (const dir of [stale, busy]) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "layer.tar"), "partial");
    }
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    fs.utimesSync(path.join(stale, "layer.tar"), twoHoursAgo, twoHoursAgo);
    fs.utimesSync(stale, twoHoursAgo, twoHoursAgo);
    // The busy build's folder is old too, but its tar was written a moment ago.
    fs.utimesSync(busy, twoHoursAgo, twoHoursAgo);
    await pushLayeredImage(client, "cache/sweep", "v1", [{ tar: rawTar([file("x", "x\n")]) }]);
    const filesystem = await openImageFilesystem(client, "cache/sweep", "v1", { cacheDir });
    await filesystem.ready;
    await filesystem.close();
    assert.deepEqual(leftoversIn(cacheDir), ["build-busy"]);
  });

  it("is a read-only blob source of what it holds, by the digest of those bytes", async function () {
    const cacheDir = path.join(root, "source");
    const pushed = await pushLayeredImage(client, "cache/source", "v1", [
      { tar: base },
      { tar: rawTar([file("plain", "plain\n")]), compression: "none" },
    ]);
    const filesystem = await openImageFilesystem(client, "cache/source", "v1", { cacheDir });
    await filesystem.ready;
    const cache = LayerCache.forDirectory(cacheDir);
    const [gzipped, plain] = pushed.layers;
    // A gzip layer is held uncompressed: served by its diff_id, not by its (compressed) blob digest.
    assert.equal(await cache.has(gzipped.diffId), true);
    assert.equal(await cache.has(gzipped.digest), false);
    assert.ok((await readAll(await cache.open(gzipped.diffId))).equals(base));
    assert.equal(sha256(await readAll(await cache.open(gzipped.diffId))), gzipped.diffId);
    // An uncompressed layer's blob digest is its diff_id; a ranged open starts at the offset.
    assert.equal(await cache.has(plain.digest), true);
    assert.ok((await readAll(await cache.open(plain.digest, 512))).equals(plain.blob.subarray(512)));
    assert.equal(await cache.has(pushed.configDigest), true);
    assert.equal(await cache.has(`sha256:${"0".repeat(64)}`), false);
    await assert.rejects(cache.open(`sha256:${"0".repeat(64)}`), /no content/);
    // As the library's reopenable source: uploaded from the cache, the registry stores the uncompressed layer under its diff_id.
    const source = await cache.reopenable(gzipped.diffId);
    assert.equal(source?.sizeInBytes, base.length);
    const uploaded = await client.uploadBlob("cache/source-copy", source);
    assert.equal(uploaded.digest, gzipped.diffId);
    assert.ok((await readAll((await client.downloadBlob("cache/source-copy", gzipped.diffId)).content)).equals(base));
    assert.equal(await cache.reopenable(gzipped.digest), undefined);
    await filesystem.close();
  });
});
