// Where the bytes of one blob go, each byte exactly once and in order: the
// verifying stream of downloadBlob, or a verified file of a pull
// (layout/verifiedFile.ts). The wire code (registry/) fills a sink and the
// disk code (layout/) offers one; neither imports the other.

/**
 * Where a resumable download puts the bytes: each byte of the blob exactly
 * once, in order, whatever resumes happened underneath.
 */
export interface DownloadSink {
  /**
   * Takes the next bytes. False asks the reader to wait for `ready()` before
   * the next write. A throw stops the download for good (no resume): the
   * sink's own failure (a size overflow, a disk error) is not the network's.
   */
  write(chunk: Buffer): boolean;
  ready(): Promise<void>;
  /** True once the consumer is gone (destroyed, failed): the reader stops. */
  readonly stopped: boolean;
}
