// Data an upload can read again from any offset. A one-shot stream cannot be
// resent once its bytes are on the wire, so an upload that breaks halfway can
// only resume (or restart) when the data can be reopened: bytes in memory, a
// file, or anything the caller can seek.

import { Readable } from "node:stream";

/** Blob data that can be reopened at any offset, so a broken upload can resume or restart. */
export interface ReopenableBlobSource {
  /** Exact size in bytes; a source that yields more or fewer fails the upload. */
  sizeInBytes: number;
  /** A stream of the bytes from `offset` to the end. Called again after a failure. */
  open(offset: number): Readable | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;
  /** The digest, when known: skips re-reading the start to rebuild the hash after a resume, and lets an existing blob be skipped. */
  digest?: string;
}

/** Anything `uploadBlob` accepts. Only bytes and reopenable sources survive a broken connection. */
export type UploadBlobData = Readable | NodeJS.ReadableStream | Uint8Array | ReopenableBlobSource;

export function isReopenableSource(data: unknown): data is ReopenableBlobSource {
  const candidate = data as ReopenableBlobSource | undefined;
  return typeof candidate?.open === "function" && typeof candidate.sizeInBytes === "number";
}

export function bytesSource(bytes: Uint8Array, digest: string): ReopenableBlobSource {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    sizeInBytes: buffer.length,
    digest,
    // One chunk per 1 MiB, so upload progress and the idle timer see movement.
    open: (offset) => Readable.from(chunks(buffer.subarray(offset), 1024 * 1024), { objectMode: false }),
  };
}

function* chunks(buffer: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < buffer.length; at += size) {
    yield buffer.subarray(at, at + size);
  }
}
