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
// The reader is asked to wait only when two whole chunks wait unread.
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
import { splitDigest } from "../reference";

/**
 * Bytes per chunk the stream hands out: the read size of a whole-image push.
 * Larger chunks saved no CPU on a 1 GiB seed-style pull and held more
 * memory (bench/README.md).
 */
export const BLOB_STREAM_CHUNK_BYTES = 256 * 1024;

export interface VerifiedBlobStreamOptions {
  /** Bytes per chunk handed out. The default value is BLOB_STREAM_CHUNK_BYTES. */
  chunkBytes?: number;
  /** Free each received chunk once copied (only for chunks nothing else holds). The default value is false. */
  releaseChunks?: boolean;
  /** Called with the bytes received so far. */
  onBytes?: (received: number) => void;
}

export class VerifiedBlobStream extends Readable implements DownloadSink {
  private readonly hash: Hash;
  private readonly chunkBytes: number;
  private readonly releaser?: BufferReleaser;
  private received = 0;
  /** The chunk being filled, and how much of it is. */
  private gathering?: Buffer;
  private filled = 0;
  /** The last push found the buffer full: the reader waits until `_read`. */
  private full = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly expectedDigest: string,
    private readonly expectedSize: number | undefined,
    private readonly options: VerifiedBlobStreamOptions = {},
  ) {
    const chunkBytes = options.chunkBytes ?? BLOB_STREAM_CHUNK_BYTES;
    // Two chunks unread: the caller writes one while the next fills; push() says "full" past that.
    super({ highWaterMark: 2 * chunkBytes });
    this.chunkBytes = chunkBytes;
    this.hash = createHash(splitDigest(expectedDigest)[0]);
    this.releaser = options.releaseChunks ? new BufferReleaser() : undefined;
  }

  get stopped(): boolean {
    return this.destroyed;
  }

  /** DownloadSink.write: hashes, counts, gathers. Throws DigestValidationError past the size. */
  write(chunk: Buffer): boolean {
    this.received += chunk.length;
    if (this.expectedSize !== undefined && this.received > this.expectedSize) {
      throw new DigestValidationError(this.expectedDigest, `more than ${this.expectedSize} bytes`, "blob");
    }
    this.hash.update(chunk);
    this.options.onBytes?.(this.received);
    if (this.filled === 0 && chunk.length >= this.chunkBytes) {
      // Large already (a plain-HTTP read, a caller's own HTTP client): no copy.
      this.hand(chunk);
      return !this.full;
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
    return !this.full;
  }

  ready(): Promise<void> {
    if (!this.full || this.destroyed) {
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
    const actual = `${splitDigest(this.expectedDigest)[0]}:${this.hash.digest("hex")}`;
    if (actual !== this.expectedDigest) {
      this.destroy(new DigestValidationError(this.expectedDigest, actual, "blob"));
      return;
    }
    if (this.expectedSize !== undefined && this.received !== this.expectedSize) {
      this.destroy(new DigestValidationError(this.expectedDigest, `${this.received} bytes instead of ${this.expectedSize}`, "blob"));
      return;
    }
    if (this.filled > 0) {
      this.push(this.gathering!.subarray(0, this.filled));
      this.gathering = undefined;
      this.filled = 0;
    }
    this.push(null);
  }

  override _read(): void {
    this.full = false;
    this.wake();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.releaser?.flush();
    this.gathering = undefined;
    this.wake();
    callback(error);
  }

  private hand(chunk: Buffer): void {
    if (!this.push(chunk)) {
      this.full = true;
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }
}
