// The layer cache: one more content store. Each layer is kept by digest as
// its uncompressed tar plus the index of its entries (path, type, data
// offset), so a file of a cached layer is one ranged read. Entries are
// built in `tmp/` and renamed into `layers/` whole, after the blob's digest
// (and the config's diff_id) checked out: there is never a partial entry,
// and an entry found is trusted without re-reading it (verified once).
// Least recently used entries go when the cache is over its cap; entries an
// open image file system uses are pinned and stay.
//
// As a blob source (`has`, `open`) it serves the bytes it holds, by the
// digest of those bytes: a layer's uncompressed tar by its diff_id (which is
// the blob digest of an uncompressed layer).

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";
import type { ReopenableBlobSource } from "../blobSource";
import { InvalidInputError } from "../errors";
import { deserializeEntry, type LayerEntry, type SerializedEntry, serializeEntry } from "./layerEntry";

/** Read-only access to content by digest: what any content store can offer a reader. */
export interface ReadOnlyBlobSource {
  /** Whether bytes whose digest is `digest` are here. */
  has(digest: string): Promise<boolean>;
  /** Those bytes from `offset` (default 0) to the end; rejects with ENOENT when absent. */
  open(digest: string, offset?: number): Promise<Readable>;
}

export interface CachedLayer {
  digest: string;
  mediaType: string;
  diffId: string;
  tarBytes: number;
  entryCount: number;
  tarPath: string;
}

interface IndexFile extends Omit<CachedLayer, "tarPath"> {
  version: 1;
  entries: SerializedEntry[];
}

export interface LayerBuild {
  tarBytes: number;
  diffId: string;
  entries: LayerEntry[];
}

export const DEFAULT_CACHE_MAX_BYTES = 4 * 1024 * 1024 * 1024;
const INDEX_FILE = "index.json";
const TAR_FILE = "layer.tar";
/** A tmp/ entry older than this was left by a process that died; younger ones may belong to another window. */
const STALE_TMP_MS = 60 * 60 * 1000;

const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

const shared = new Map<string, LayerCache>();

export class LayerCache implements ReadOnlyBlobSource {
  private readonly pins = new Map<string, number>();
  private readonly building = new Map<string, Promise<CachedLayer>>();
  private tmpSwept = false;

  private constructor(
    readonly directory: string,
    public maxBytes: number,
    /** A cache of one image file system's own, removed when it closes. */
    readonly ephemeral: boolean,
  ) {}

  /** The process-wide cache of `directory` (pins and builds in flight are shared by every image that uses it). */
  static forDirectory(directory: string, maxBytes = DEFAULT_CACHE_MAX_BYTES): LayerCache {
    const resolved = path.resolve(directory);
    let cache = shared.get(resolved);
    if (!cache) {
      cache = new LayerCache(resolved, maxBytes, false);
      shared.set(resolved, cache);
    }
    cache.maxBytes = maxBytes;
    return cache;
  }

  /** A private cache in a new temporary folder, for callers that give no cacheDir. */
  static async temporary(): Promise<LayerCache> {
    const directory = await fs.promises.mkdtemp(path.join(os.tmpdir(), "cre-image-files-"));
    return new LayerCache(directory, Number.POSITIVE_INFINITY, true);
  }

  /** The entry for `digest` if it is complete, marking it used now. */
  async lookup(digest: string): Promise<CachedLayer | undefined> {
    return (await this.lookupIndex(digest))?.layer;
  }

  /** lookup, with the entries parsed from the same read of the index. */
  async lookupWithEntries(digest: string): Promise<{ layer: CachedLayer; entries: LayerEntry[] } | undefined> {
    const found = await this.lookupIndex(digest);
    return found && { layer: found.layer, entries: found.index.entries.map(deserializeEntry) };
  }

  private async lookupIndex(digest: string): Promise<{ layer: CachedLayer; index: IndexFile } | undefined> {
    const dir = this.entryDir(digest);
    let index: IndexFile;
    try {
      index = await this.readIndex(dir);
    } catch (error) {
      if (isMissing(error)) {
        return undefined;
      }
      throw error;
    }
    const layer = this.describe(dir, index);
    const tarSize = await fs.promises.stat(layer.tarPath).then(
      (stat) => stat.size,
      () => -1,
    );
    if (index.digest !== digest || tarSize !== index.tarBytes) {
      // Damaged from outside (a disk full, a user's edit): drop it and fetch again.
      await this.removeEntry(digest);
      return undefined;
    }
    const now = new Date();
    await fs.promises.utimes(path.join(dir, INDEX_FILE), now, now).catch(() => undefined);
    return { layer, index };
  }

  async loadEntries(digest: string): Promise<LayerEntry[]> {
    const index = await this.readIndex(this.entryDir(digest));
    return index.entries.map(deserializeEntry);
  }

  /**
   * Builds the entry for `digest` with `produce`, which writes the tar to the
   * path it is given. Concurrent builds of one digest share one download.
   */
  build(digest: string, mediaType: string, produce: (tarPath: string) => Promise<LayerBuild>): Promise<CachedLayer> {
    const inFlight = this.building.get(digest);
    if (inFlight) {
      return inFlight;
    }
    const job = this.buildOnce(digest, mediaType, produce).finally(() => this.building.delete(digest));
    this.building.set(digest, job);
    return job;
  }

  /** Whether `digest` is being built right now (a second reader waits for it instead of downloading). */
  isBuilding(digest: string): boolean {
    return this.building.has(digest);
  }

  pin(digest: string): void {
    this.pins.set(digest, (this.pins.get(digest) ?? 0) + 1);
  }

  unpin(digest: string): void {
    const count = (this.pins.get(digest) ?? 0) - 1;
    if (count > 0) {
      this.pins.set(digest, count);
    } else {
      this.pins.delete(digest);
    }
  }

  /** `length` bytes of the cached tar of `digest` from `offset`. */
  readRange(layer: CachedLayer, offset: number, length: number): Readable {
    if (length === 0) {
      return Readable.from([]);
    }
    return fs.createReadStream(layer.tarPath, { start: offset, end: offset + length - 1 });
  }

  /** A small verified blob kept whole (an image config), or undefined. */
  async readBlob(digest: string): Promise<Buffer | undefined> {
    if (!DIGEST_PATTERN.test(digest)) {
      return undefined;
    }
    return fs.promises.readFile(this.blobPath(digest)).catch(() => undefined);
  }

  /** Keeps a small blob whose digest the caller has verified (downloadBlob's stream did). */
  async writeBlob(digest: string, bytes: Uint8Array): Promise<void> {
    const target = this.blobPath(digest);
    await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const temp = `${target}.${crypto.randomBytes(6).toString("hex")}.tmp`;
    await fs.promises.writeFile(temp, bytes, { mode: 0o600 });
    await fs.promises.rename(temp, target);
  }

  async has(digest: string): Promise<boolean> {
    return (await this.layerHolding(digest)) !== undefined || (await this.smallBlobExists(digest));
  }

  async open(digest: string, offset = 0): Promise<Readable> {
    const layer = await this.layerHolding(digest);
    if (!layer && (await this.smallBlobExists(digest))) {
      return fs.createReadStream(this.blobPath(digest), { start: offset });
    }
    if (!layer) {
      throw Object.assign(new Error(`The layer cache has no content ${digest}`), { code: "ENOENT" });
    }
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > layer.tarBytes) {
      throw new InvalidInputError("offset", String(offset), `must be between 0 and ${layer.tarBytes}`);
    }
    return fs.createReadStream(layer.tarPath, { start: offset });
  }

  /**
   * What it holds for `digest` as the library's ReopenableBlobSource (what
   * uploadBlob and the content stores read), or undefined. Reads go to the
   * cached file, which an open image file system keeps from eviction.
   */
  async reopenable(digest: string): Promise<ReopenableBlobSource | undefined> {
    const layer = await this.layerHolding(digest);
    const file = layer ? layer.tarPath : (await this.smallBlobExists(digest)) ? this.blobPath(digest) : undefined;
    if (!file) {
      return undefined;
    }
    const sizeInBytes = layer ? layer.tarBytes : (await fs.promises.stat(file)).size;
    return { sizeInBytes, digest, open: (offset) => fs.createReadStream(file, { start: offset }) };
  }

  /** Removes least recently used entries until the cache is within its cap; pinned entries stay. */
  async evict(): Promise<void> {
    if (!Number.isFinite(this.maxBytes)) {
      return;
    }
    const entries = await this.listEntries();
    let total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
    for (const entry of entries.sort((a, b) => a.usedMs - b.usedMs)) {
      if (total <= this.maxBytes) {
        break;
      }
      if (this.pins.has(entry.digest) || this.building.has(entry.digest)) {
        continue;
      }
      await this.removeEntry(entry.digest);
      total -= entry.bytes;
    }
  }

  /** Bytes the complete entries take. */
  async sizeInBytes(): Promise<number> {
    return (await this.listEntries()).reduce((sum, entry) => sum + entry.bytes, 0);
  }

  /** Every entry not in use, and the small blobs (the extension's Clear Image File Cache). */
  async clear(): Promise<void> {
    await fs.promises.rm(path.join(this.directory, "blobs"), { recursive: true, force: true });
    await fs.promises.rm(path.join(this.directory, "by-content"), { recursive: true, force: true });
    for (const entry of await this.listEntries()) {
      if (!this.pins.has(entry.digest) && !this.building.has(entry.digest)) {
        await this.removeEntry(entry.digest);
      }
    }
  }

  /** Removes an ephemeral cache's folder. */
  async dispose(): Promise<void> {
    if (this.ephemeral) {
      await fs.promises.rm(this.directory, { recursive: true, force: true });
    }
  }

  private async buildOnce(digest: string, mediaType: string, produce: (tarPath: string) => Promise<LayerBuild>): Promise<CachedLayer> {
    const finalDir = this.entryDir(digest);
    const tmpRoot = path.join(this.directory, "tmp");
    await fs.promises.mkdir(tmpRoot, { recursive: true, mode: 0o700 });
    await this.sweepStaleTmp(tmpRoot);
    const workDir = await fs.promises.mkdtemp(path.join(tmpRoot, "build-"));
    try {
      const built = await produce(path.join(workDir, TAR_FILE));
      const index: IndexFile = {
        version: 1,
        digest,
        mediaType,
        diffId: built.diffId,
        tarBytes: built.tarBytes,
        entryCount: built.entries.length,
        entries: built.entries.map(serializeEntry),
      };
      await writeNew(path.join(workDir, INDEX_FILE), JSON.stringify(index));
      await fs.promises.mkdir(path.dirname(finalDir), { recursive: true, mode: 0o700 });
      try {
        await fs.promises.rename(workDir, finalDir);
      } catch (error) {
        // Another process finished the same layer first: theirs is as good as ours.
        // (Linux says EEXIST or ENOTEMPTY; Windows may say EPERM, so the folder's presence decides.)
        if (
          !isAlreadyThere(error) &&
          !(await fs.promises.stat(finalDir).then(
            (stat) => stat.isDirectory(),
            () => false,
          ))
        ) {
          throw error;
        }
        await fs.promises.rm(workDir, { recursive: true, force: true });
      }
      if (built.diffId !== digest) {
        await this.writeAlias(built.diffId, digest);
      }
      const layer = await this.lookup(digest);
      if (!layer) {
        throw new Error(`The layer cache entry for ${digest} vanished after it was written`);
      }
      return layer;
    } catch (error) {
      await fs.promises.rm(workDir, { recursive: true, force: true });
      throw error;
    }
  }

  private async layerHolding(digest: string): Promise<CachedLayer | undefined> {
    if (!DIGEST_PATTERN.test(digest)) {
      return undefined;
    }
    const direct = await this.lookup(digest);
    if (direct && direct.diffId === digest) {
      return direct;
    }
    const layerDigest = await fs.promises.readFile(this.aliasPath(digest), "utf8").catch(() => undefined);
    if (layerDigest === undefined || !DIGEST_PATTERN.test(layerDigest)) {
      return undefined;
    }
    const layer = await this.lookup(layerDigest);
    return layer && layer.diffId === digest ? layer : undefined;
  }

  private async writeAlias(diffId: string, digest: string): Promise<void> {
    const target = this.aliasPath(diffId);
    await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const temp = `${target}.${crypto.randomBytes(6).toString("hex")}.tmp`;
    await fs.promises.writeFile(temp, digest, { mode: 0o600 });
    await fs.promises.rename(temp, target);
  }

  private async listEntries(): Promise<{ digest: string; bytes: number; usedMs: number }[]> {
    const root = path.join(this.directory, "layers");
    const found: { digest: string; bytes: number; usedMs: number }[] = [];
    for (const algorithm of await readDirOrEmpty(root)) {
      for (const encoded of await readDirOrEmpty(path.join(root, algorithm))) {
        const digest = `${algorithm}:${encoded}`;
        if (!DIGEST_PATTERN.test(digest)) {
          continue;
        }
        const dir = path.join(root, algorithm, encoded);
        try {
          const [index, tarFile] = await Promise.all([
            fs.promises.stat(path.join(dir, INDEX_FILE)),
            fs.promises.stat(path.join(dir, TAR_FILE)),
          ]);
          found.push({ digest, bytes: index.size + tarFile.size, usedMs: index.mtimeMs });
        } catch {
          // Being removed by another process.
        }
      }
    }
    return found;
  }

  private async removeEntry(digest: string): Promise<void> {
    const dir = this.entryDir(digest);
    const tmpRoot = path.join(this.directory, "tmp");
    await fs.promises.mkdir(tmpRoot, { recursive: true, mode: 0o700 });
    // Renamed away first, so no reader ever sees an entry with its index but half its tar.
    const doomed = path.join(tmpRoot, `evict-${crypto.randomBytes(6).toString("hex")}`);
    try {
      await fs.promises.rename(dir, doomed);
    } catch (error) {
      if (isMissing(error)) {
        return;
      }
      throw error;
    }
    await fs.promises.rm(doomed, { recursive: true, force: true });
  }

  private async sweepStaleTmp(tmpRoot: string): Promise<void> {
    if (this.tmpSwept) {
      return;
    }
    this.tmpSwept = true;
    const now = Date.now();
    for (const name of await readDirOrEmpty(tmpRoot)) {
      const full = path.join(tmpRoot, name);
      // A build still being written touches its layer.tar, not its folder: the newest of the two counts.
      const times = await Promise.all(
        [full, path.join(full, TAR_FILE)].map((file) =>
          fs.promises.lstat(file).then(
            (stat) => stat.mtimeMs,
            () => 0,
          ),
        ),
      );
      if (times[0] > 0 && now - Math.max(...times) > STALE_TMP_MS) {
        await fs.promises.rm(full, { recursive: true, force: true });
      }
    }
  }

  private async readIndex(dir: string): Promise<IndexFile> {
    const index = JSON.parse(await fs.promises.readFile(path.join(dir, INDEX_FILE), "utf8")) as IndexFile;
    if (index.version !== 1 || !Array.isArray(index.entries)) {
      throw Object.assign(new Error("unknown cache index version"), { code: "ENOENT" });
    }
    return index;
  }

  private describe(dir: string, index: IndexFile): CachedLayer {
    return {
      digest: index.digest,
      mediaType: index.mediaType,
      diffId: index.diffId,
      tarBytes: index.tarBytes,
      entryCount: index.entryCount,
      tarPath: path.join(dir, TAR_FILE),
    };
  }

  private entryDir(digest: string): string {
    if (!DIGEST_PATTERN.test(digest)) {
      throw new InvalidInputError("digest", digest, "the layer cache keeps sha256 and sha512 digests only");
    }
    const [algorithm, encoded] = digest.split(":");
    return path.join(this.directory, "layers", algorithm, encoded);
  }

  private async smallBlobExists(digest: string): Promise<boolean> {
    return (
      DIGEST_PATTERN.test(digest) &&
      (await fs.promises.stat(this.blobPath(digest)).then(
        (stat) => stat.isFile(),
        () => false,
      ))
    );
  }

  private blobPath(digest: string): string {
    if (!DIGEST_PATTERN.test(digest)) {
      throw new InvalidInputError("digest", digest, "the layer cache keeps sha256 and sha512 digests only");
    }
    const [algorithm, encoded] = digest.split(":");
    return path.join(this.directory, "blobs", algorithm, encoded);
  }

  private aliasPath(digest: string): string {
    const [algorithm, encoded] = digest.split(":");
    return path.join(this.directory, "by-content", algorithm, encoded);
  }
}

/** Written whole before the entry is renamed into place (no fsync: pulls do not either, and lookup checks the tar's size). */
async function writeNew(file: string, content: string): Promise<void> {
  await fs.promises.writeFile(file, content, { flag: "wx", mode: 0o600 });
}

async function readDirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fs.promises.readdir(dir);
  } catch (error) {
    if (isMissing(error)) {
      return [];
    }
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === "ENOENT" || code === "ENOTDIR" || error instanceof SyntaxError;
}

function isAlreadyThere(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === "EEXIST" || code === "ENOTEMPTY";
}
