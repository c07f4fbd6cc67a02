// A blob received on a writer thread (hashingWriterPool.ts `receive`) into a
// temporary file beside its destination, renamed into place only once the
// digest and size check out, as verifiedFile.ts does for bytes received on
// the main thread. On any failure or cancellation the temporary file is gone
// (the thread removes it; a mismatch is removed here) and the destination is
// left as it was.

import * as fs from "node:fs";
import type { AbortSignalLike } from "@azure/abort-controller";
import type { BlobGetGrant } from "../blobGet";
import { DigestValidationError } from "../errors";
import { splitDigest } from "../reference";
import type { HashingWriterPool } from "./hashingWriterPool";

export async function receiveBlobFile(
  pool: HashingWriterPool,
  grant: BlobGetGrant,
  tempPath: string,
  finalPath: string,
  digest: string,
  options: { abortSignal?: AbortSignalLike; onBytes?: (delta: number) => void },
): Promise<number> {
  const [algorithm] = splitDigest(digest);
  try {
    const { hex, bytes } = await pool.receive(tempPath, algorithm, grant, options);
    const actual = `${algorithm}:${hex}`;
    if (actual !== digest) {
      throw new DigestValidationError(digest, actual, "blob");
    }
    if (bytes !== grant.size) {
      throw new DigestValidationError(digest, `${bytes} bytes instead of ${grant.size}`, "blob");
    }
    await fs.promises.rename(tempPath, finalPath);
    return bytes;
  } catch (error) {
    await fs.promises.rm(tempPath, { force: true });
    if ((error as { kind?: string }).kind === "tooMany") {
      throw new DigestValidationError(digest, `more than ${grant.size} bytes`, "blob");
    }
    throw error;
  }
}
