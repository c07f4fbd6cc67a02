// A blob read from one registry as the body of an upload to another: the
// source's GET goes straight into a Readable that the upload sends, with no
// stream stage, async iterator or promise per chunk in between.
//
// The GET resumes with Range after a broken connection underneath
// (resumableDownload.ts), and a relay opened at an offset (an upload resuming
// after its own connection broke) asks for the bytes from there. The relay
// counts what arrives against the blob's size and stops the GET at the first
// byte past it (the size cap). It does not hash: the registry the blob goes
// to hashes every byte of an upload and refuses a mismatch before it stores
// anything (400 DIGEST_INVALID, distribution spec "Pushing blobs"), and
// hashing once more here was a second full SHA-256 of every blob on the
// client (bench/README.md, "Copy"). A caller who wants the check on the
// client as well sets the target's `verifyLocalDigests`.
//
// TLS delivers the body one 16 KiB record at a time; the relay gathers the
// records into chunks of RELAY_CHUNK_BYTES before it hands them on, so the
// upload writes large chunks (one TLS write per 16 KiB record cost more than
// the copy), and frees each record once copied (http/bufferRelease.ts). The
// chunks come from a small pool and go back to it once the upload's request
// has written them to its socket (http/releaseAfterWrite.ts says why that is
// the moment nothing else holds them); a chunk the upload never writes (a
// failed request, another HTTP client) is left to the collector.

import { Readable } from "node:stream";
import type { AbortSignalLike } from "@azure/abort-controller";
import type { DownloadSink } from "../blobSink";
import { DigestValidationError } from "../errors";
import { BufferReleaser } from "../http/bufferRelease";
import { releaseAfterWrite } from "../http/releaseAfterWrite";
import type { RegistryHttp } from "../http/registryHttp";
import { ChunkPool } from "../http/chunkPool";
import { ResumableBodyReader, sendFirstGet } from "./resumableDownload";

/** Bytes per chunk the relay hands to the upload. */
export const RELAY_CHUNK_BYTES = 256 * 1024;

export interface BlobRelayOptions {
  abortSignal?: AbortSignalLike;
  /** Bytes per chunk handed on. The default value is RELAY_CHUNK_BYTES. */
  chunkBytes?: number;
  /** Where the chunks come from and go back to (tests read its count of reuses). */
  pool?: ChunkPool;
}

/**
 * Opens `url` (a blob of `size` bytes, named `digest` in errors) from byte
 * `offset` as a Readable of that blob's remaining bytes. Nothing is sent
 * until the stream is first read.
 */
export function openBlobRelay(
  http: RegistryHttp,
  url: string,
  digest: string,
  size: number,
  offset: number,
  options: BlobRelayOptions = {},
): Readable {
  return new BlobRelay(http, url, digest, size, offset, options);
}

class BlobRelay extends Readable implements DownloadSink {
  private readonly chunkBytes: number;
  private readonly pool: ChunkPool;
  private readonly releaser = new BufferReleaser();
  private reader?: ResumableBodyReader;
  private received: number;
  /** The chunk being filled, and how much of it is. */
  private gathering?: Buffer;
  private filled = 0;
  /** The last push found the stream full: the reader waits until `_read`. */
  private full = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly http: RegistryHttp,
    private readonly url: string,
    private readonly digest: string,
    private readonly size: number,
    private readonly offset: number,
    private readonly options: BlobRelayOptions,
  ) {
    const chunkBytes = options.chunkBytes ?? RELAY_CHUNK_BYTES;
    // Two chunks unread: the upload sends one while the next fills.
    super({ highWaterMark: 2 * chunkBytes });
    this.chunkBytes = chunkBytes;
    this.pool = options.pool ?? new ChunkPool(chunkBytes);
    this.received = offset;
  }

  get stopped(): boolean {
    return this.destroyed;
  }

  /** DownloadSink.write: counts (refusing a byte past the size) and gathers. */
  write(chunk: Buffer): boolean {
    this.received += chunk.length;
    if (this.received > this.size) {
      throw new DigestValidationError(this.digest, `more than ${this.size} bytes`, "blob");
    }
    if (this.filled === 0 && chunk.length >= this.chunkBytes) {
      // Large already (a plain-HTTP read): no copy.
      this.hand(chunk);
      return !this.full;
    }
    let at = 0;
    while (at < chunk.length) {
      this.gathering ??= this.pool.take();
      const copied = chunk.copy(this.gathering, this.filled, at);
      at += copied;
      this.filled += copied;
      if (this.filled === this.chunkBytes) {
        this.handPooled(this.gathering, this.gathering);
        this.gathering = undefined;
        this.filled = 0;
      }
    }
    // The GET asked for its socket reads to be released; its body chunks are its own copies too.
    this.releaser.release(chunk);
    return !this.full;
  }

  ready(): Promise<void> {
    if (!this.full || this.destroyed) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  override _read(): void {
    this.full = false;
    this.wake();
    if (!this.reader) {
      this.start();
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.releaser.flush();
    this.gathering = undefined;
    this.pool.drop();
    this.reader?.stop();
    this.wake();
    callback(error);
  }

  private start(): void {
    const reader = new ResumableBodyReader(this.http, this.url, this, this.size, {
      abortSignal: this.options.abortSignal,
      releaseSocketReads: true,
      startAt: this.offset,
    });
    this.reader = reader;
    const first = this.offset === 0 ? sendFirstGet(this.http, this.url, this.options.abortSignal, true) : undefined;
    (first ? first.then((response) => reader.run(response)) : reader.run()).then(
      () => this.finish(),
      (error: Error) => {
        if (!this.destroyed) {
          this.destroy(error);
        }
      },
    );
  }

  /** Every byte is in: the last chunk goes out and the stream ends (a short body errors). */
  private finish(): void {
    this.releaser.flush();
    if (this.destroyed) {
      return;
    }
    if (this.received !== this.size) {
      this.destroy(new DigestValidationError(this.digest, `${this.received} bytes instead of ${this.size}`, "blob"));
      return;
    }
    if (this.filled > 0) {
      this.handPooled(this.gathering!.subarray(0, this.filled), this.gathering!);
      this.gathering = undefined;
      this.filled = 0;
    }
    this.push(null);
  }

  private hand(chunk: Buffer): void {
    if (!this.push(chunk)) {
      this.full = true;
    }
  }

  /** Hands on `chunk` (all or the start of the pool's `whole`), which goes back to the pool once written. */
  private handPooled(chunk: Buffer, whole: Buffer): void {
    const pool = this.pool;
    releaseAfterWrite(chunk, () => pool.giveBack(whole));
    this.hand(chunk);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }
}
