// Streams one layer once: decompresses it, counts the expanded bytes against
// the limit (a gzip bomb stops at the limit, not at the end), writes the
// uncompressed tar to `tarPath` and parses it with tar-stream as it goes, so
// each entry (and its data offset) is known as soon as its header arrives.
// Nothing holds more than a write batch and tar-stream's header buffer.
//
// tar-stream rather than a parser of our own: it is well kept, handles pax,
// GNU long names and base-256 sizes, caps long headers at 4 MiB, and its
// entry streams expose the header offset we need for the index.

import { createHash, type Hash } from "node:crypto";
import * as fs from "node:fs";
import type { Readable } from "node:stream";
import * as tar from "tar-stream";
import { DigestValidationError, RegistryError } from "../errors";
import { entryComponents, printableName, whiteoutOf, MAX_PATH_BYTES } from "./entryPath";
import { CorruptLayerError, ImageContentError, LayerTooLargeError, UnsafeLayerEntryError } from "./errors";
import { createDecompressor, type LayerCompression } from "./layerCompression";
import type { ImageFileType, LayerEntry } from "./layerEntry";
import { MAX_ZSTD_WINDOW_BYTES, ZstdWindowTooLargeError } from "./zstdStream";

export interface LayerLimits {
  /** Most uncompressed bytes one layer may expand to. */
  maxLayerBytes: number;
  /** Most entries one layer may hold. */
  maxEntries: number;
  /** Most bytes of entry names and link targets one layer may hold: the index is kept in memory while it is built. */
  maxNameBytes: number;
}

export interface IndexLayerInput {
  digest: string;
  compression: LayerCompression;
  /** The layer's verified bytes (downloadBlob's stream). */
  content: NodeJS.ReadableStream;
  /** The config's `rootfs.diff_ids` entry for this layer, checked against the uncompressed bytes. */
  expectedDiffId?: string;
  tarPath: string;
  limits: LayerLimits;
  onEntry(entry: LayerEntry): void;
  /** Uncompressed bytes so far. */
  onTarBytes?(bytes: number): void;
}

export interface IndexLayerResult {
  tarBytes: number;
  /** sha256 of the uncompressed tar (image-spec config.md `rootfs.diff_ids`). */
  diffId: string;
  entryCount: number;
}

const WRITE_BATCH_BYTES = 1024 * 1024;

export async function indexLayer(input: IndexLayerInput): Promise<IndexLayerResult> {
  const { digest, limits } = input;
  const content = input.content as Readable;
  // The download is already flowing: an error (a cancel, a digest mismatch) can come before the loop below listens.
  let contentError: Error | undefined;
  content.on("error", (error) => {
    contentError ??= error;
  });
  // Read through a function: the listeners set it, which the compiler's narrowing cannot see.
  const throwIfContentFailed = (): void => {
    if (contentError !== undefined) {
      throw contentError;
    }
  };
  const decompressor = createDecompressor(input.compression);
  const tarBytes: AsyncIterable<Buffer> = decompressor ? content.pipe(decompressor) : content;
  if (decompressor) {
    content.on("error", (error) => decompressor.destroy(error));
    decompressor.on("error", (error) => {
      contentError ??= error;
    });
  }
  // For an uncompressed layer the blob digest, already verified, is the diff_id.
  const hash: Hash | undefined = input.compression === "none" ? undefined : createHash("sha256");

  const extract = tar.extract();
  let entryCount = 0;
  let nameBytes = 0;
  let parseError: Error | undefined;
  extract.on("error", (error) => {
    parseError ??= error;
  });
  extract.on("entry", (header, stream, next) => {
    // tar-stream fails the entry's stream too when the archive fails; the archive's error is the one reported.
    stream.on("error", () => undefined);
    try {
      const entry = toLayerEntry(header, stream as unknown as { offset: number }, digest, limits);
      if (++entryCount > limits.maxEntries) {
        throw new LayerTooLargeError(`Layer ${digest} has more than ${limits.maxEntries} entries`, limits.maxEntries, {
          layerDigest: digest,
        });
      }
      nameBytes += Buffer.byteLength(entry.path) + (entry.linkTarget === undefined ? 0 : Buffer.byteLength(entry.linkTarget));
      if (nameBytes > limits.maxNameBytes) {
        throw new LayerTooLargeError(`Layer ${digest} has more than ${limits.maxNameBytes} bytes of entry names`, limits.maxNameBytes, {
          layerDigest: digest,
        });
      }
      input.onEntry(entry);
    } catch (error) {
      parseError ??= error as Error;
      extract.destroy(error as Error);
      return;
    }
    stream.on("end", next);
    stream.resume();
  });

  const file = await fs.promises.open(input.tarPath, "wx", 0o600);
  let total = 0;
  try {
    throwIfContentFailed();
    let batch: Buffer[] = [];
    let batchBytes = 0;
    const flush = async (): Promise<void> => {
      if (batchBytes > 0) {
        await file.writev(batch);
        batch = [];
        batchBytes = 0;
      }
    };
    for await (const chunk of tarBytes) {
      total += chunk.length;
      if (total > limits.maxLayerBytes) {
        throw new LayerTooLargeError(`Layer ${digest} expands to more than ${limits.maxLayerBytes} bytes`, limits.maxLayerBytes, {
          layerDigest: digest,
        });
      }
      hash?.update(chunk);
      input.onTarBytes?.(total);
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= WRITE_BATCH_BYTES) {
        await flush();
      }
      if (!extract.write(chunk)) {
        await waitForDrain(extract, () => parseError);
      }
      if (parseError !== undefined) {
        throw parseError;
      }
    }
    throwIfContentFailed();
    await flush();
    await endExtract(extract, () => parseError);
    if (parseError !== undefined) {
      throw parseError;
    }
  } catch (error) {
    content.destroy();
    decompressor?.destroy();
    extract.destroy();
    throw classify(error, digest);
  } finally {
    await file.close();
  }
  const diffId = hash ? `sha256:${hash.digest("hex")}` : digest;
  if (input.expectedDiffId !== undefined && input.expectedDiffId !== diffId) {
    throw new DigestValidationError(input.expectedDiffId, diffId, `uncompressed layer ${digest} (rootfs.diff_ids)`);
  }
  return { tarBytes: total, diffId, entryCount };
}

function toLayerEntry(header: tar.Headers, stream: { offset: number }, digest: string, limits: LayerLimits): LayerEntry {
  const refuse = (why: string): never => {
    throw new UnsafeLayerEntryError(`Layer ${digest} has an entry ${printableName(header.name)} that ${why}`, {
      layerDigest: digest,
      entryPath: printableName(header.name),
    });
  };
  const size = header.size ?? 0;
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new CorruptLayerError(`Layer ${digest} has an entry ${printableName(header.name)} with an invalid size`, {
      layerDigest: digest,
      entryPath: printableName(header.name),
    });
  }
  if (size > limits.maxLayerBytes) {
    throw new LayerTooLargeError(
      `Layer ${digest} has an entry ${printableName(header.name)} of ${size} bytes, over the ${limits.maxLayerBytes}-byte limit`,
      limits.maxLayerBytes,
      {
        layerDigest: digest,
        entryPath: printableName(header.name),
      },
    );
  }
  const components = entryComponents(header.name, digest);
  const type = fileType(header.type);
  const entry: LayerEntry = {
    path: components.join("/"),
    type,
    size: type === "file" ? size : 0,
    mode: (header.mode ?? 0) & 0o7777,
    mtimeMs: header.mtime instanceof Date && !Number.isNaN(header.mtime.getTime()) ? header.mtime.getTime() : 0,
    uid: header.uid ?? 0,
    gid: header.gid ?? 0,
    // The entry's header is the last 512 bytes before its content (pax and GNU long-name records come before it).
    dataOffset: stream.offset + 512,
  };
  const last = components[components.length - 1];
  const whiteout = last === undefined ? undefined : whiteoutOf(last, digest);
  if (whiteout?.kind === "opaque") {
    return { ...entry, path: components.slice(0, -1).join("/"), type: "other", size: 0, whiteout: "opaque" };
  }
  if (whiteout?.kind === "whiteout") {
    return { ...entry, path: [...components.slice(0, -1), whiteout.hiddenName].join("/"), type: "other", size: 0, whiteout: "file" };
  }
  if (type === "symlink" || type === "hardlink") {
    const target = header.linkname ?? "";
    if (target.includes("\0") || Buffer.byteLength(target) > MAX_PATH_BYTES || target === "") {
      refuse("has an empty, over-long or NUL-bearing link target");
    }
    // A hard link names another entry of the archive: the same rules as entry names.
    entry.linkTarget = type === "hardlink" ? entryComponents(target, digest).join("/") : target;
  }
  return entry;
}

function fileType(type: tar.Headers["type"]): ImageFileType {
  switch (type) {
    case "file":
    case "contiguous-file":
      return "file";
    case "directory":
      return "directory";
    case "symlink":
      return "symlink";
    case "link":
      return "hardlink";
    default:
      return "other";
  }
}

function waitForDrain(extract: tar.Extract, failed: () => Error | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      extract.off("drain", done);
      extract.off("close", done);
      resolve();
    };
    if (failed() !== undefined) {
      resolve();
      return;
    }
    extract.on("drain", done);
    extract.on("close", done);
  });
}

function endExtract(extract: tar.Extract, failed: () => Error | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (failed() !== undefined) {
      resolve();
      return;
    }
    extract.on("finish", resolve);
    extract.on("close", resolve);
    extract.end();
  });
}

/** Decompression and tar errors become CorruptLayerError; the library's own errors (digest, abort, HTTP) pass through. */
function classify(error: unknown, digest: string): unknown {
  if (error instanceof ImageContentError || error instanceof DigestValidationError) {
    return error;
  }
  if (error instanceof ZstdWindowTooLargeError) {
    return new LayerTooLargeError(`Layer ${digest}: ${error.message}`, MAX_ZSTD_WINDOW_BYTES, { layerDigest: digest, cause: error });
  }
  const name = (error as { name?: string })?.name;
  if (name === "AbortError" || error instanceof RegistryError) {
    return error;
  }
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "ZSTD_error_frameParameter_windowTooLarge") {
    // Node's own zstd refuses windows over its default limit, as our check does before fzstd.
    return new LayerTooLargeError(
      `Layer ${digest}: the zstd frame's window is over the ${MAX_ZSTD_WINDOW_BYTES}-byte limit`,
      MAX_ZSTD_WINDOW_BYTES,
      {
        layerDigest: digest,
        cause: error,
      },
    );
  }
  const isZlib = typeof code === "string" && (code.startsWith("Z_") || code.startsWith("ZSTD_"));
  const isTar = /tar header|end of data|Header exceeds|Invalid header|unknown format/i.test(message);
  const isZstd = typeof code === "number" || /zstd|unexpected EOF/i.test(message);
  if (isZlib || isTar || isZstd) {
    return new CorruptLayerError(`Layer ${digest} is not a readable tar stream: ${message}`, { layerDigest: digest, cause: error });
  }
  return error;
}
