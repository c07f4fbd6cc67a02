// A file read from an offset to its end into chunks from a pool
// (http/chunkPool.ts), each chunk given back once the upload's request has
// written it (http/releaseAfterWrite.ts), where fs.createReadStream allocates
// a fresh buffer per read that only a garbage collection frees (the push's
// peak RSS: bench/README.md). Reads until the end of the file, as
// fs.createReadStream does: the upload refuses a file that is longer or
// shorter than its declared size. A chunk nobody writes to a request (a
// reader of the stream itself) stays the reader's.

import * as fs from "node:fs";
import { Readable } from "node:stream";
import { ChunkPool } from "../http/chunkPool";
import { releaseAfterWrite } from "../http/releaseAfterWrite";

export function openPooledFile(filePath: string, start: number, chunkBytes: number): Readable {
  return new PooledFileStream(filePath, start, chunkBytes);
}

class PooledFileStream extends Readable {
  private readonly pool: ChunkPool;
  private fd?: number;

  constructor(
    private readonly filePath: string,
    private position: number,
    chunkBytes: number,
  ) {
    // One chunk read ahead of the upload, as fs.createReadStream with this highWaterMark.
    super({ highWaterMark: chunkBytes });
    this.pool = new ChunkPool(chunkBytes);
  }

  override _construct(callback: (error?: Error | null) => void): void {
    fs.open(this.filePath, "r", (error, fd) => {
      this.fd = fd;
      callback(error);
    });
  }

  override _read(): void {
    const chunk = this.pool.take();
    fs.read(this.fd!, chunk, 0, chunk.length, this.position, (error, bytesRead) => {
      if (error) {
        this.destroy(error);
        return;
      }
      if (bytesRead === 0) {
        this.pool.giveBack(chunk);
        this.push(null);
        return;
      }
      this.position += bytesRead;
      const read = bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead);
      const pool = this.pool;
      releaseAfterWrite(read, () => pool.giveBack(chunk));
      this.push(read);
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.pool.drop();
    if (this.fd === undefined) {
      callback(error);
      return;
    }
    fs.close(this.fd, () => callback(error));
    this.fd = undefined;
  }
}
