// The image config (image-spec config.md) and what the image readers return.
// Fields the library reads are typed; the rest of the JSON is kept as served.

import type { GetManifestResult, OciDescriptor, OperationOptions } from "../models";
import type { ImagePlatform } from "../platform";

export interface ImageConfigHistoryEntry {
  created?: string;
  author?: string;
  created_by?: string;
  comment?: string;
  /** True for a step that added no layer (ENV, CMD, ...): it has no entry in `rootfs.diff_ids`. */
  empty_layer?: boolean;
}

/** The execution parameters (config.md "config"), as Docker and OCI both write them. */
export interface ImageRuntimeConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  [key: string]: unknown;
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture?: string;
  os?: string;
  variant?: string;
  config?: ImageRuntimeConfig;
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: ImageConfigHistoryEntry[];
  [key: string]: unknown;
}

export interface GetImageConfigOptions extends OperationOptions {
  /** For an index: the child to read, `os/architecture[/variant]` (e.g. `linux/arm64`). */
  platform?: string;
}

export interface ImageConfigResult {
  /** The image manifest the config belongs to (the index's child when a platform was picked). */
  manifestDigest: string;
  configDigest: string;
  /** The index entry's platform when picked from an index, else the config's own os/architecture. */
  platform?: ImagePlatform;
  config: ImageConfig;
  /** The index the platform was picked from, when `tagOrDigest` named one. */
  indexDigest?: string;
  /** The image manifest itself (from the cache when already fetched). */
  manifest: GetManifestResult;
}

/** One step of the history with the layer it added (matched in order, skipping empty_layer steps). */
export interface HistoryStep {
  entry: ImageConfigHistoryEntry;
  layer?: OciDescriptor;
}
