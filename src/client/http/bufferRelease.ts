// Freeing received bytes as soon as they are used, instead of at V8's next
// garbage collection.
//
// Pulling a gigabyte over TLS, Node allocates two fresh buffers per TLS
// record (16 KiB): the decrypted record the socket emits, and the copy of its
// body bytes the HTTP parser hands to the response stream. Neither is used
// again once consumed, but V8 frees them only when a collection runs, and
// collections are rare here (little JavaScript garbage per chunk): tens of MB
// of spent buffers piled up before one did, most of the pull's peak RSS above
// the process's start (bench/README.md has the figures; and the memory the
// next record lands in is still hot in cache).
//
// Posting an ArrayBuffer in the transfer list of a closed MessagePort
// detaches it and drops its memory at once: postMessage on a closed port still
// performs the transfer and then discards the message (HTML spec; Node does
// the same). Only buffers a chunk spans whole are released, never a view into
// a shared pool, and only buffers nothing else holds:
// - socket reads of a response, released by a 'data' listener that runs after
//   Node's own (which has parsed the bytes by then; the HTTP parser copies
//   body bytes out, it does not keep views of the read), for the life of one
//   response body;
// - body chunks, by a consumer that has written and hashed them and is their
//   only reader (whole-image pull without a writer thread, verifiedFile.ts;
//   with one, the chunks move to that thread and it frees them the same way,
//   layout/blobWriterWorker.ts).
// A pull verifies every blob's digest, so a buffer released too early could
// not go unnoticed: it would fail the blob, not corrupt it.

import { MessageChannel, type MessagePort } from "node:worker_threads";

let closedPort: MessagePort | undefined;

/** Collects spent buffers and frees them 16 at a time. */
export class BufferReleaser {
  private pending: ArrayBuffer[] = [];

  /** Frees the memory under `chunk` (soon; call flush() at the end). The chunk reads as empty afterwards. */
  release(chunk: Uint8Array): void {
    const buffer = chunk.buffer;
    if (chunk.byteOffset !== 0 || chunk.byteLength === 0 || chunk.byteLength !== buffer.byteLength || !(buffer instanceof ArrayBuffer)) {
      return;
    }
    this.pending.push(buffer);
    if (this.pending.length >= 16) {
      this.flush();
    }
  }

  flush(): void {
    const buffers = this.pending;
    if (buffers.length === 0) {
      return;
    }
    this.pending = [];
    if (!closedPort) {
      const { port1, port2 } = new MessageChannel();
      port1.close();
      port2.close();
      closedPort = port1;
    }
    try {
      closedPort.postMessage(null, buffers);
    } catch {
      // Not transferable after all (already detached, or listed twice): the collector frees them.
    }
  }
}

/**
 * While `body` (a node:http response) is being read, frees each read of its
 * socket once Node's HTTP parser has taken the bytes out of it. Does nothing
 * for a body without a socket (another HTTP client).
 */
export function releaseSocketReads(body: NodeJS.ReadableStream): void {
  const socket = (body as { socket?: NodeJS.EventEmitter | null }).socket;
  if (!socket || typeof socket.on !== "function") {
    return;
  }
  const releaser = new BufferReleaser();
  const onData = (read: Buffer | string): void => {
    if (typeof read !== "string") {
      releaser.release(read);
    }
  };
  // Added after node:http's own listener, so it runs after the parser has consumed the read.
  socket.on("data", onData);
  const done = (): void => {
    socket.removeListener("data", onData);
    releaser.flush();
    body.removeListener("end", done);
    body.removeListener("close", done);
    body.removeListener("error", done);
  };
  body.once("end", done);
  body.once("close", done);
  body.once("error", done);
}
