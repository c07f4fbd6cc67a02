// Bytes from the network to a file, hashed on the way, under a temporary name
// until the digest and size check out; then renamed into place (rename is
// atomic within a directory), so a reader never sees a partial or wrong blob.

import * as fs from "node:fs";
import { createHash } from "node:crypto";
import type { AbortSignalLike } from "@azure/abort-controller";
import { DigestValidationError } from "../errors";
import { splitDigest } from "../reference";
import type { HashingWriterPool } from "./hashingWriterPool";

export interface WriteVerifiedOptions {
  abortSignal?: AbortSignalLike;
  /** Bytes gathered before one write call. The default value is 1 MiB. */
  writeBufferBytes?: number;
  onBytes?: (delta: number) => void;
}

/**
 * Streams `body` into `tempPath` while hashing it, then renames it to
 * `finalPath` if it matches `digest` (and `size`); otherwise removes it and
 * throws DigestValidationError. Resolves to the number of bytes written.
 */
export async function writeVerifiedFile(
  body: NodeJS.ReadableStream | undefined,
  tempPath: string,
  finalPath: string,
  digest: string,
  size: number | undefined,
  options: WriteVerifiedOptions = {},
): Promise<number> {
  const hash = createHash(splitDigest(digest)[0]);
  const limit = options.writeBufferBytes ?? 1024 * 1024;
  const file = await fs.promises.open(tempPath, "wx");
  let written = 0;
  let ok = false;
  try {
    // Chunks off a TLS socket are at most 16 KiB; writing each one would be a
    // thread-pool round trip per 16 KiB. They are gathered into one write of
    // up to `limit` bytes instead, while the next ones keep arriving.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let inFlight: Promise<unknown> = Promise.resolve();
    const flush = async (): Promise<void> => {
      const buffers = pending;
      pending = [];
      pendingBytes = 0;
      await inFlight;
      inFlight = file.writev(buffers);
    };
    if (body) {
      for await (const raw of body as AsyncIterable<Buffer | string>) {
        const chunk = typeof raw === "string" ? Buffer.from(raw) : raw;
        if (options.abortSignal?.aborted) {
          throw abortError();
        }
        written += chunk.length;
        if (size !== undefined && written > size) {
          throw new DigestValidationError(digest, `more than ${size} bytes`, "blob");
        }
        hash.update(chunk);
        pending.push(chunk);
        pendingBytes += chunk.length;
        options.onBytes?.(chunk.length);
        if (pendingBytes >= limit) {
          await flush();
        }
      }
    }
    await flush();
    await inFlight;
    const actual = `${splitDigest(digest)[0]}:${hash.digest("hex")}`;
    if (actual !== digest) {
      throw new DigestValidationError(digest, actual, "blob");
    }
    if (size !== undefined && written !== size) {
      throw new DigestValidationError(digest, `${written} bytes instead of ${size}`, "blob");
    }
    ok = true;
  } finally {
    await file.close().catch(() => undefined);
    if (!ok) {
      (body as { destroy?: () => void } | undefined)?.destroy?.();
      await fs.promises.rm(tempPath, { force: true });
    }
  }
  await fs.promises.rename(tempPath, finalPath);
  return written;
}

export interface PooledWriteOptions extends WriteVerifiedOptions {
  /** Batches handed to the worker and not yet written, per file. The default value is 4. */
  maxBatchesInFlight?: number;
}

/**
 * As writeVerifiedFile, with the hashing and the writes done by a worker of
 * `pool` (hashingWriterPool.ts), so that the main thread only receives.
 */
export async function writeVerifiedFileWithPool(
  body: NodeJS.ReadableStream | undefined,
  pool: HashingWriterPool,
  tempPath: string,
  finalPath: string,
  digest: string,
  size: number | undefined,
  options: PooledWriteOptions = {},
): Promise<number> {
  const [algorithm] = splitDigest(digest);
  const writer = pool.open(tempPath, algorithm, {
    batchBytes: options.writeBufferBytes ?? 256 * 1024,
    maxBatchesInFlight: options.maxBatchesInFlight ?? 4,
  });
  let written = 0;
  try {
    if (body) {
      await new Promise<void>((resolve, reject) => {
        const stream = body as NodeJS.ReadableStream & { destroy?: (error?: Error) => void };
        const fail = (error: Error): void => {
          stream.removeListener("data", onData);
          stream.destroy?.();
          reject(error);
        };
        const onAbort = (): void => fail(abortError());
        options.abortSignal?.addEventListener("abort", onAbort);
        // 'data' events with pause/resume rather than for-await: one promise per
        // 16 KiB TLS record adds up over a gigabyte.
        const onData = (raw: Buffer | string): void => {
          const chunk = typeof raw === "string" ? Buffer.from(raw) : raw;
          written += chunk.length;
          if (size !== undefined && written > size) {
            fail(new DigestValidationError(digest, `more than ${size} bytes`, "blob"));
            return;
          }
          try {
            writer.write(chunk);
          } catch (error) {
            fail(error as Error);
            return;
          }
          options.onBytes?.(chunk.length);
          if (writer.saturated) {
            stream.pause();
            writer.whenReady().then(() => stream.resume());
          }
        };
        stream.on("data", onData);
        stream.once("error", (error: Error) => fail(error));
        stream.once("end", () => {
          options.abortSignal?.removeEventListener("abort", onAbort);
          resolve();
        });
      });
    }
    const actual = `${algorithm}:${await writer.finish()}`;
    if (actual !== digest) {
      await fs.promises.rm(tempPath, { force: true });
      throw new DigestValidationError(digest, actual, "blob");
    }
    if (size !== undefined && written !== size) {
      await fs.promises.rm(tempPath, { force: true });
      throw new DigestValidationError(digest, `${written} bytes instead of ${size}`, "blob");
    }
  } catch (error) {
    await writer.abort().catch(() => undefined);
    await fs.promises.rm(tempPath, { force: true });
    throw error;
  }
  await fs.promises.rename(tempPath, finalPath);
  return written;
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

function abortError(): Error {
  const error = new Error("The operation was aborted.");
  error.name = "AbortError";
  return error;
}
