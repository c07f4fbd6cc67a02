// A read-only view of an image's file system. Layers are fetched (or found
// in the cache) several at once, and merged strictly in order, entry by
// entry as they stream: the listing of layer 0 is there while later layers
// are still arriving (`partial` reads), and the complete view once `ready`
// resolves.

import { AbortError } from "@azure/abort-controller";
import { Readable } from "node:stream";
import { forEachWithConcurrency } from "../concurrency";
import { ImageContentError } from "./errors";
import { ImageTree, newDirectory, type TreeNode, type ChangeRecorder } from "./imageTree";
import type { CachedLayer, LayerCache } from "./layerCache";
import type { LayerEntry } from "./layerEntry";
import type {
  ImageDirectoryEntry,
  ImageFileStat,
  ImageFilesystemProgress,
  ImageLayer,
  ImagePlatform,
  LayerChangeEntry,
  ReadFileOptions,
  ReadOptions,
} from "./models";
import { TreeReader } from "./treeReader";
import { wastedSpace, type WastedSpaceSummary } from "./wastedSpace";

/**
 * Fetches layer `index` into the cache, calling `onEntry` for entries as they
 * stream; when it did not stream (a cache hit, or another reader's download)
 * it returns the entries, or leaves them to be read from the cache.
 */
export type LayerFetcher = (
  index: number,
  onEntry: (entry: LayerEntry) => void,
  signal: AbortSignal,
) => Promise<{ layer: CachedLayer; streamed: boolean; entries?: LayerEntry[] }>;

export interface ImageFilesystemInit {
  repository: string;
  digest: string;
  indexDigest?: string;
  platform?: ImagePlatform;
  layers: ImageLayer[];
  /** The last layer merged (upToLayer), an index into `layers`. */
  lastLayer: number;
  config: Readonly<Record<string, unknown>>;
  cache: LayerCache;
  fetchLayer: LayerFetcher;
  concurrency: number;
  onProgress?: (progress: ImageFilesystemProgress) => void;
}

export class ImageFilesystem {
  readonly repository: string;
  /** The image manifest's digest (the platform's, for an index). */
  readonly digest: string;
  /** The index's digest when the reference named one. */
  readonly indexDigest?: string;
  readonly platform?: ImagePlatform;
  /** Every layer of the manifest, base first. */
  readonly layers: readonly ImageLayer[];
  /** The last layer in this view (`layers.length - 1` unless `upToLayer` was given). */
  readonly upToLayer: number;
  /** The image config as parsed (image-spec config.md). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Resolves when every layer up to `upToLayer` is merged; rejects with the first failure. */
  readonly ready: Promise<void>;

  private readonly tree = new ImageTree();
  private readonly reader: TreeReader;
  private readonly cache: LayerCache;
  private readonly cached: (CachedLayer | undefined)[];
  private readonly pending: LayerEntry[][];
  private readonly applied: number[];
  private readonly fetched: boolean[];
  private readonly controller = new AbortController();
  private nextToMerge = 0;
  /** The first failure, boxed: what was thrown is passed on as it was, whatever it is. */
  private failure: { error: unknown } | undefined;
  private closed = false;
  private readonly init: ImageFilesystemInit;

  constructor(init: ImageFilesystemInit) {
    this.init = init;
    this.repository = init.repository;
    this.digest = init.digest;
    this.indexDigest = init.indexDigest;
    this.platform = init.platform;
    this.layers = init.layers;
    this.upToLayer = init.lastLayer;
    this.config = init.config;
    this.cache = init.cache;
    const count = init.lastLayer + 1;
    this.cached = new Array<CachedLayer | undefined>(count).fill(undefined);
    this.pending = Array.from({ length: count }, () => []);
    this.applied = new Array<number>(count).fill(0);
    this.fetched = new Array<boolean>(count).fill(false);
    this.reader = new TreeReader(this.tree, this.layers, (layerIndex, offset, size) => this.readRange(layerIndex, offset, size));
    this.ready = this.load();
    // A caller that never awaits `ready` still sees the failure on its next call; no unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** Layers merged so far. */
  get mergedLayers(): number {
    return this.nextToMerge;
  }

  get isComplete(): boolean {
    return this.nextToMerge > this.upToLayer;
  }

  async stat(path: string, options: ReadOptions = {}): Promise<ImageFileStat> {
    await this.settle(options);
    return this.reader.stat(path);
  }

  /** Like stat, but a symlink is described itself, not followed. */
  async lstat(path: string, options: ReadOptions = {}): Promise<ImageFileStat> {
    await this.settle(options);
    return this.reader.lstat(path);
  }

  async readDirectory(path: string, options: ReadOptions = {}): Promise<ImageDirectoryEntry[]> {
    await this.settle(options);
    return this.reader.readDirectory(path);
  }

  async readFile(path: string, options: ReadFileOptions = {}): Promise<Buffer> {
    await this.settle(options);
    return this.reader.readFile(path, options.maxBytes);
  }

  /** A file's bytes as a stream, however large the file. */
  async createReadStream(path: string, options: ReadOptions = {}): Promise<Readable> {
    await this.settle(options);
    return this.reader.createReadStream(path) ?? Readable.from([]);
  }

  /**
   * Layer `index` alone: what it added, changed and deleted (whiteouts and
   * what an opaque whiteout hid appear as entries with `change: "deleted"`),
   * browsable like the merged view. Built from the cached indexes, with no
   * request to the registry.
   */
  async layerView(index: number): Promise<ImageLayerView> {
    if (!Number.isInteger(index) || index < 0 || index > this.upToLayer) {
      throw new RangeError(`Layer index ${index} is outside 0..${this.upToLayer}`);
    }
    await this.ready;
    const before = new ImageTree();
    for (let i = 0; i < index; i++) {
      for (const entry of await this.cache.loadEntries(this.layers[i].digest)) {
        before.apply(i, entry);
      }
    }
    const ownEntries = await this.cache.loadEntries(this.layers[index].digest);
    const changes: ChangeRecorder = new Map();
    const after = before;
    for (const entry of ownEntries) {
      after.apply(index, entry, changes);
    }
    const own = new ImageTree();
    for (const entry of ownEntries) {
      if (entry.whiteout === undefined) {
        own.apply(index, entry);
      }
    }
    for (const [path, record] of changes) {
      const components = path.split("/");
      let node = own.lookupLiteral(components);
      if (record.change === "deleted" && !node) {
        node = placeDeleted(own, components, index, record.type, record.size);
      }
      if (node) {
        node.change = record.change;
        // A hard link to a lower layer's file: its bytes come from the merged view.
        if (node.type === "hardlink" && !node.content) {
          const merged = after.lookupLiteral(components);
          if (merged?.content) {
            node.content = merged.content;
            node.size = merged.content.size;
          }
        }
      }
    }
    const list: LayerChangeEntry[] = [...changes]
      .map(([path, record]) => ({ path: `/${path}`, ...record }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return new ImageLayerView(
      this.layers[index],
      list,
      new TreeReader(own, this.layers, (layerIndex, offset, size) => this.readRange(layerIndex, offset, size)),
    );
  }

  /**
   * The file bytes the layers still carry for files a later layer overwrote
   * or deleted (dive's "wasted space"), largest first. Read from the cached
   * indexes, with no request to the registry.
   */
  async wastedSpace(): Promise<WastedSpaceSummary> {
    await this.settle({});
    const entries: LayerEntry[][] = [];
    for (const layer of this.layers.slice(0, this.upToLayer + 1)) {
      entries.push(await this.cache.loadEntries(layer.digest));
    }
    return wastedSpace(this.tree, entries);
  }

  /** Stops downloads in flight, releases the cache entries, and removes a temporary cache. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.controller.abort();
    await this.ready.catch(() => undefined);
    for (const layer of this.layers.slice(0, this.upToLayer + 1)) {
      this.cache.unpin(layer.digest);
    }
    if (this.cache.ephemeral) {
      await this.cache.dispose();
    } else {
      await this.evictQuietly();
    }
  }

  private async settle(options: ReadOptions): Promise<void> {
    if (this.closed) {
      throw new ImageContentError("The image file system is closed");
    }
    if (!options.partial) {
      await this.ready;
    } else if (this.failure !== undefined) {
      throw this.failure.error;
    }
  }

  private readRange(layerIndex: number, offset: number, size: number): Readable {
    const layer = this.cached[layerIndex];
    if (!layer) {
      throw new ImageContentError(`Layer ${this.layers[layerIndex]?.digest} is not in the cache yet`);
    }
    return this.cache.readRange(layer, offset, size);
  }

  private async load(): Promise<void> {
    const indexes = this.layers.slice(0, this.upToLayer + 1).map((layer) => layer.index);
    for (const i of indexes) {
      this.cache.pin(this.layers[i].digest);
    }
    try {
      await forEachWithConcurrency(indexes, this.init.concurrency, async (i) => {
        if (this.controller.signal.aborted) {
          throw new AbortError("The operation was aborted.");
        }
        const { layer, streamed, entries } = await this.init.fetchLayer(i, (entry) => this.receive(i, entry), this.controller.signal);
        this.cached[i] = layer;
        if (!streamed) {
          this.pending[i] = entries ?? (await this.cache.loadEntries(layer.digest));
        }
        this.fetched[i] = true;
        this.pump();
      });
    } catch (error) {
      this.failure = { error };
      this.controller.abort();
      throw error;
    }
    await this.evictQuietly();
  }

  /** Keeps the cache under its cap; a failure to evict (another process removing the same entry) must not fail the image. */
  private async evictQuietly(): Promise<void> {
    await this.cache.evict().catch(() => undefined);
  }

  private receive(layerIndex: number, entry: LayerEntry): void {
    this.pending[layerIndex].push(entry);
    if (layerIndex === this.nextToMerge) {
      this.pump();
    }
  }

  /** Merges whatever can be merged in order: the next layer's entries so far, and every layer after it that is complete. */
  private pump(): void {
    while (this.nextToMerge <= this.upToLayer && this.failure === undefined) {
      const i = this.nextToMerge;
      const entries = this.pending[i];
      for (let n = this.applied[i]; n < entries.length; n++) {
        this.tree.apply(i, entries[n]);
      }
      this.applied[i] = entries.length;
      if (!this.fetched[i]) {
        return;
      }
      this.pending[i] = [];
      this.nextToMerge++;
      this.init.onProgress?.({
        layerIndex: i,
        layerDigest: this.layers[i].digest,
        phase: "merged",
        transferredBytes: this.layers[i].size,
        totalBytes: this.layers[i].size,
        mergedLayers: this.nextToMerge,
        layerCount: this.upToLayer + 1,
      });
    }
  }
}

/** One layer on its own (see ImageFilesystem.layerView). */
export class ImageLayerView {
  constructor(
    readonly layer: ImageLayer,
    /** Every path the layer added, changed or deleted, sorted. */
    readonly changes: readonly LayerChangeEntry[],
    private readonly reader: TreeReader,
  ) {}

  async stat(path: string): Promise<ImageFileStat> {
    return this.reader.stat(path);
  }

  async lstat(path: string): Promise<ImageFileStat> {
    return this.reader.lstat(path);
  }

  async readDirectory(path: string): Promise<ImageDirectoryEntry[]> {
    return this.reader.readDirectory(path);
  }

  async readFile(path: string, options: { maxBytes?: number } = {}): Promise<Buffer> {
    return this.reader.readFile(path, options.maxBytes);
  }
}

function placeDeleted(tree: ImageTree, components: string[], layerIndex: number, type: TreeNode["type"], size: number): TreeNode {
  let parent = tree.root;
  for (const name of components.slice(0, -1)) {
    let child = parent.children!.get(name);
    if (!child || !child.children) {
      child = newDirectory(name, layerIndex);
      parent.children!.set(name, child);
    }
    parent = child;
  }
  const node: TreeNode = { name: components[components.length - 1], type, size, mode: 0, mtimeMs: 0, uid: 0, gid: 0, layerIndex };
  if (type === "directory") {
    node.children = new Map();
  }
  parent.children!.set(node.name, node);
  return node;
}
