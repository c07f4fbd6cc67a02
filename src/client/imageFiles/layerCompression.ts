// Which decompressor a layer needs, from its media type (image-spec
// media-types.md and layer.md; Docker's image manifest v2 schema 2 names its
// gzip layers `…docker.image.rootfs.diff.tar.gzip`). Foreign and
// non-distributable layers are still tar archives of the same kinds.

import type { Transform } from "node:stream";
import * as zlib from "node:zlib";
import { UnsupportedLayerError } from "./errors";
import { FzstdDecompressStream } from "./zstdStream";

export type LayerCompression = "none" | "gzip" | "zstd";

const COMPRESSION_BY_MEDIA_TYPE: Record<string, LayerCompression> = {
  "application/vnd.oci.image.layer.v1.tar": "none",
  "application/vnd.oci.image.layer.v1.tar+gzip": "gzip",
  "application/vnd.oci.image.layer.v1.tar+zstd": "zstd",
  "application/vnd.oci.image.layer.nondistributable.v1.tar": "none",
  "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip": "gzip",
  "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd": "zstd",
  "application/vnd.docker.image.rootfs.diff.tar": "none",
  "application/vnd.docker.image.rootfs.diff.tar.gzip": "gzip",
  "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip": "gzip",
  "application/vnd.docker.image.rootfs.diff.tar.zstd": "zstd",
};

export function layerCompression(mediaType: string, layerDigest: string): LayerCompression {
  const compression = COMPRESSION_BY_MEDIA_TYPE[mediaType];
  if (compression === undefined) {
    throw new UnsupportedLayerError(mediaType, { layerDigest });
  }
  return compression;
}

/**
 * Output chunks of 1 MiB rather than zlib's 16 KiB: each chunk is one job on
 * libuv's thread pool and one wake-up of the main thread, then one trip
 * through the tar parser and the cache writer. On two cores the wake-ups of
 * 128 KiB chunks preempted the main thread (bench/README.md, issue 14, session 5).
 */
const GUNZIP_CHUNK_BYTES = 1024 * 1024;

type ZlibWithZstd = typeof zlib & { createZstdDecompress?: () => Transform };

/**
 * A stream that turns the layer's bytes into tar bytes. zstd uses Node's
 * zlib where the running Node has it (22.15+, the extension host of newer VS
 * Code) and the pure-JS fzstd elsewhere, so no native module is needed.
 */
export function createDecompressor(compression: LayerCompression): Transform | undefined {
  switch (compression) {
    case "none":
      return undefined;
    case "gzip":
      return zlib.createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
    case "zstd": {
      const native = (zlib as ZlibWithZstd).createZstdDecompress;
      return native ? native() : new FzstdDecompressStream();
    }
  }
}
