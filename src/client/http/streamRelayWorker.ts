// A thread that receives blobs for downloadBlob's stream: the receiver
// (blobReceiverWorker.ts) gets the bytes on the thread's own connection, and
// this host hashes them in order and gathers them into chunks of
// `chunkBytes`, each transferred (not copied) to the main thread, which only
// hands them to the caller. A few chunks may be unacknowledged by the main
// thread at once; past that the receiver's body is paused (its writes are
// acknowledged only as the main thread's are), so memory stays bounded by
// streams × (chunksInFlight + 1) × chunkBytes.
//
// This function runs from its source text (registry/threadBlobStream.ts),
// so it uses nothing from outside its own body but Node's built-in modules.

import type { ReceiverHost, ToReceiver, WriterEvent } from "./blobReceiverWorker";

export interface StreamRelayConfig {
  /** Bytes per chunk handed to the main thread. */
  chunkBytes: number;
  /** Chunks the main thread has not acknowledged, per stream, before the receiver waits. */
  chunksInFlight: number;
}

/** Messages from the main thread besides the receiver's. */
export type ToStreamRelay = ToReceiver | { type: "chunkAck"; id: number };

export function streamRelayWorker(config: StreamRelayConfig, receiver: (host: ReceiverHost) => (message: ToReceiver) => void): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parentPort, MessageChannel } = require("node:worker_threads") as typeof import("node:worker_threads");
  const crypto = require("node:crypto") as typeof import("node:crypto");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const port = parentPort!;

  interface Stream {
    id: number;
    hash: import("node:crypto").Hash;
    chunk?: Uint8Array;
    filled: number;
    /** Chunks posted and not yet acknowledged by the main thread. */
    inFlight: number;
    /** Receiver writes not yet acknowledged (held back while the main thread is behind). */
    owedAcks: number;
    onEvent: (event: WriterEvent) => void;
  }
  const streams = new Map<number, Stream>();

  // Received parts are freed once copied, by a transfer to a closed port (http/bufferRelease.ts).
  const { port1: closedPort, port2 } = new MessageChannel();
  closedPort.close();
  port2.close();

  function post(stream: Stream): void {
    if (!stream.chunk || stream.filled === 0) {
      return;
    }
    const whole = stream.filled === stream.chunk.length ? stream.chunk : stream.chunk.slice(0, stream.filled);
    stream.chunk = undefined;
    stream.filled = 0;
    stream.inFlight++;
    const buffer = whole.buffer as ArrayBuffer;
    port.postMessage({ type: "chunk", id: stream.id, chunk: buffer }, [buffer]);
  }

  const host: ReceiverHost = {
    post: (m) => port.postMessage(m),
    open(id, _path, algorithm, onEvent) {
      let hash: import("node:crypto").Hash;
      try {
        hash = crypto.createHash(algorithm);
      } catch (error) {
        onEvent({ type: "error", message: String((error as Error).message) });
        return;
      }
      streams.set(id, { id, hash, filled: 0, inFlight: 0, owedAcks: 0, onEvent });
    },
    write(id, parts) {
      const stream = streams.get(id);
      if (!stream) {
        return;
      }
      for (const part of parts) {
        const bytes = new Uint8Array(part);
        stream.hash.update(bytes);
        for (let offset = 0; offset < bytes.length; ) {
          stream.chunk ??= new Uint8Array(config.chunkBytes);
          const n = Math.min(config.chunkBytes - stream.filled, bytes.length - offset);
          stream.chunk.set(bytes.subarray(offset, offset + n), stream.filled);
          stream.filled += n;
          offset += n;
          if (stream.filled === config.chunkBytes) {
            post(stream);
          }
        }
      }
      try {
        closedPort.postMessage(null, parts);
      } catch {
        // Already detached: nothing to free.
      }
      if (stream.inFlight < config.chunksInFlight) {
        stream.onEvent({ type: "ack" });
      } else {
        stream.owedAcks++;
      }
    },
    end(id) {
      const stream = streams.get(id);
      if (!stream) {
        return;
      }
      post(stream);
      streams.delete(id);
      stream.onEvent({ type: "done", digest: stream.hash.digest("hex"), direct: false });
    },
    abort(id) {
      const stream = streams.get(id);
      if (!stream) {
        return;
      }
      streams.delete(id);
      stream.onEvent({ type: "aborted" });
    },
  };
  const toReceiver = receiver(host);

  port.on("message", (m: ToStreamRelay) => {
    if (m.type === "chunkAck") {
      const stream = streams.get(m.id);
      if (!stream) {
        return;
      }
      stream.inFlight--;
      while (stream.owedAcks > 0 && stream.inFlight < config.chunksInFlight) {
        stream.owedAcks--;
        stream.onEvent({ type: "ack" });
      }
      return;
    }
    toReceiver(m);
  });
}
