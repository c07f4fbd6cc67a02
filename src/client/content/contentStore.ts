// Content stores: the few things the copy routine (copy.ts) needs from the
// place content comes from and the place it goes to, in the spirit of
// oras-go's content.Fetcher / content.Pusher and go-containerregistry's
// `remote` vs `layout`. Everything is addressed by descriptor (image-spec
// descriptor.md): a digest, a size and a media type.
//
// Implementations:
// - registry/repositoryStore.ts: one repository of a registry (source and target);
// - layout/ociLayoutStore.ts: an OCI image layout directory (source and target);
// - layout/folderStore.ts: a folder of files named by their titles (target);
// - layout/localFilesSource.ts: a manifest in memory and blobs in files (source),
//   such as the files of a "push files as artifact";
// - a layer cache keyed by digest (issue 14) fits both interfaces as it is.

import type { BlobGetGrant } from "../blobGet";
import type { AbortSignalLike } from "@azure/abort-controller";
import type { DownloadSink } from "../blobSink";
import type { ReopenableBlobSource } from "../blobSource";
import type { OciDescriptor } from "../models";

export interface StoreOperationOptions {
  abortSignal?: AbortSignalLike;
}

/** Where content can be read from. */
export interface ContentSource {
  /** The descriptor of the manifest a tag or digest names. */
  resolve(reference: string, options?: StoreOperationOptions): Promise<OciDescriptor>;
  /** A manifest's exact bytes, checked against `descriptor.digest`. */
  fetchManifest(descriptor: OciDescriptor, options?: StoreOperationOptions): Promise<Uint8Array>;
  /**
   * A blob's bytes from any offset, reopened after a failure so a broken
   * upload can resume. Nothing is opened until `open` is called.
   */
  openBlob(descriptor: OciDescriptor): ReopenableBlobSource;
  /**
   * Optional fast path: fills `sink` with the blob's bytes, each byte once and
   * in order, resuming underneath where the connection breaks. A target that
   * writes to disk offers a sink and the source fills it, with no stream in
   * between.
   */
  fetchBlobInto?(descriptor: OciDescriptor, sink: DownloadSink, options: SinkFillOptions): Promise<void>;
  /**
   * True when `fetchBlobInto` (with `releaseBuffers`) hands the sink buffers
   * that nothing else holds, so the sink may move them to another thread or
   * free them once written.
   */
  readonly handsOverChunks?: boolean;
  /**
   * Optional: the blob's GET, authorised, for a thread to receive on its own
   * connection (blobGet.ts); undefined when that cannot be done faithfully,
   * and the bytes come through fetchBlobInto instead.
   */
  grantBlobGet?(descriptor: OciDescriptor, options: StoreOperationOptions): Promise<BlobGetGrant | undefined>;
  /**
   * Optional: the manifests whose `subject` is this digest (signatures,
   * SBOMs), for copies with `referrers`; a source without it cannot copy
   * referrers.
   */
  listReferrers?(digest: string, options?: StoreOperationOptions): Promise<OciDescriptor[]>;
  /** The repository on a registry this source reads, so that a target on the same registry can mount from it. */
  readonly registryRepository?: { loginServer: string; repository: string };
}

export interface SinkFillOptions extends StoreOperationOptions {
  /** Free the connection's reads (and give the chunks away) once used. */
  releaseBuffers?: boolean;
}

/** What happened to one blob. */
export type BlobPushOutcome = "existing" | "mounted" | "uploaded";

export interface PushBlobOptions extends StoreOperationOptions {
  /** New bytes stored, as they arrive (for progress). */
  onBytes: (delta: number) => void;
  /**
   * Repositories of the target's registry that may hold the blob. A target
   * that can mount (a registry repository) offers a cross-repository mount
   * from the first of them (other than itself) before it uploads.
   */
  mountFrom?: readonly string[];
}

export interface PushManifestOptions extends StoreOperationOptions {
  tag?: string;
  root?: boolean;
}

/** Where content can be written to. */
export interface ContentTarget {
  /** Whether the blob is there already, whole (so it need not move). */
  hasBlob(descriptor: OciDescriptor, options?: StoreOperationOptions): Promise<boolean>;
  /**
   * Stores one blob from the source, verified against its digest and size
   * before it counts as stored. Resolves to "mounted" when it came across
   * without its bytes moving, else to how the bytes came ("uploaded" to a
   * registry, "downloaded" into a local store).
   */
  pushBlob(descriptor: OciDescriptor, source: ContentSource, options: PushBlobOptions): Promise<BlobPushOutcome | "downloaded">;
  /**
   * Stores a manifest (its blobs and child manifests are there already).
   * `root` marks the manifest the copy was for (stored last), `tag` the name
   * it gets.
   */
  pushManifest(descriptor: OciDescriptor, content: Uint8Array, options?: PushManifestOptions): Promise<void>;
  /**
   * Optional: told the blobs that are about to move (the ones the target
   * lacks), before any of them, and how many move at once (a disk target
   * sizes its writer threads by them). `endBlobs` follows, however it went.
   */
  beginBlobs?(blobs: readonly OciDescriptor[], concurrency: number): Promise<void>;
  endBlobs?(): Promise<void>;
  /** Optional: the copy failed or was cancelled; drop what was staged for it. */
  abandon?(): Promise<void>;
}
