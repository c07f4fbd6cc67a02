// How the disk stores (ociLayoutStore.ts, folderStore.ts) take in a blob:
// a verified temporary file (verifiedFile.ts) offered to the source as a
// sink, so that a registry's body goes straight into it (no stream in
// between, no promise per chunk); renamed to its final name only once the
// digest and size check out. The writer thread pool (hashingWriterPool.ts)
// lives for one copy's blobs.

import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { AbortSignalLike } from "@azure/abort-controller";
import type { ContentSource } from "../content/contentStore";
import { fillSink } from "../content/pump";
import type { OciDescriptor } from "../models";
import { HashingWriterPool } from "./hashingWriterPool";
import { openBlobFile } from "./verifiedFile";
import { receiveBlobFile } from "./receivedBlobFile";

/** Below this many bytes in all, blobs (a config, a manifest) are not worth a thread. */
export const POOL_THRESHOLD_BYTES = 4 * 1024 * 1024;

export interface DiskWriteOptions {
  /** Bytes gathered per hand-over to the worker (per write to disk without one). The default value is 256 KiB. */
  writeBufferBytes?: number;
  /**
   * Worker threads that hash and write what arrives, so that the main thread
   * only receives (see hashingWriterPool.ts); 0 does both on the main thread.
   * The default value is 1 (a second one measured no faster on two cores;
   * bench/README.md).
   */
  hashWorkers?: number;
  /**
   * Free received buffers (the connection's reads, the body's chunks) as soon
   * as they are parsed, hashed and written, rather than at the next garbage
   * collection (http/bufferRelease.ts). Set it to false with an HTTP client
   * that keeps or shares the buffers of the bodies it returns. The default
   * value is true.
   */
  releaseBuffers?: boolean;
  /**
   * Write blobs straight to the disk (O_DIRECT) rather than through the page
   * cache, where the file system allows it; ordinary writes otherwise
   * (hashingWriterPool.ts). Needs a worker (`hashWorkers` > 0). The default
   * value is true.
   */
  directWrites?: boolean;
}

export class VerifiedBlobWriter {
  private pool?: HashingWriterPool;

  constructor(private readonly options: DiskWriteOptions = {}) {}

  /** Starts the writer threads when the blobs to come are worth them. */
  begin(blobs: readonly OciDescriptor[], concurrency: number): void {
    const total = blobs.reduce((sum, blob) => sum + blob.size, 0);
    const workers = this.options.hashWorkers ?? 1;
    if (workers > 0 && total >= POOL_THRESHOLD_BYTES && blobs.length > 0) {
      this.pool = new HashingWriterPool(Math.min(workers, blobs.length), {
        maxOpenFiles: concurrency,
        direct: this.options.directWrites ?? true,
      });
    }
  }

  async end(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }

  /**
   * One blob from the source into a temporary file beside `finalPath`
   * (hashed on the way, resumed underneath by a registry source), renamed to
   * `finalPath` once the digest and size check out. Resolves to the bytes written.
   */
  async receive(
    descriptor: OciDescriptor,
    source: ContentSource,
    finalPath: string,
    options: { abortSignal?: AbortSignalLike; onBytes: (delta: number) => void },
  ): Promise<number> {
    const folder = path.dirname(finalPath);
    await fs.promises.mkdir(folder, { recursive: true });
    const temp = path.join(folder, `.${path.basename(finalPath)}.${randomBytes(4).toString("hex")}.partial`);
    const grant =
      this.pool && source.grantBlobGet ? await source.grantBlobGet(descriptor, { abortSignal: options.abortSignal }) : undefined;
    if (this.pool && grant) {
      return receiveBlobFile(this.pool, grant, temp, finalPath, descriptor.digest, options);
    }
    const release = this.options.releaseBuffers ?? true;
    const file = await openBlobFile(this.pool, temp, finalPath, descriptor.digest, descriptor.size, {
      writeBufferBytes: this.options.writeBufferBytes,
      onBytes: options.onBytes,
      // Only chunks nothing else holds may move to the worker or be freed (http/bufferRelease.ts).
      releaseChunks: release && source.handsOverChunks === true && source.fetchBlobInto !== undefined,
    });
    try {
      await fillSink(source, descriptor, file, { abortSignal: options.abortSignal, releaseBuffers: release });
    } catch (error) {
      await file.discard();
      throw error;
    }
    return file.commit();
  }
}
