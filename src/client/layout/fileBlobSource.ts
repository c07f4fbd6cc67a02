// Files as reopenable blob sources: an upload that breaks reopens the file at
// the offset where the registry stopped (registry/uploadBlob.ts).

import * as fs from "node:fs";
import type { ReopenableBlobSource } from "../blobSource";
import { InvalidInputError } from "../errors";

/** A file as a reopenable upload source (its size is read now; it must not change during the upload). */
export async function fileBlobSource(filePath: string, digest?: string): Promise<ReopenableBlobSource> {
  const stats = await fs.promises.stat(filePath);
  if (!stats.isFile()) {
    throw new InvalidInputError("filePath", filePath, "is not a regular file");
  }
  return openFileSource(filePath, stats.size, digest);
}

/**
 * A file of known size as a reopenable source, read `readBufferBytes` at a
 * time (the default value is 64 KiB, fs.createReadStream's own).
 */
export function openFileSource(filePath: string, sizeInBytes: number, digest?: string, readBufferBytes?: number): ReopenableBlobSource {
  return {
    sizeInBytes,
    digest,
    open: (offset) => fs.createReadStream(filePath, { start: offset, highWaterMark: readBufferBytes ?? 64 * 1024 }),
  };
}
