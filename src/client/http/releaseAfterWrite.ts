// Giving a chunk's memory back to its owner (a pool) once the HTTP request
// that sends it has written it to the socket, and not before.
//
// A chunk handed to `ClientRequest.write(chunk, callback)` is referenced until
// that callback: node:http keeps it in `outputData` until the socket is
// assigned, then passes the callback to `socket.write` (lib/_http_outgoing.js,
// `_writeRaw`); the socket's Writable keeps it buffered until its `_write` and
// calls the callback after the write request completes (onWriteComplete in
// lib/internal/stream_base_commons.js, the chunks of a writev held on the
// request until then). Underneath, a plain TCP socket's uv_write reads the
// memory until it completes; a TLS socket's TLSWrap::DoWrite
// (src/crypto/crypto_tls.cc) has SSL_write encrypt the plaintext into its
// own output BIO at once, or copies it into a new BackingStore to encrypt
// later, so it never reads the caller's memory after the write call. After
// a successful callback nothing of Node's holds the chunk. (A socket an agent
// builds on a JavaScript Duplex relies on that Duplex calling back only once
// it is done with the chunk, the Writable contract.)
//
// `pipe` writes without a callback, so the request's `write` is wrapped (on
// that one request only) to add one for a chunk registered here. Only a
// node:http request is wrapped: the callback of any other Writable (a
// progress Transform in between, say) says nothing about the socket. A write
// that fails, or a request destroyed with the chunk still queued, never gives
// the chunk back: the collector frees it as before.

import { OutgoingMessage } from "node:http";

const owners = new WeakMap<Uint8Array, () => void>();
const wrapped = new WeakSet<object>();

/** `giveBack` runs once the request writing `chunk` has written it (never twice). */
export function releaseAfterWrite(chunk: Uint8Array, giveBack: () => void): void {
  owners.set(chunk, giveBack);
}

/** `part` (a view into `chunk`) is sent instead of `chunk`: the give-back moves to it. */
export function moveRelease(chunk: Uint8Array, part: Uint8Array): void {
  const giveBack = owners.get(chunk);
  if (giveBack && part !== chunk) {
    owners.delete(chunk);
    owners.set(part, giveBack);
  }
}

/** `chunk` will not be sent at all: it goes back now. */
export function releaseUnsent(chunk: Uint8Array): void {
  const giveBack = owners.get(chunk);
  owners.delete(chunk);
  giveBack?.();
}

/** Chunks registered above and written to `destination` (a node:http request) go back after their write. */
export function releaseChunksWrittenTo(destination: NodeJS.WritableStream): void {
  if (!(destination instanceof OutgoingMessage) || wrapped.has(destination)) {
    return;
  }
  wrapped.add(destination);
  // The request's own write, called with the request as `this` below.
  const write = Reflect.get(destination, "write") as (this: OutgoingMessage, ...args: unknown[]) => boolean;
  type Callback = (error?: Error | null) => void;
  destination.write = function (this: OutgoingMessage, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    const giveBack = chunk instanceof Uint8Array ? owners.get(chunk) : undefined;
    if (!giveBack) {
      return write.call(this, chunk, encoding, callback);
    }
    owners.delete(chunk as Uint8Array);
    const withEncoding = typeof encoding !== "function";
    const done = (withEncoding ? callback : encoding) as Callback | undefined;
    const afterWrite: Callback = (error) => {
      if (!error) {
        giveBack();
      }
      done?.(error);
    };
    return withEncoding ? write.call(this, chunk, encoding, afterWrite) : write.call(this, chunk, afterWrite);
  } as typeof destination.write;
}
