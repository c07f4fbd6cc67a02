// The chunks of one upload's source (a blob relay, registry/blobRelay.ts),
// used again once the upload has written them (releaseAfterWrite.ts), instead
// of a fresh 256 KiB buffer per chunk left for the collector: V8 frees
// external memory only at a collection, and the spent chunks of four relays
// piled up to tens of MB of the copy's peak RSS before one ran
// (bench/README.md, "Copy").

/** Free chunks kept at most: the source's buffer, the upload's window and the socket's queue hold a few each. */
const KEPT = 8;

export class ChunkPool {
  private readonly free: Buffer[] = [];
  /** Chunks handed out that came back (tests check that recycling happens). */
  reused = 0;

  constructor(private readonly chunkBytes: number) {}

  take(): Buffer {
    const chunk = this.free.pop();
    if (chunk) {
      this.reused += 1;
      return chunk;
    }
    return Buffer.allocUnsafeSlow(this.chunkBytes);
  }

  giveBack(chunk: Buffer): void {
    if (this.free.length < KEPT && !this.free.includes(chunk)) {
      this.free.push(chunk);
    }
  }

  drop(): void {
    this.free.length = 0;
  }
}
