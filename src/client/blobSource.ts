// Data an upload can read again from any offset. A one-shot stream cannot be
// resent once its bytes are on the wire, so an upload that breaks halfway can
// only resume (or restart) when the data can be reopened: bytes in memory, a
// file, or anything the caller can seek.

import * as fs from "node:fs";
import { Readable } from "node:stream";
import { InvalidInputError } from "./errors";

/** Blob data that can be reopened at any offset, so a broken upload can resume or restart. */
export interface ReopenableBlobSource {
  /** Exact size in bytes; a source that yields more or fewer fails the upload. */
  sizeInBytes: number;
  /** A stream of the bytes from `offset` to the end. Called again after a failure. */
  open(offset: number): Readable | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;
  /** The digest, when known: skips re-reading the start to rebuild the hash after a resume, and lets an existing blob be skipped. */
  digest?: string;
}

/**
 * Anything `uploadBlob` accepts: bytes, a reopenable source, a file's path,
 * or a stream. Bytes, reopenable sources, paths and unread
 * `fs.createReadStream(path)` streams survive a broken connection; other
 * streams cannot be sent again.
 */
export type UploadBlobData = Readable | NodeJS.ReadableStream | Uint8Array | ReopenableBlobSource | string;

/** Bytes per read of a file upload: what a whole-image push reads its layout with (layout/ociLayoutStore.ts). */
export const FILE_READ_BYTES = 256 * 1024;

/**
 * The file behind `data` when it can be read as a reopenable source: a path,
 * or an `fs.ReadStream` of a whole file (no `start`/`end`) that nothing has
 * read yet (`fs.createReadStream(path)` as written in the Azure SDK's
 * README). Such a stream is closed unread and its file reopened with large
 * reads, at any offset after a broken connection. Undefined for anything else.
 */
export function uploadFilePath(data: unknown): string | undefined {
  if (typeof data === "string") {
    return data;
  }
  if (!(data instanceof fs.ReadStream) || typeof data.path !== "string") {
    return undefined;
  }
  const window = data as fs.ReadStream & { start?: number; end?: number };
  const whole = (window.start === undefined || window.start === 0) && (window.end === undefined || window.end === Infinity);
  const unread = data.bytesRead === 0 && !data.readableDidRead && data.readableFlowing !== true && !data.destroyed;
  return whole && unread ? data.path : undefined;
}

/**
 * Opens the file at `filePath` as a reopenable source, read `readBytes` at a
 * time. A stream it came from is closed first (its own open errors go
 * nowhere: this one reports them).
 */
export async function reopenableFile(filePath: string, from?: unknown, readBytes = FILE_READ_BYTES): Promise<ReopenableBlobSource> {
  if (from instanceof fs.ReadStream) {
    from.on("error", () => undefined);
    from.destroy();
  }
  if (filePath.length === 0 || filePath.includes("\0")) {
    throw new InvalidInputError("file path", filePath, "must be a non-empty path");
  }
  const stats = await fs.promises.stat(filePath);
  if (!stats.isFile()) {
    throw new InvalidInputError("file path", filePath, "is not a regular file");
  }
  const sizeInBytes = stats.size;
  return { sizeInBytes, open: (offset) => fs.createReadStream(filePath, { start: offset, highWaterMark: readBytes }) };
}

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
