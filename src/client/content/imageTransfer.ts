// Whole-image transfer: the blobs of an image moved several at a time.
//
// Push, per blob (OCI distribution spec "Pushing blobs"):
//   HEAD /v2/<name>/blobs/<digest>          200: the repository has it, nothing moves
//   POST .../uploads/?mount=<d>&from=<repo>  201: mounted from a repository of the
//                                            same registry, nothing moves; 202: the
//                                            registry opened an upload session instead
//   POST .../uploads/                        202 + Location (when there is nothing to mount)
//   PUT  <Location>&digest=<d>               the whole file as one streaming body
//   (a broken PUT: upload status, then resume or a new session, as uploadBlob
//   does for a reopenable file; see uploadBlob.ts)
// The digest is known from the manifest, so a blob goes up as one monolithic
// PUT (spec "Pushing a blob monolithically", the POST-then-PUT form): one
// request, with Content-Length, no chunking. The registry hashes every byte
// and refuses a mismatch (400 DIGEST_INVALID), so the client does not hash
// the file a second time unless asked to (`verifyLocalDigests`).
//
// Pull, per blob: one GET streamed straight to a temporary file in the target
// directory, hashed as it arrives; renamed to its final name only after the
// digest and size check out, so a file under its final name is always whole.
// A body cut short (reset, truncation, stall) is resumed with Range from the
// byte where it stopped, as downloadBlob does (resumableDownload.ts).

import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import type { AbortSignalLike } from "@azure/abort-controller";
import { DigestValidationError, InvalidInputError } from "../errors";
import { RegistryHttp } from "../http/registryHttp";
import { isIndexMediaType } from "../mediaTypes";
import type { OciManifestLike, TransferProgress } from "../models";
import { isDigest, validateDigest } from "../reference";
import { blobExists, blobPath, resolveLocation, uploadsPath } from "../registry/blobPaths";
import { addToLayoutIndex, dedupe, ensureLayout, ImageSource, layoutBlobPath, LocalBlob, readImageLayout } from "../layout/imageLayout";
import { HashingWriterPool } from "../layout/hashingWriterPool";
import { StaggeredStart } from "../registry/staggeredStart";
import { BlobFile, hashFile, openBlobFile } from "../layout/verifiedFile";
import { writeFileAtomically } from "../layout/atomicFile";
import { forEachWithConcurrency } from "../concurrency";
import { parseLength, ResumableBodyReader, sendFirstGet } from "../registry/resumableDownload";
import { openFileSource } from "../layout/fileBlobSource";
import { uploadReopenable } from "../registry/uploadBlob";
import { destroyBody } from "../http/readBody";

/** How many blobs move at once. The default value is 4 (skopeo moves up to 6, go-containerregistry 4, oras 3). */
export const DEFAULT_TRANSFER_CONCURRENCY = 4;

/** What happened to one blob of a push. */
export type BlobPushOutcome = "existing" | "mounted" | "uploaded";

export interface BlobTransferEvent {
  digest: string;
  size: number;
  outcome: BlobPushOutcome | "downloaded";
}

export interface ImageTransferOptions {
  abortSignal?: AbortSignalLike;
  /** Blobs in flight at once, 1 to 32. The default value is 4. */
  concurrency?: number;
  /** Bytes moved so far over all blobs; `totalBytes` is the sum of the sizes of the blobs that move. */
  onProgress?: (progress: TransferProgress) => void;
  /** Called when a blob is done, with what happened to it. */
  onBlob?: (event: BlobTransferEvent) => void;
}

export interface PushBlobsOptions extends ImageTransferOptions {
  /**
   * Repositories of the same registry that may hold the blobs; each missing
   * blob is first offered as a cross-repository mount from the first of them.
   */
  mountFrom?: string[];
  /** Hash each file before sending it and refuse one that does not match its digest. The default value is false. */
  verifyLocalDigests?: boolean;
  /**
   * Read buffer per file. The default value is 256 KiB: against 64 KiB it took
   * a 1 GiB push (4 blobs in flight) from 1.7 to 1.2 CPU seconds and about
   * 0.2 s less, at the same peak RSS (92-95 MB, bundled client); 1 MiB raised
   * the peak to 145 MB (each read is a fresh buffer until the next collection).
   */
  readBufferBytes?: number;
  /**
   * Each upload starts once the one before it has sent an eighth of its
   * blob, at most this many bytes (or ended), so that blobs finish apart and
   * the registry's commit of one (an fsync in CNCF distribution) overlaps the
   * others (staggeredStart.ts); 0 starts them all at once. The default value
   * is 32 MiB.
   */
  staggerBytes?: number;
}

export interface PushBlobsResult {
  blobs: BlobTransferEvent[];
  /** Bytes sent as blob bodies (0 when everything existed or was mounted). */
  uploadedBytes: number;
}

export interface PullBlobsResult {
  blobs: BlobTransferEvent[];
  downloadedBytes: number;
}

export function checkConcurrency(concurrency: number | undefined): number {
  const value = concurrency ?? DEFAULT_TRANSFER_CONCURRENCY;
  if (!Number.isInteger(value) || value < 1 || value > 32) {
    throw new InvalidInputError("concurrency", String(value), "must be an integer from 1 to 32");
  }
  return value;
}

function progressReporter(total: number, onProgress?: (progress: TransferProgress) => void): (delta: number) => void {
  let transferred = 0;
  return (delta) => {
    transferred += delta;
    onProgress?.({ transferredBytes: transferred, totalBytes: total });
  };
}

/** Pushes local blobs to a repository: skipped when present, mounted when possible, else uploaded. */
export async function pushBlobs(
  http: RegistryHttp,
  repository: string,
  blobs: readonly LocalBlob[],
  options: PushBlobsOptions = {},
): Promise<PushBlobsResult> {
  const concurrency = checkConcurrency(options.concurrency);
  const unique = dedupe([...blobs]);
  const events: BlobTransferEvent[] = [];
  const total = unique.reduce((sum, blob) => sum + blob.size, 0);
  const report = progressReporter(total, options.onProgress);
  let uploadedBytes = 0;
  // Large blobs first, so the last lane does not start a big one alone.
  const ordered = [...unique].sort((a, b) => b.size - a.size);
  const line = new StaggeredStart(options.staggerBytes ?? 32 * 1024 * 1024);
  await forEachWithConcurrency(ordered, concurrency, async (blob) => {
    const outcome = await pushBlob(http, repository, blob, line, options, (delta) => {
      uploadedBytes += delta;
      report(delta);
    });
    if (outcome !== "uploaded") {
      report(blob.size);
    }
    const event = { digest: blob.digest, size: blob.size, outcome };
    events.push(event);
    options.onBlob?.(event);
  });
  return { blobs: events, uploadedBytes };
}

async function pushBlob(
  http: RegistryHttp,
  repository: string,
  blob: LocalBlob,
  line: StaggeredStart,
  options: PushBlobsOptions,
  onBytes: (delta: number) => void,
): Promise<BlobPushOutcome> {
  const abortSignal = options.abortSignal;
  if (await blobExists(http, repository, blob.digest, abortSignal)) {
    return "existing";
  }
  if (options.verifyLocalDigests) {
    const actual = await hashFile(blob.path, blob.digest);
    if (actual !== blob.digest) {
      throw new DigestValidationError(blob.digest, actual, `local file ${blob.path}`);
    }
  }
  const from = options.mountFrom?.find((candidate) => candidate !== repository);
  const started = await http.sendAndDiscard({
    method: "POST",
    url: from ? `${uploadsPath(repository)}?mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(from)}` : uploadsPath(repository),
    operation: from ? "mount blob" : "upload blob",
    // 201: mounted. 202: no mount (the source lacks it, or the registry does not
    // mount), and the answer is an ordinary upload session to use instead.
    expectedStatus: from ? [201, 202] : [202],
    abortSignal,
  });
  if (started.status === 201) {
    return "mounted";
  }
  const location = resolveLocation(http, started.headers.get("location"), started.url, "upload blob");
  // The file is reopenable, so a broken PUT recovers as uploadBlob(fileBlobSource(...)) does
  // (uploadBlob.ts: upload status, resume or a new session; the session opened above goes first).
  // The digest is known: the first attempt is one monolithic PUT of the whole file.
  let sent = 0;
  const turn = await line.turn(blob.size);
  try {
    await uploadReopenable(
      http,
      repository,
      openFileSource(blob.path, blob.size, blob.digest, options.readBufferBytes ?? 256 * 1024),
      {
        abortSignal,
        // Progress per blob is absolute and restarts after a lost session; count only new ground.
        onProgress: ({ transferredBytes }) => {
          if (transferredBytes > sent) {
            onBytes(transferredBytes - sent);
            sent = transferredBytes;
            turn.sent(sent);
          }
        },
      },
      location,
    );
  } finally {
    turn.ended();
  }
  return "uploaded";
}

/** A blob to download and where it goes. */
export interface BlobToPull {
  digest: string;
  size: number;
}

export interface PullBlobsOptions extends ImageTransferOptions {
  /** Bytes gathered per hand-over to the worker (per write to disk without one). The default value is 256 KiB. */
  writeBufferBytes?: number;
  /**
   * Worker threads that hash and write what arrives, so that the main thread
   * only receives (see hashingWriterPool.ts); 0 does both on the main thread.
   * The default value is 1: on two cores a second worker measured no faster
   * and costs about 8 MB.
   */
  hashWorkers?: number;
  /**
   * Free received buffers (the connection's reads, the body's chunks) as soon
   * as they are parsed, hashed and written, rather than at the next garbage
   * collection (http/bufferRelease.ts): peak RSS of a 1 GiB pull 111 -> 84 MB.
   * Set it to false with an HTTP client that keeps or shares the buffers of
   * the bodies it returns. The default value is true.
   */
  releaseBuffers?: boolean;
  /**
   * Write blobs straight to the disk (O_DIRECT) rather than through the page
   * cache, where the file system allows it; ordinary writes otherwise
   * (hashingWriterPool.ts). On this project's 2-core VMs a 1 GiB pull spent a
   * third of its CPU copying into fresh page-cache pages. Needs a worker
   * (`hashWorkers` > 0). The default value is true.
   */
  directWrites?: boolean;
}

/** Downloads blobs into `layoutDir/blobs/<alg>/<hex>`, each verified before it appears under that name. */
export async function pullBlobs(
  http: RegistryHttp,
  repository: string,
  blobs: readonly BlobToPull[],
  layoutDir: string,
  options: PullBlobsOptions = {},
): Promise<PullBlobsResult> {
  const concurrency = checkConcurrency(options.concurrency);
  const unique = dedupe([...blobs]);
  const total = unique.reduce((sum, blob) => sum + blob.size, 0);
  const report = progressReporter(total, options.onProgress);
  const events: BlobTransferEvent[] = [];
  let downloadedBytes = 0;
  const ordered = [...unique].sort((a, b) => b.size - a.size);
  const workers = options.hashWorkers ?? 1;
  // Small blobs (a config, a manifest) are not worth a thread.
  const pool =
    workers > 0 && total >= 4 * 1024 * 1024
      ? new HashingWriterPool(Math.min(workers, unique.length), { maxOpenFiles: concurrency, direct: options.directWrites ?? true })
      : undefined;
  try {
    await pullEach(ordered);
  } finally {
    await pool?.close();
  }
  return { blobs: events, downloadedBytes };

  async function pullEach(ordered: BlobToPull[]): Promise<void> {
    await forEachWithConcurrency(ordered, concurrency, async (blob) => {
      const written = await pullBlob(http, repository, blob, layoutDir, pool, {
        ...options,
        onBytes: (delta: number) => {
          downloadedBytes += delta;
          report(delta);
        },
      });
      const event = { digest: blob.digest, size: written, outcome: "downloaded" as const };
      events.push(event);
      options.onBlob?.(event);
    });
  }
}

/**
 * One blob: GET, bytes into a temporary file (hashed on the way), resumed
 * with Range when the connection breaks (resumableDownload.ts), renamed into
 * place once the digest checks out.
 */
async function pullBlob(
  http: RegistryHttp,
  repository: string,
  blob: BlobToPull,
  layoutDir: string,
  pool: HashingWriterPool | undefined,
  options: PullBlobsOptions & { onBytes: (delta: number) => void },
): Promise<number> {
  const target = layoutBlobPath(layoutDir, blob.digest);
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const url = blobPath(repository, blob.digest);
  const release = options.releaseBuffers ?? true;
  const first = await sendFirstGet(http, url, options.abortSignal, release);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString("hex")}.partial`);
  let file: BlobFile;
  try {
    file = await openBlobFile(pool, temp, target, blob.digest, blob.size, {
      writeBufferBytes: options.writeBufferBytes,
      onBytes: options.onBytes,
      // The body's chunks are copies node:http made for this read alone (http/bufferRelease.ts).
      releaseChunks: release,
    });
  } catch (error) {
    destroyBody(first.body);
    throw error;
  }
  // The manifest's size is what the blob must be; a missing Content-Length does not hide a short body.
  const size = parseLength(first.headers.get("content-length")) ?? blob.size;
  try {
    await new ResumableBodyReader(http, url, file, size, { abortSignal: options.abortSignal, releaseSocketReads: release }).run(first);
  } catch (error) {
    await file.discard();
    throw error;
  }
  return file.commit();
}

// ---------------------------------------------------------------------------
// Whole images: blobs, then the manifest (push); the manifest, then blobs (pull).

export interface PushImageOptions extends PushBlobsOptions {
  /** Tag for the pushed manifest; without one it is pushed by digest. */
  tag?: string;
  /** Which manifest of the layout's index.json to push (its `org.opencontainers.image.ref.name`); needed when there are several. */
  refName?: string;
}

export interface PushImageResult extends PushBlobsResult {
  /** The manifest's digest. */
  digest: string;
}

export interface PullImageOptions extends PullBlobsOptions {
  /** Name recorded in the layout's index.json. The default value is the tag pulled, if any. */
  refName?: string;
}

export interface PullImageResult extends PullBlobsResult {
  digest: string;
  mediaType: string;
  layoutDir: string;
}

/** What whole-image transfer needs from the client besides raw HTTP: its manifest calls. */
export interface ManifestAccess {
  putManifest(content: Uint8Array, mediaType: string, tag: string | undefined): Promise<string>;
  getManifest(tagOrDigest: string): Promise<{ digest: string; mediaType: string; manifest: OciManifestLike; content: Uint8Array }>;
}

export async function pushImage(
  http: RegistryHttp,
  manifests: ManifestAccess,
  repository: string,
  source: string | ImageSource,
  options: PushImageOptions = {},
): Promise<PushImageResult> {
  const image = typeof source === "string" ? await readImageLayout(source, options.refName) : source;
  const pushed = await pushBlobs(http, repository, image.blobs, options);
  // The manifest goes last: the registry refuses one whose blobs it lacks (MANIFEST_BLOB_UNKNOWN).
  const digest = await manifests.putManifest(image.manifest, image.mediaType, options.tag);
  return { ...pushed, digest };
}

export async function pullImage(
  http: RegistryHttp,
  manifests: ManifestAccess,
  repository: string,
  tagOrDigest: string,
  layoutDir: string,
  options: PullImageOptions = {},
): Promise<PullImageResult> {
  const { digest, mediaType, manifest, content } = await manifests.getManifest(tagOrDigest);
  if (isIndexMediaType(mediaType)) {
    throw new InvalidInputError("tagOrDigest", tagOrDigest, "names an index (multi-platform image); pull one platform's manifest by digest");
  }
  await ensureLayout(layoutDir);
  const blobs = [...(manifest.config ? [manifest.config] : []), ...(manifest.layers ?? [])].map((d) => {
    validateDigest(d.digest);
    return { digest: d.digest, size: d.size };
  });
  const pulled = await pullBlobs(http, repository, blobs, layoutDir, options);
  // The manifest was checked against its digest by getManifest; written last, so
  // a layout whose index names it has every blob.
  const manifestPath = layoutBlobPath(layoutDir, digest);
  await fs.promises.mkdir(path.dirname(manifestPath), { recursive: true });
  await writeFileAtomically(manifestPath, content);
  const refName = options.refName ?? (isDigest(tagOrDigest) ? undefined : tagOrDigest);
  await addToLayoutIndex(layoutDir, { mediaType, digest, size: content.byteLength }, refName);
  return { ...pulled, digest, mediaType, layoutDir };
}
