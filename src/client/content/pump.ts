// A blob's stream into a sink, for sources without a fast path of their own
// (a file, bytes in memory): chunks go to the sink as they come, and the
// stream waits while the sink is full. Registry sources fill the sink
// themselves (ContentSource.fetchBlobInto) and never come through here.

import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import type { DownloadSink } from "../blobSink";
import type { ContentSource } from "./contentStore";
import type { OciDescriptor } from "../models";

export async function pumpInto(
  stream: NodeJS.ReadableStream | AsyncIterable<Uint8Array>,
  sink: DownloadSink,
  signal?: AbortSignalLike,
): Promise<void> {
  const destroy = (): void => (stream as { destroy?: () => void }).destroy?.();
  try {
    for await (const raw of stream as AsyncIterable<Uint8Array | string>) {
      if (signal?.aborted) {
        throw new AbortError("The copy was cancelled.");
      }
      if (sink.stopped) {
        throw new Error("The blob's destination stopped taking bytes.");
      }
      const chunk = typeof raw === "string" ? Buffer.from(raw) : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      if (!sink.write(chunk)) {
        await sink.ready();
      }
    }
  } finally {
    destroy();
  }
}

/** Fills a sink from the source: its fast path where it has one, else its stream from byte 0. */
export async function fillSink(
  source: ContentSource,
  descriptor: OciDescriptor,
  sink: DownloadSink,
  options: { abortSignal?: AbortSignalLike; releaseBuffers?: boolean },
): Promise<void> {
  if (source.fetchBlobInto) {
    await source.fetchBlobInto(descriptor, sink, options);
    return;
  }
  await pumpInto(source.openBlob(descriptor).open(0) as NodeJS.ReadableStream | AsyncIterable<Uint8Array>, sink, options.abortSignal);
}
