// Public types of the image file system (issue 14).

import type { AbortSignalLike } from "@azure/abort-controller";
import type { ImageFileType } from "./layerEntry";
import type { LayerChange } from "./imageTree";

export type { ImageFileType } from "./layerEntry";
export type { LayerChange } from "./imageTree";

import type { ImagePlatform } from "../platform";

export type { ImagePlatform };

/** One build step of the image config's `history` (image-spec config.md). */
export interface ImageHistoryStep {
  created?: string;
  createdBy?: string;
  author?: string;
  comment?: string;
}

export interface ImageLayer {
  /** Position in the manifest's `layers`, from 0 (the base). */
  index: number;
  digest: string;
  /** Compressed size from the manifest. */
  size: number;
  mediaType: string;
  /** The config's `rootfs.diff_ids` entry (digest of the uncompressed tar), when the config has one. */
  diffId?: string;
  /** The history step that made this layer (steps marked `empty_layer` are skipped when matching). */
  history?: ImageHistoryStep;
}

export interface ImageFileStat {
  /** The last component (`""` for the root). */
  name: string;
  /** The canonical path inside the image, from `/`. */
  path: string;
  type: ImageFileType;
  /** Bytes of content: a file's (a hard link's target's) size; 0 otherwise. */
  size: number;
  /** Permission and special bits (`mode & 0o7777`). */
  mode: number;
  mtime: Date;
  uid: number;
  gid: number;
  /** A symlink's target as written, or a hard link's target path. */
  linkTarget?: string;
  /** The layer that last wrote this entry (undefined for the implicit root). */
  layerIndex?: number;
  layerDigest?: string;
  /** In a single layer's view: what that layer did to this path. */
  change?: LayerChange;
}

/** One entry of a directory listing; `path` is the entry's own path. */
export type ImageDirectoryEntry = ImageFileStat;

export interface ReadOptions {
  /**
   * Wait for nothing: answer from the layers merged so far (the listing grows
   * as layers arrive). Without it, calls wait until every layer is merged.
   */
  partial?: boolean;
}

export interface ReadFileOptions extends ReadOptions {
  /** Refuse files larger than this with an ImagePathError (`EFBIG`). The default value is 256 MiB. */
  maxBytes?: number;
}

export interface ImageFilesystemProgress {
  layerIndex: number;
  layerDigest: string;
  /**
   * `downloading`: bytes of the layer arrived; `cached`: the layer came from
   * the cache; `indexed`: the layer is in the cache; `merged`: the layer's
   * entries are in the merged view (listings include it from now on).
   */
  phase: "downloading" | "cached" | "indexed" | "merged";
  /** Compressed bytes of this layer received so far. */
  transferredBytes: number;
  totalBytes: number;
  /** Layers merged so far, and how many will be. */
  mergedLayers: number;
  layerCount: number;
}

export interface OpenImageFilesystemOptions {
  /** For an image index: `os/architecture[/variant]` or an object. Required when the index has several platforms. */
  platform?: string | ImagePlatform;
  /** Show the file system as it was after this layer (an index into `layers`); later layers are not fetched. */
  upToLayer?: number;
  /** Where layers are cached (the extension passes its global storage). Without it, a temporary folder removed by close(). */
  cacheDir?: string;
  /** The cache's size cap; least recently used layers go first. The default value is 4 GiB. */
  cacheMaxBytes?: number;
  /** The most bytes one layer may expand to (a gzip bomb stops here). The default value is 16 GiB. */
  maxLayerBytes?: number;
  /** The most entries one layer may hold. The default value is 1,000,000. */
  maxEntriesPerLayer?: number;
  /** The most bytes (UTF-8) of entry names and link targets one layer may hold (its index is in memory while built). The default value is 64 MiB. */
  maxNameBytesPerLayer?: number;
  /** Layers downloaded at once. The default value is 3. */
  concurrency?: number;
  onProgress?: (progress: ImageFilesystemProgress) => void;
  abortSignal?: AbortSignalLike;
}

export interface LayerChangeEntry {
  path: string;
  change: LayerChange;
  type: ImageFileType;
  size: number;
}
