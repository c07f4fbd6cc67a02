// downloadBlob's stream for a blob received on another thread
// (http/streamRelayWorker.ts with http/blobReceiverWorker.ts, granted by
// blobGetGrant.ts): the thread receives, hashes and gathers the bytes into
// chunks; the main thread only hands them out. The contract of the
// main-thread stream (verifiedBlobStream.ts) stays: the last chunk is held
// back until the thread's digest is in, so the stream errors with
// DigestValidationError before `end` on a mismatch or on bytes past the
// size, and a caller never sees the whole blob unless it checked out.
//
// Threads: up to STREAM_THREADS, shared by every download in flight, each
// closed once idle for a second (and never keeping the process alive while idle).

import { Readable } from "node:stream";
import { Worker } from "node:worker_threads";
import type { AbortSignalLike } from "@azure/abort-controller";
import type { BlobGetGrant } from "../blobGet";
import { DigestValidationError } from "../errors";
import { blobReceiverWorker } from "../http/blobReceiverWorker";
import { streamRelayWorker, type StreamRelayConfig, type ToStreamRelay } from "../http/streamRelayWorker";
import { type FromReceiver, WorkerReceive } from "../http/workerBlobReceive";
import { splitDigest } from "../reference";
import { BLOB_STREAM_CHUNK_BYTES } from "./verifiedBlobStream";

/** Threads receiving for streams at once (two cores: receiving fills one each). */
const STREAM_THREADS = 2;
/** Chunks a stream's thread may have handed over and not had acknowledged. */
const CHUNKS_IN_FLIGHT = 4;
const IDLE_CLOSE_MS = 1000;

export interface ThreadBlobStreamOptions {
  abortSignal?: AbortSignalLike;
  /** Bytes per chunk. The default value is BLOB_STREAM_CHUNK_BYTES. */
  chunkBytes?: number;
  /** Called with the bytes received so far. */
  onBytes?: (received: number) => void;
}

interface Thread {
  worker: Worker;
  chunkBytes: number;
  streams: Map<number, ThreadBlobStream>;
  idleTimer?: NodeJS.Timeout;
}

let nextId = 1;
const threads: Thread[] = [];

/** A stream of the blob the grant names, received on a shared thread. */
export function openThreadBlobStream(grant: BlobGetGrant, digest: string, options: ThreadBlobStreamOptions = {}): Readable {
  const chunkBytes = options.chunkBytes ?? BLOB_STREAM_CHUNK_BYTES;
  const thread = pickThread(chunkBytes);
  return new ThreadBlobStream(thread, nextId++, grant, digest, options);
}

function pickThread(chunkBytes: number): Thread {
  const fitting = threads.filter((t) => t.chunkBytes === chunkBytes).sort((a, b) => a.streams.size - b.streams.size);
  if (fitting.length > 0 && (fitting[0].streams.size === 0 || threads.length >= STREAM_THREADS)) {
    return fitting[0];
  }
  // Below the bound, or a chunk size no thread has (rare: that thread closes once idle too).
  const config: StreamRelayConfig = { chunkBytes, chunksInFlight: CHUNKS_IN_FLIGHT };
  const worker = new Worker(`(${streamRelayWorker.toString()})(${JSON.stringify(config)}, ${blobReceiverWorker.toString()})`, {
    eval: true,
    // The young generation of the writer threads (layout/hashingWriterPool.ts), for the same reason.
    resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 },
  });
  const thread: Thread = { worker, chunkBytes, streams: new Map() };
  worker.on("message", (m: FromReceiver | { type: "chunk"; id: number; chunk: ArrayBuffer }) => {
    const stream = thread.streams.get(m.id);
    if (m.type === "chunk") {
      stream?.onChunk(Buffer.from(m.chunk));
    } else {
      stream?.onMessage(m);
    }
  });
  const died = (error: Error): void => {
    const index = threads.indexOf(thread);
    if (index >= 0) {
      threads.splice(index, 1);
    }
    for (const stream of thread.streams.values()) {
      stream.threadDied(error);
    }
    thread.streams.clear();
  };
  worker.on("error", died);
  worker.on("exit", (code) => died(new Error(`The download's receiving thread stopped (exit code ${code}).`)));
  worker.unref();
  threads.push(thread);
  return thread;
}

function attach(thread: Thread, id: number, stream: ThreadBlobStream): void {
  clearTimeout(thread.idleTimer);
  thread.idleTimer = undefined;
  if (thread.streams.size === 0) {
    // A download in flight keeps the process alive, as its socket would on the main thread.
    thread.worker.ref();
  }
  thread.streams.set(id, stream);
}

function detach(thread: Thread, id: number): void {
  if (!thread.streams.delete(id) || thread.streams.size > 0) {
    return;
  }
  thread.worker.unref();
  thread.idleTimer = setTimeout(() => {
    if (thread.streams.size === 0) {
      const index = threads.indexOf(thread);
      if (index >= 0) {
        threads.splice(index, 1);
      }
      void thread.worker.terminate();
    }
  }, IDLE_CLOSE_MS);
  thread.idleTimer.unref();
}

class ThreadBlobStream extends Readable {
  private readonly job: WorkerReceive;
  /** The last chunk in, handed out only once the next one comes or the digest checked out. */
  private held?: Buffer;
  /** Chunks handed out while the reader was full: acknowledged when it reads again. */
  private owed = 0;
  private received = 0;
  private over = false;

  constructor(
    private readonly thread: Thread,
    private readonly id: number,
    private readonly grant: BlobGetGrant,
    private readonly digest: string,
    private readonly options: ThreadBlobStreamOptions,
  ) {
    super();
    attach(thread, id, this);
    this.job = new WorkerReceive(thread.worker, id, "", splitDigest(digest)[0], grant, { abortSignal: options.abortSignal });
    this.job.done.then(
      ({ hex, bytes }) => this.finish(hex, bytes),
      (error: Error) => this.fail(error),
    );
  }

  onChunk(chunk: Buffer): void {
    if (this.over) {
      return;
    }
    this.received += chunk.length;
    this.options.onBytes?.(this.received);
    const ready = this.held;
    this.held = chunk;
    if (ready) {
      this.handOut(ready);
    }
  }

  onMessage(m: FromReceiver): void {
    if (this.job.onMessage(m)) {
      detach(this.thread, this.id);
    }
  }

  threadDied(error: Error): void {
    this.job.workerDied(error);
  }

  override _read(): void {
    const owed = this.owed;
    this.owed = 0;
    for (let i = 0; i < owed; i++) {
      this.ack();
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.over) {
      this.over = true;
      this.held = undefined;
      this.job.cancel(error ?? new Error("The download's consumer went away."));
    }
    callback(error);
  }

  private handOut(chunk: Buffer): void {
    if (this.push(chunk)) {
      this.ack();
    } else {
      this.owed++;
    }
  }

  private ack(): void {
    if (!this.over) {
      const ack: ToStreamRelay = { type: "chunkAck", id: this.id };
      this.thread.worker.postMessage(ack);
    }
  }

  private finish(hex: string, bytes: number): void {
    if (this.over) {
      return;
    }
    const actual = `${splitDigest(this.digest)[0]}:${hex}`;
    if (actual !== this.digest) {
      this.fail(new DigestValidationError(this.digest, actual, "blob"));
      return;
    }
    if (bytes !== this.grant.size) {
      this.fail(new DigestValidationError(this.digest, `${bytes} bytes instead of ${this.grant.size}`, "blob"));
      return;
    }
    this.over = true;
    const last = this.held;
    this.held = undefined;
    if (last) {
      this.push(last);
    }
    this.push(null);
  }

  private fail(error: Error): void {
    if (this.over) {
      return;
    }
    this.over = true;
    this.held = undefined;
    detach(this.thread, this.id);
    this.destroy(
      (error as { kind?: string }).kind === "tooMany" ? new DigestValidationError(this.digest, `more than ${this.grant.size} bytes`, "blob") : error,
    );
  }
}
