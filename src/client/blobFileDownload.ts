// One blob straight to a file, on the whole-image pull's path: the body goes
// into a verified temporary file beside the destination (layout/verifiedFile.ts),
// hashed and written by the writer thread (O_DIRECT where the file system
// allows, layout/hashingWriterPool.ts; threads shared by up to four downloads
// in flight). A blob of 1 MiB or more is received by that thread itself, on
// its own connection (registry/blobGetGrant.ts, http/blobReceiverWorker.ts);
// otherwise (a smaller blob, a proxy, a caller's HTTP client) the main thread
// receives and hands the bytes over. Either way it is
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
import { grantBlobGet } from "./registry/blobGetGrant";
import { receiveBlobFile } from "./layout/receivedBlobFile";

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
  const threaded = (options.hashWorkers ?? 1) > 0;
  // Received on the writer thread itself where the GET can be handed over (registry/blobGetGrant.ts).
  const grant = threaded ? await grantBlobGet(http, url, { abortSignal: options.abortSignal, maxResumes: options.maxResumes }) : undefined;
  if (grant) {
    const taken = sharedWriters.acquire(options.directWrites ?? true);
    let received = 0;
    let failedOnThread = true;
    try {
      const sizeInBytes = await receiveBlobFile(taken.pool, grant, temp, destination, digest, {
        abortSignal: options.abortSignal,
        onBytes: (delta) => {
          received += delta;
          options.onProgress?.({ transferredBytes: received, totalBytes: grant.size });
        },
      });
      failedOnThread = false;
      return { digest, sizeInBytes, path: destination };
    } finally {
      await taken.release(failedOnThread);
    }
  }
  const release = options.releaseBuffers ?? true;
  const first = await sendFirstGet(http, url, options.abortSignal, release);
  const size = parseLength(first.headers.get("content-length"));
  // A thread is not worth it for a few bytes (a config); unknown sizes get one.
  const lease =
    threaded && (size === undefined || size >= POOL_THRESHOLD_BYTES) ? sharedWriters.acquire(options.directWrites ?? true) : undefined;
  let received = 0;
  let failed = true;
  try {
    const file = await openBlobFile(lease?.pool, temp, destination, digest, size, {
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
    failed = false;
    return { digest, sizeInBytes, path: destination };
  } finally {
    destroyBody(first.body);
    await lease?.release(failed);
  }
}

/** Files one writer thread takes at once: the whole-image pull's default blobs in flight. */
const FILES_PER_WRITER = 4;

interface SharedWriter {
  pool: HashingWriterPool;
  direct: boolean;
  users: number;
}

/**
 * Writer threads shared by the downloads in flight, so that parallel calls
 * (a layer each, as a user writes them) do not start a thread each: up to
 * FILES_PER_WRITER files per thread (its slots are sized for that many), a
 * new thread past that, and each thread closed once its last file is done.
 */
class SharedWriters {
  private current?: SharedWriter;

  acquire(direct: boolean): { pool: HashingWriterPool; release(failed: boolean): Promise<void> } {
    let writer = this.current;
    if (!writer || writer.direct !== direct || writer.users >= FILES_PER_WRITER) {
      writer = { pool: new HashingWriterPool(1, { maxOpenFiles: FILES_PER_WRITER, direct }), direct, users: 0 };
      this.current = writer;
    }
    writer.users++;
    const taken = writer;
    return {
      pool: taken.pool,
      release: async (failed) => {
        taken.users--;
        // A failure may be the thread's own (it died): later downloads get a fresh one.
        if (this.current === taken && (failed || taken.users === 0)) {
          this.current = undefined;
        }
        if (taken.users === 0) {
          await taken.pool.close();
        }
      },
    };
  }
}

const sharedWriters = new SharedWriters();
