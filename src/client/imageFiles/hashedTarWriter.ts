// Writes a layer's uncompressed tar to the cache file and computes its
// diff_id (image-spec config.md `rootfs.diff_ids`), with the SHA-256 on the
// hashing worker (offThreadHash.ts) rather than on the main thread.
//
// The main thread also parses the tar and runs the HTTP receive of the
// other layers; the diff_id's SHA-256 of every uncompressed byte was the
// largest single cost on it in a cold listing (bench/README.md, "Issue 14,
// session 5"). The inflater's chunks cannot be transferred to the worker
// (several of them share one output buffer of zlib's, and the tar parser
// still holds them), so they are copied into batches of WRITE_BATCH_BYTES,
// each batch is transferred to the hasher and, once it comes back hashed,
// written to the file at its offset and then reused for a later batch.
// A layer whose tar fits in one batch is hashed here: a round trip to the
// worker would cost more than the hash.
//
// Nothing is renamed into the cache from here: the caller checks the diff_id
// this returns before the entry is published (layerCache.ts).

import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { type HashJob, sharedHasher } from "../offThreadHash";

const WRITE_BATCH_BYTES = 1024 * 1024;
/** Batches with the hasher or being written at once; the producer waits past that (bounds memory per layer). */
const MAX_BATCHES_IN_FLIGHT = 3;

export class HashedTarWriter {
  private batch: Buffer = Buffer.allocUnsafeSlow(WRITE_BATCH_BYTES);
  private filled = 0;
  /** Bytes handed to the hasher so far: the file offset of the next batch. */
  private sent = 0;
  /** Bytes back from the hasher so far: the file offset of the next one back (they come back in order). */
  private hashedOffset = 0;
  private inFlight = 0;
  private readonly free: Buffer[] = [];
  private job?: HashJob;
  private failure?: Error;
  private digestHex?: string;
  private readonly waiters: (() => void)[] = [];
  private readonly writes: Promise<void>[] = [];

  /** `hash` false: write only (an uncompressed layer, whose verified blob digest is its diff_id). */
  constructor(
    private readonly file: FileHandle,
    private readonly hash: boolean,
  ) {}

  /** Copies `chunk` in; resolves at once unless MAX_BATCHES_IN_FLIGHT batches are out (then when one is back). */
  async write(chunk: Buffer): Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      this.throwIfFailed();
      const copied = chunk.copy(this.batch, this.filled, at);
      at += copied;
      this.filled += copied;
      if (this.filled === WRITE_BATCH_BYTES) {
        this.sendBatch();
        while (this.inFlight >= MAX_BATCHES_IN_FLIGHT && this.failure === undefined) {
          await new Promise<void>((resolve) => this.waiters.push(resolve));
        }
      }
    }
    this.throwIfFailed();
  }

  /** Writes what is left and waits for every write; resolves with the `sha256:` diff_id (undefined when not hashing). */
  async finish(): Promise<string | undefined> {
    if (this.job === undefined) {
      // Never a full batch (or not hashing): the hash, if any, is done here.
      const digest = this.hash ? createHash("sha256").update(this.batch.subarray(0, this.filled)).digest("hex") : undefined;
      if (this.filled > 0) {
        this.inFlight++;
        await this.writeAt(this.batch, this.filled, this.sent);
      }
      await Promise.all(this.writes);
      this.throwIfFailed();
      return digest === undefined ? undefined : `sha256:${digest}`;
    }
    if (this.filled > 0) {
      this.sendBatch();
    }
    this.job.digest();
    while (this.digestHex === undefined && this.failure === undefined) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    await Promise.all(this.writes);
    this.throwIfFailed();
    return `sha256:${this.digestHex}`;
  }

  /** Stops: chunks still with the hasher are dropped there, no more writes start, and the ones under way are waited for. */
  async close(): Promise<void> {
    this.failure ??= new Error("The layer's tar writer was closed");
    this.job?.close();
    this.wake();
    await Promise.allSettled(this.writes);
  }

  private sendBatch(): void {
    const batch = this.batch;
    const length = this.filled;
    const offset = this.sent;
    this.sent += length;
    this.filled = 0;
    this.batch = this.free.pop() ?? Buffer.allocUnsafeSlow(WRITE_BATCH_BYTES);
    this.inFlight++;
    if (!this.hash) {
      void this.writeAt(batch, length, offset);
      return;
    }
    if (this.job === undefined) {
      this.job = sharedHasher().open("sha256", {
        // Back in the order sent, so the offsets follow the bytes.
        onHashed: (hashed) => void this.writeAt(hashed, hashed.length, this.nextHashedOffset(hashed.length)),
        onDigest: (hex) => {
          this.digestHex = hex;
          this.wake();
        },
        onError: (error) => this.fail(error),
      });
    }
    this.job.update(batch, length);
  }

  private nextHashedOffset(length: number): number {
    const offset = this.hashedOffset;
    this.hashedOffset += length;
    return offset;
  }

  private writeAt(buffer: Buffer, length: number, offset: number): Promise<void> {
    const write = (async (): Promise<void> => {
      try {
        if (this.failure === undefined) {
          let done = 0;
          while (done < length) {
            const { bytesWritten } = await this.file.write(buffer, done, length - done, offset + done);
            done += bytesWritten;
          }
        }
      } catch (error) {
        this.fail(error as Error);
      } finally {
        if (buffer.length === WRITE_BATCH_BYTES && buffer !== this.batch) {
          this.free.push(buffer);
        }
        this.inFlight--;
        this.wake();
      }
    })();
    this.writes.push(write);
    return write;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }

  private wake(): void {
    this.waiters.splice(0).forEach((resolve) => resolve());
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) {
      throw this.failure;
    }
  }
}
