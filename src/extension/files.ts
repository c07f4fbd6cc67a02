// Files written by pull and blob download: always to a temporary name in the
// destination folder (so a rename is atomic on one file system), renamed
// only after the client verified the digest, and removed on any failure or
// cancellation, so no partial file is ever left under a real name.

import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import type { ContainerRegistryClient } from "../client/index";

export function temporaryPath(folder: string, name: string): string {
  return path.join(folder, `.${name}.${randomBytes(6).toString("hex")}.partial`);
}

/** Removes temporary files; missing ones are fine. */
export async function removeQuietly(files: Iterable<string>): Promise<void> {
  await Promise.all([...files].map((file) => fs.promises.rm(file, { force: true }).catch(() => undefined)));
}

/**
 * Streams a blob into `temporaryFile` (created exclusively). Resolves once the
 * client has verified the digest and the size matches; the caller renames it.
 */
export async function downloadBlobToFile(
  client: ContainerRegistryClient,
  repository: string,
  digest: string,
  temporaryFile: string,
  options: { abortSignal: AbortSignal; expectedSize?: number; onBytes?: (bytes: number, total?: number) => void },
): Promise<number> {
  const { content, sizeInBytes } = await client.downloadBlob(repository, digest, {
    abortSignal: options.abortSignal,
    onProgress: (p) => options.onBytes?.(p.transferredBytes, p.totalBytes ?? options.expectedSize),
  });
  let written = 0;
  const stream = content as NodeJS.ReadableStream & { destroy?: (error?: Error) => void };
  const onAbort = (): void => stream.destroy?.(Object.assign(new Error("The download was cancelled"), { name: "AbortError" }));
  options.abortSignal.addEventListener("abort", onAbort, { once: true });
  if (options.abortSignal.aborted) {
    onAbort();
  }
  try {
    const output = fs.createWriteStream(temporaryFile, { flags: "wx" });
    await pipeline(
      stream,
      async function* (source: AsyncIterable<Buffer | string>) {
        for await (const chunk of source) {
          written += Buffer.byteLength(chunk);
          yield chunk;
        }
      },
      output,
    );
  } finally {
    options.abortSignal.removeEventListener("abort", onAbort);
  }
  const expected = options.expectedSize ?? sizeInBytes;
  if (expected !== undefined && written !== expected) {
    throw new Error(`${digest} has ${written} bytes, but ${expected} were announced`);
  }
  return written;
}
