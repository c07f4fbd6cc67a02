// Typed errors of the image file system. They subclass RegistryError so a
// caller that catches the library's errors catches these too; none carries a
// URL or a credential, only the image, the layer and the entry concerned.

import { RegistryError } from "../errors";

export interface ImageContentErrorInit {
  /** The layer's digest, when the error concerns one layer. */
  layerDigest?: string;
  /** The entry's path inside the layer (already made printable). */
  entryPath?: string;
  cause?: unknown;
}

/** The content of an image (a layer's bytes, its tar entries, the config) cannot be used. */
export class ImageContentError extends RegistryError {
  override name = "ImageContentError";
  readonly layerDigest?: string;
  readonly entryPath?: string;
  constructor(message: string, init: ImageContentErrorInit = {}) {
    super(message, { operation: "read image files", cause: init.cause });
    this.layerDigest = init.layerDigest;
    this.entryPath = init.entryPath;
  }
}

/** A tar entry whose name would escape the image's root, or cannot be a path (`..`, NUL bytes, over PATH_MAX). */
export class UnsafeLayerEntryError extends ImageContentError {
  override name = "UnsafeLayerEntryError";
}

/** A layer is not a valid tar stream, its compression is broken, or it ends early. */
export class CorruptLayerError extends ImageContentError {
  override name = "CorruptLayerError";
}

/** A layer expands beyond the limit (a gzip bomb), or an entry declares a size beyond it. */
export class LayerTooLargeError extends ImageContentError {
  override name = "LayerTooLargeError";
  constructor(
    message: string,
    readonly limitBytes: number,
    init: ImageContentErrorInit = {},
  ) {
    super(message, init);
  }
}

/** A layer's media type is not one this library can read (e.g. a foreign or encrypted layer). */
export class UnsupportedLayerError extends ImageContentError {
  override name = "UnsupportedLayerError";
  constructor(
    readonly mediaType: string,
    init: ImageContentErrorInit = {},
  ) {
    super(`Layer media type ${JSON.stringify(mediaType)} is not supported (tar, tar+gzip and tar+zstd are)`, init);
  }
}

export type ImagePathErrorCode = "ENOENT" | "ENOTDIR" | "EISDIR" | "ELOOP" | "EFBIG";

/**
 * A path inside the image cannot be used as asked: it does not exist, is not
 * a directory, is a directory, has too many symbolic links, or the file is
 * over `maxBytes`. `errno` follows the POSIX errno names VS Code also maps.
 */
export class ImagePathError extends ImageContentError {
  override name = "ImagePathError";
  constructor(
    readonly errno: ImagePathErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(`${message}: ${path}`, { entryPath: path });
  }
}
