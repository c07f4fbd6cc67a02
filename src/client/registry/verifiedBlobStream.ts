// The stream `downloadBlob` hands out: a Readable that is also the sink of the
// resumable reader (blobSink.ts), so that received bytes reach the caller
// with no Transform and no promise per record in between.
//
// Over TLS the body arrives as one chunk per 16 KiB record. Passed on as
// they are, a caller piping into `fs.createWriteStream` (16 KiB high-water
// mark) paid a thread-pool write and a wake-up per record, and every stage
// with a 16 KiB high-water mark paused and resumed per record (issue 12's
// profile). Records are therefore gathered into chunks of `chunkBytes` (one
// copy, into a buffer of that size; a chunk that is that large already goes
// through as it is), and the record is freed once copied when it is the
// connection's own copy (http/bufferRelease.ts), as the whole-image pull does.
// The reader is asked to wait once a whole chunk waits unread: the caller
// writes one while the next fills (more unread, and more at the hasher, held
// more memory in a seed-style pull and were no faster: bench/README.md,
// "Issue 12, session 5: the seed-style pull's floor").
//
// Large blobs are hashed on a worker thread (offThreadHash.ts): each full
// chunk goes there (transferred, not copied) and is handed out once it comes
// back hashed, so the thread that receives does not also hash, and the caller
// only ever sees bytes that were hashed already. Two chunks may be with the
// hasher at once (one hashed while the next crosses); past that the reader
// waits, as for unread chunks. Small blobs are hashed here, where a round
// trip to the worker would cost more than the hash.
//
// The contract of the old verifying stream stays: every byte is hashed as it
// arrives, and the stream errors with DigestValidationError before `end` if
// the bytes do not match the digest or run past the size (the chunk being
// gathered when the body ends goes out only once the digest checked out).

import { createHash, type Hash } from "node:crypto";
import { Readable } from "node:stream";
import type { DownloadSink } from "../blobSink";
import { DigestValidationError } from "../errors";
import { BufferReleaser } from "../http/bufferRelease";
import { type HashJob, sharedHasher } from "../offThreadHash";
import { splitDigest } from "../reference";

/**
 * Bytes per chunk the stream hands out. Larger chunks saved no CPU on a
 * seed-style pull and raised its peak RSS past the target; smaller ones cost
 * CPU (bench/README.md, "Issue 12, session 5: the seed-style pull's floor").
 */
export const BLOB_STREAM_CHUNK_BYTES = 192 * 1024;
/** Blobs at least this large (or of unknown size) are hashed on the worker thread by default. */
export const OFF_THREAD_HASH_MIN_BYTES = 1024 * 1024;
/**
 * Chunks with the hasher at once, per stream, before the reader is asked to wait.
 * Four held more memory and were no faster (bench/README.md, "Issue 12, session 5: the seed-style pull's floor").
 */
const MAX_CHUNKS_HASHING = 2;

export interface VerifiedBlobStreamOptions {
  /** Bytes per chunk handed out. The default value is BLOB_STREAM_CHUNK_BYTES. */
  chunkBytes?: number;
  /** Free each received chunk once copied (only for chunks nothing else holds). The default value is false. */
  releaseChunks?: boolean;
  /**
   * Hash on the worker thread (offThreadHash.ts) rather than on the receiving
   * thread. The default value is true for blobs of unknown size or of at
   * least OFF_THREAD_HASH_MIN_BYTES.
   */
  hashOffThread?: boolean;
  /** Called with the bytes received so far. */
  onBytes?: (received: number) => void;
}

export class VerifiedBlobStream extends Readable implements DownloadSink {
  /** Hashing here (small blobs), or the worker's job (large ones). */
  private readonly hash?: Hash;
  private readonly job?: HashJob;
  private readonly algorithm: string;
  private readonly chunkBytes: number;
  private readonly releaser?: BufferReleaser;
  private received = 0;
  /** The chunk being filled, and how much of it is. */
  private gathering?: Buffer;
  private filled = 0;
  /** The last push found the buffer full: the reader waits until `_read`. */
  private full = false;
  /** Chunks sent to the hasher and not back yet. */
  private hashing = 0;
  /** Off-thread, once the last byte is in: chunks back from the hasher, held until the digest checked out. */
  private held?: Buffer[];
  private waiters: (() => void)[] = [];

  constructor(
    private readonly expectedDigest: string,
    private readonly expectedSize: number | undefined,
    private readonly options: VerifiedBlobStreamOptions = {},
  ) {
    const chunkBytes = options.chunkBytes ?? BLOB_STREAM_CHUNK_BYTES;
    // One chunk unread: the caller writes it while the next fills; push() says "full" past that.
    super({ highWaterMark: chunkBytes });
    this.chunkBytes = chunkBytes;
    this.algorithm = splitDigest(expectedDigest)[0];
    this.releaser = options.releaseChunks ? new BufferReleaser() : undefined;
    const offThread = options.hashOffThread ?? (expectedSize === undefined || expectedSize >= OFF_THREAD_HASH_MIN_BYTES);
    if (offThread) {
      this.job = sharedHasher().open(this.algorithm, {
        onHashed: (chunk) => this.onHashed(chunk),
        onDigest: (hex) => this.check(hex),
        onError: (error) => this.destroy(error),
      });
    } else {
      this.hash = createHash(this.algorithm);
    }
  }

  get stopped(): boolean {
    return this.destroyed;
  }

  /** DownloadSink.write: counts, hashes (or sends to the hasher), gathers. Throws DigestValidationError past the size. */
  write(chunk: Buffer): boolean {
    this.received += chunk.length;
    if (this.expectedSize !== undefined && this.received > this.expectedSize) {
      throw new DigestValidationError(this.expectedDigest, `more than ${this.expectedSize} bytes`, "blob");
    }
    if (this.job && this.received === this.expectedSize) {
      // The last bytes: what comes back from the hasher from now on waits for the digest.
      this.held ??= [];
    }
    this.hash?.update(chunk);
    this.options.onBytes?.(this.received);
    if (this.filled === 0 && chunk.length >= this.chunkBytes && this.canPassOn(chunk)) {
      // Large already (a plain-HTTP read, a caller's own HTTP client): no copy.
      this.hand(chunk);
      return this.canTakeMore();
    }
    let at = 0;
    while (at < chunk.length) {
      this.gathering ??= Buffer.allocUnsafeSlow(this.chunkBytes);
      const copied = chunk.copy(this.gathering, this.filled, at);
      at += copied;
      this.filled += copied;
      if (this.filled === this.chunkBytes) {
        this.hand(this.gathering);
        this.gathering = undefined;
        this.filled = 0;
      }
    }
    this.releaser?.release(chunk);
    return this.canTakeMore();
  }

  ready(): Promise<void> {
    if (this.canTakeMore() || this.destroyed) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Every byte is in: checks the digest, then hands out the last chunk and ends (or errors). */
  finish(): void {
    this.releaser?.flush();
    if (this.destroyed) {
      return;
    }
    if (this.job) {
      // Chunks still with the hasher, and the last one, go out only after the digest checked out.
      this.held ??= [];
      if (this.filled > 0) {
        this.sendToHasher(this.gathering!, this.filled);
        this.gathering = undefined;
        this.filled = 0;
      }
      this.job.digest();
      return;
    }
    this.check(this.hash!.digest("hex"));
  }

  override _read(): void {
    this.full = false;
    this.wake();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.releaser?.flush();
    this.job?.close();
    this.gathering = undefined;
    this.held = undefined;
    this.wake();
    callback(error);
  }

  private canTakeMore(): boolean {
    return !this.full && this.hashing < MAX_CHUNKS_HASHING;
  }

  /** A received chunk can go on uncopied: here always; to the hasher only if its memory is ours to move. */
  private canPassOn(chunk: Buffer): boolean {
    if (!this.job) {
      return true;
    }
    const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
    return whole && this.releaser !== undefined;
  }

  /** A full chunk: to the caller, or first to the hasher. */
  private hand(chunk: Buffer): void {
    if (this.job) {
      this.sendToHasher(chunk, chunk.length);
    } else {
      this.pushChunk(chunk);
    }
  }

  private sendToHasher(chunk: Buffer, length: number): void {
    this.hashing++;
    this.job!.update(chunk, length);
  }

  private onHashed(chunk: Buffer): void {
    this.hashing--;
    if (this.destroyed) {
      return;
    }
    if (this.held) {
      this.held.push(chunk);
    } else {
      this.pushChunk(chunk);
    }
    this.wake();
  }

  /** All bytes hashed: the digest and the size must match; then the last chunks and the end. */
  private check(hex: string): void {
    if (this.destroyed) {
      return;
    }
    const actual = `${this.algorithm}:${hex}`;
    if (actual !== this.expectedDigest) {
      this.destroy(new DigestValidationError(this.expectedDigest, actual, "blob"));
      return;
    }
    if (this.expectedSize !== undefined && this.received !== this.expectedSize) {
      this.destroy(new DigestValidationError(this.expectedDigest, `${this.received} bytes instead of ${this.expectedSize}`, "blob"));
      return;
    }
    for (const chunk of this.held ?? []) {
      this.push(chunk);
    }
    this.held = undefined;
    if (this.filled > 0) {
      this.push(this.gathering!.subarray(0, this.filled));
      this.gathering = undefined;
      this.filled = 0;
    }
    this.push(null);
  }

  private pushChunk(chunk: Buffer): void {
    if (!this.push(chunk)) {
      this.full = true;
    }
  }

  private wake(): void {
    if (!this.canTakeMore() && !this.destroyed) {
      return;
    }
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }
}
