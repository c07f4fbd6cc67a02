// Uploads that start one after another, each once the one before it has sent
// a head start of bytes (or ended), instead of all at the same moment.
//
// A registry commits each blob at the final PUT, and CNCF distribution (and
// the registries built on it) fsyncs the blob's file there. Blobs of equal
// size started together finish together, and their commits then wait on the
// disk one after another while both cores sit idle (the end of a push of
// equal blobs ran almost idle, the registry inside fsync; bench/README.md,
// "figures moved from source comments"). Staggered, the blobs
// finish apart and each commit overlaps the uploads still running; only the
// last one's is left at the end. Blobs of different sizes finish apart anyway
// (largest first), and the head start is small next to a large blob, so the
// stagger costs little: the first upload runs alone for one head start.

/** A turn in the line of uploads. */
export interface UploadTurn {
  /** Tells the line how far this upload got; the next one starts past the head start. */
  sent(bytes: number): void;
  /** This upload ended (sent, failed or cancelled): the next one starts. Call it exactly once, in `finally`. */
  ended(): void;
}

export class StaggeredStart {
  private previous: Promise<void> = Promise.resolve();

  constructor(private readonly maxHeadStartBytes: number) {}

  /**
   * Waits until the upload before this one has its head start, then returns
   * this one's turn. A blob's head start is an eighth of it, at most
   * `maxHeadStartBytes`: small blobs barely wait for each other.
   */
  async turn(sizeInBytes: number): Promise<UploadTurn> {
    if (this.maxHeadStartBytes <= 0) {
      // No stagger: every upload starts at once.
      return { sent: () => undefined, ended: () => undefined };
    }
    const before = this.previous;
    let release!: () => void;
    this.previous = new Promise<void>((resolve) => (release = resolve));
    await before;
    const headStart = Math.min(this.maxHeadStartBytes, Math.floor(sizeInBytes / 8));
    return {
      sent: (bytes) => {
        if (bytes >= headStart) {
          release();
        }
      },
      ended: () => release(),
    };
  }
}
