// Bytes from the network to a file, hashed on the way, under a temporary name
// until the digest and size check out; then renamed into place (rename is
// atomic within a directory), so a reader never sees a partial or wrong blob.
// The file is a DownloadSink: a resumable download (resumableDownload.ts)
// feeds it, resuming with Range underneath when the connection breaks.

import * as fs from "node:fs";
import { createHash, type Hash } from "node:crypto";
import { DigestValidationError } from "../errors";
import { BufferReleaser } from "../http/bufferRelease";
import { splitDigest } from "../reference";
import type { HashingWriterPool, WorkerFileWriter } from "./hashingWriterPool";
import type { DownloadSink } from "../blobSink";

export interface BlobFileOptions {
  /** Bytes gathered before one write call (main thread) or one hand-over to the worker. The default value is 256 KiB. */
  writeBufferBytes?: number;
  /** Batches handed to the worker and not yet written, per file. The default value is 4. */
  maxBatchesInFlight?: number;
  onBytes?: (delta: number) => void;
  /**
   * The chunks written are the caller's to give away (nothing else holds
   * them, such as the HTTP body's own copies): with a worker they move to it
   * instead of being copied (hashingWriterPool.ts); without one they are
   * freed once hashed and written (http/bufferRelease.ts). Either way a chunk
   * must not be used afterwards (it reads as empty once handed over). The
   * default value is false.
   */
  releaseChunks?: boolean;
}

/**
 * A blob being written to a temporary file, hashed on the way: the sink of
 * a resumable download (resumableDownload.ts), so every byte arrives once
 * however often the connection broke. `commit` renames the file to its final
 * name if the digest and size check out; `discard` removes it.
 */
export interface BlobFile extends DownloadSink {
  /** Checks digest and size, then renames into place. Resolves to the bytes written; on a mismatch removes the file and throws DigestValidationError. */
  commit(): Promise<number>;
  /** Removes the temporary file (after a failure). */
  discard(): Promise<void>;
}

/**
 * Opens `tempPath` (which must not exist) for the blob `digest`. With a pool,
 * a worker thread hashes and writes (hashingWriterPool.ts), so that the main
 * thread only receives; without one, both happen here.
 */
export async function openBlobFile(
  pool: HashingWriterPool | undefined,
  tempPath: string,
  finalPath: string,
  digest: string,
  size: number | undefined,
  options: BlobFileOptions = {},
): Promise<BlobFile> {
  if (pool) {
    return new PooledBlobFile(pool, tempPath, finalPath, digest, size, options);
  }
  return new MainThreadBlobFile(await fs.promises.open(tempPath, "wx"), tempPath, finalPath, digest, size, options);
}

abstract class BlobFileBase {
  protected written = 0;

  constructor(
    protected readonly tempPath: string,
    protected readonly finalPath: string,
    protected readonly digest: string,
    protected readonly size: number | undefined,
    protected readonly options: BlobFileOptions,
  ) {}

  /** Counts the chunk, refusing bytes past the blob's size. */
  protected count(chunk: Buffer): void {
    this.written += chunk.length;
    if (this.size !== undefined && this.written > this.size) {
      throw new DigestValidationError(this.digest, `more than ${this.size} bytes`, "blob");
    }
  }

  /** Compares, then renames; the file is closed already. */
  protected async check(hex: string): Promise<number> {
    const actual = `${splitDigest(this.digest)[0]}:${hex}`;
    if (actual !== this.digest) {
      throw new DigestValidationError(this.digest, actual, "blob");
    }
    if (this.size !== undefined && this.written !== this.size) {
      throw new DigestValidationError(this.digest, `${this.written} bytes instead of ${this.size}`, "blob");
    }
    await fs.promises.rename(this.tempPath, this.finalPath);
    return this.written;
  }
}

class PooledBlobFile extends BlobFileBase implements BlobFile {
  private readonly writer: WorkerFileWriter;
  private failed = false;

  constructor(
    pool: HashingWriterPool,
    tempPath: string,
    finalPath: string,
    digest: string,
    size: number | undefined,
    options: BlobFileOptions,
  ) {
    super(tempPath, finalPath, digest, size, options);
    this.writer = pool.open(tempPath, splitDigest(digest)[0], {
      batchBytes: options.writeBufferBytes ?? 256 * 1024,
      maxBatchesInFlight: options.maxBatchesInFlight ?? 4,
    });
  }

  get stopped(): boolean {
    return this.failed;
  }

  write(chunk: Buffer): boolean {
    this.count(chunk);
    const length = chunk.length;
    // A chunk nothing else holds moves to the worker (it reads as empty once its batch goes); others are copied.
    this.writer.write(chunk, this.options.releaseChunks === true);
    this.options.onBytes?.(length);
    return !this.writer.saturated;
  }

  ready(): Promise<void> {
    return this.writer.whenReady();
  }

  async commit(): Promise<number> {
    try {
      return await this.check(await this.writer.finish());
    } catch (error) {
      this.failed = true;
      await fs.promises.rm(this.tempPath, { force: true });
      throw error;
    }
  }

  async discard(): Promise<void> {
    this.failed = true;
    await this.writer.abort().catch(() => undefined);
    await fs.promises.rm(this.tempPath, { force: true });
  }
}

class MainThreadBlobFile extends BlobFileBase implements BlobFile {
  private readonly hash: Hash;
  private readonly limit: number;
  // Chunks off a TLS socket are at most 16 KiB; writing each one would be a
  // thread-pool round trip per 16 KiB. They are gathered into one write of
  // up to `limit` bytes instead, while the next ones keep arriving.
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private writing: Promise<void> = Promise.resolve();
  private queued = 0;
  private waiters: (() => void)[] = [];
  private failure?: Error;
  private closed = false;
  private readonly released?: BufferReleaser;

  constructor(
    private readonly file: fs.promises.FileHandle,
    tempPath: string,
    finalPath: string,
    digest: string,
    size: number | undefined,
    options: BlobFileOptions,
  ) {
    super(tempPath, finalPath, digest, size, options);
    this.hash = createHash(splitDigest(digest)[0]);
    this.limit = options.writeBufferBytes ?? 256 * 1024;
    this.released = options.releaseChunks ? new BufferReleaser() : undefined;
  }

  get stopped(): boolean {
    return this.failure !== undefined || this.closed;
  }

  write(chunk: Buffer): boolean {
    if (this.failure) {
      throw this.failure;
    }
    this.count(chunk);
    this.hash.update(chunk);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.options.onBytes?.(chunk.length);
    if (this.pendingBytes >= this.limit) {
      this.flush();
    }
    // One batch being written and one gathering: wait past that.
    return this.queued < 2;
  }

  ready(): Promise<void> {
    if (this.queued < 2 || this.failure) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async commit(): Promise<number> {
    try {
      if (this.failure) {
        throw this.failure;
      }
      this.flush();
      await this.writing;
      if (this.failure) {
        // Set again by a write that failed during the await; the type checker narrowed it to never.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw this.failure;
      }
      this.closed = true;
      await this.file.close();
      return await this.check(this.hash.digest("hex"));
    } catch (error) {
      await this.discard();
      throw error;
    }
  }

  async discard(): Promise<void> {
    this.closed = true;
    await this.writing;
    await this.file.close().catch(() => undefined);
    await fs.promises.rm(this.tempPath, { force: true });
  }

  private flush(): void {
    if (this.pendingBytes === 0) {
      return;
    }
    const buffers = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.queued++;
    this.writing = this.writing.then(async () => {
      try {
        if (!this.failure) {
          await this.file.writev(buffers);
          // Hashed and on disk: the chunks are done with.
          if (this.released) {
            buffers.forEach((buffer) => this.released!.release(buffer));
            this.released.flush();
          }
        }
      } catch (error) {
        this.failure = error as Error;
      } finally {
        this.queued--;
        const waiters = this.waiters;
        this.waiters = [];
        waiters.forEach((wake) => wake());
      }
    });
  }
}

/** The digest of a file, with the algorithm of `like` (`sha256:…`). */
export async function hashFile(filePath: string, like: string): Promise<string> {
  const algorithm = splitDigest(like)[0];
  const hash = createHash(algorithm);
  for await (const chunk of fs.createReadStream(filePath, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
  }
  return `${algorithm}:${hash.digest("hex")}`;
}
