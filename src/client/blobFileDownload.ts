// One blob straight to a file, on the whole-image pull's path: the body goes
// into a verified temporary file beside the destination (layout/verifiedFile.ts),
// hashed and written by the writer thread (O_DIRECT where the file system
// allows, layout/hashingWriterPool.ts) while the main thread only receives,
// resumed with Range when the connection breaks (registry/resumableDownload.ts),
// and renamed onto the destination only once digest and size checked out.
//
// The only names written are the temporary file (created exclusively, so a
// link planted under its name fails the open rather than being followed) and
// the destination, which the rename replaces: a symbolic link there is
// replaced, never written through. Both are in the destination's folder. On
// any failure or cancellation the temporary file is removed, and the
// destination is left as it was.

import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { InvalidInputError } from "./errors";
import { destroyBody } from "./http/readBody";
import type { RegistryHttp } from "./http/registryHttp";
import { HashingWriterPool } from "./layout/hashingWriterPool";
import { POOL_THRESHOLD_BYTES } from "./layout/verifiedBlobWriter";
import { openBlobFile } from "./layout/verifiedFile";
import type { TransferOptions } from "./models";
import { blobPath } from "./registry/blobPaths";
import { parseLength, ResumableBodyReader, sendFirstGet } from "./registry/resumableDownload";

export interface DownloadBlobToFileOptions extends TransferOptions {
  /** Write with O_DIRECT where the file system allows it (needs the writer thread). The default value is true. */
  directWrites?: boolean;
  /** Hash and write on a worker thread (1) or on the main thread (0). The default value is 1. */
  hashWorkers?: 0 | 1;
  /** Free received buffers once used (see DownloadBlobOptions.releaseBuffers). The default value is true. */
  releaseBuffers?: boolean;
  /** Range requests after a broken connection. The default value is 5. */
  maxResumes?: number;
}

export interface DownloadBlobToFileResult {
  digest: string;
  sizeInBytes: number;
  /** The absolute path written. */
  path: string;
}

export async function downloadBlobToFile(
  http: RegistryHttp,
  repository: string,
  digest: string,
  filePath: string,
  options: DownloadBlobToFileOptions = {},
): Promise<DownloadBlobToFileResult> {
  if (typeof filePath !== "string" || filePath.length === 0 || filePath.includes("\0")) {
    throw new InvalidInputError("filePath", String(filePath), "must be a non-empty path");
  }
  const destination = path.resolve(filePath);
  const folder = path.dirname(destination);
  const folderStats = await fs.promises.stat(folder).catch(() => undefined);
  if (!folderStats?.isDirectory()) {
    throw new InvalidInputError("filePath", filePath, "its folder does not exist");
  }
  const existing = await fs.promises.lstat(destination).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new InvalidInputError("filePath", filePath, "is a folder");
  }
  const temp = path.join(folder, `.${path.basename(destination)}.${randomBytes(4).toString("hex")}.partial`);
  const url = blobPath(repository, digest);
  const release = options.releaseBuffers ?? true;
  const first = await sendFirstGet(http, url, options.abortSignal, release);
  const size = parseLength(first.headers.get("content-length"));
  // A thread is not worth it for a few bytes (a config); unknown sizes get one.
  const pool =
    (options.hashWorkers ?? 1) > 0 && (size === undefined || size >= POOL_THRESHOLD_BYTES)
      ? new HashingWriterPool(1, { maxOpenFiles: 1, direct: options.directWrites ?? true })
      : undefined;
  let received = 0;
  try {
    const file = await openBlobFile(pool, temp, destination, digest, size, {
      // The body's chunks are node:http's own copies (http/bufferRelease.ts): they move to the thread.
      releaseChunks: release,
      onBytes: (delta) => {
        received += delta;
        options.onProgress?.({ transferredBytes: received, totalBytes: size });
      },
    });
    try {
      await new ResumableBodyReader(http, url, file, size, {
        abortSignal: options.abortSignal,
        maxResumes: options.maxResumes,
        releaseSocketReads: release,
      }).run(first);
    } catch (error) {
      await file.discard();
      throw error;
    }
    // Checks digest and size, renames onto the destination; removes the temporary file if not.
    const sizeInBytes = await file.commit();
    return { digest, sizeInBytes, path: destination };
  } finally {
    destroyBody(first.body);
    await pool?.close();
  }
}
