// A Transform over fzstd's streaming decompressor, for a Node without
// zlib.createZstdDecompress. fzstd pushes output through a callback; each
// block is copied out because fzstd keeps it in its window afterwards.
//
// fzstd allocates the window a frame header declares, up to 2 GiB, so the
// first frame's window is checked here against the limit zstd's own decoder
// applies by default (RFC 8878 section 3.1.1.1.2; zstd's
// ZSTD_WINDOWLOG_LIMIT_DEFAULT is 27, i.e. 128 MiB).

import { Transform, type TransformCallback } from "node:stream";
import { Decompress } from "fzstd";

/** zstd's default decoder window limit (`--long=27`). */
export const MAX_ZSTD_WINDOW_BYTES = 128 * 1024 * 1024;

/** The window size a zstd frame header declares, or undefined when `header` is too short or not a zstd frame. */
export function zstdWindowSize(header: Uint8Array): number | undefined {
  if (header.length < 6 || header[0] !== 0x28 || header[1] !== 0xb5 || header[2] !== 0x2f || header[3] !== 0xfd) {
    return undefined;
  }
  const descriptor = header[4];
  const singleSegment = (descriptor >> 5) & 1;
  if (!singleSegment) {
    const exponent = header[5] >> 3;
    const base = 2 ** (10 + exponent);
    return base + (base / 8) * (header[5] & 7);
  }
  // Single segment: the window is the frame content size that follows the dictionary id.
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 3];
  const sizeBytes = [1, 2, 4, 8][descriptor >> 6];
  const start = 5 + dictionaryBytes;
  if (header.length < start + sizeBytes) {
    return undefined;
  }
  let size = 0;
  for (let i = sizeBytes - 1; i >= 0; i--) {
    size = size * 256 + header[start + i];
  }
  return sizeBytes === 2 ? size + 256 : size;
}

export class FzstdDecompressStream extends Transform {
  private readonly decoder: Decompress;
  private head: Buffer | undefined = Buffer.alloc(0);

  constructor() {
    super();
    this.decoder = new Decompress((chunk) => {
      this.push(Buffer.from(chunk));
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      if (this.head) {
        // Hold bytes back until the first frame header is complete (at most 18 bytes).
        this.head = Buffer.concat([this.head, chunk]);
        const window = zstdWindowSize(this.head);
        if (window === undefined && this.head.length < 18) {
          callback();
          return;
        }
        if (window !== undefined && window > MAX_ZSTD_WINDOW_BYTES) {
          throw new ZstdWindowTooLargeError(window);
        }
        chunk = this.head;
        this.head = undefined;
      }
      this.decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      callback();
    } catch (error) {
      callback(asError(error));
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.head && this.head.length > 0) {
        this.decoder.push(new Uint8Array(this.head.buffer, this.head.byteOffset, this.head.byteLength));
      }
      this.decoder.push(new Uint8Array(0), true);
      callback();
    } catch (error) {
      callback(asError(error));
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** A zstd frame asks for a window larger than MAX_ZSTD_WINDOW_BYTES. */
export class ZstdWindowTooLargeError extends Error {
  override name = "ZstdWindowTooLargeError";
  constructor(readonly windowBytes: number) {
    super(`zstd frame window of ${windowBytes} bytes is over the ${MAX_ZSTD_WINDOW_BYTES}-byte limit`);
  }
}
