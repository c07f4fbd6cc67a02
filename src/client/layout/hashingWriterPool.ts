// Hashing and writing to disk off the main thread.
//
// Pulling over TLS, the main thread already decrypts every byte and parses
// HTTP; SHA-256 (costly even with SHA-NI; bench/README.md) and the copies
// into the page cache on top of that made it the bottleneck while the second
// core sat half idle. Received chunks are therefore handed to a worker thread
// without a copy (their ArrayBuffers are transferred, `batchBytes` worth per
// message), and the worker hashes them and writes them (blobWriterWorker.ts:
// asynchronous writes of whole slots, O_DIRECT where allowed), frees them and
// acknowledges. A blob has at most `maxBatchesInFlight` messages with its
// worker; past that the response is paused, so memory stays bounded by
// blobs in flight × batchBytes × maxBatchesInFlight, plus each worker's slots.
//
// A worker can also receive a blob itself (`receive`: its own connection to
// a URL the main thread authorised, http/blobReceiverWorker.ts), so that no
// byte of it crosses to the main thread at all: receiving was what bound a
// pull to one core. Such blobs are spread over up to `receivingThreads`.
//
// The worker runs blobWriterWorker's source text (eval), so that the library
// still bundles into one file (esbuild) with no separate worker script to ship.

import { Worker } from "node:worker_threads";
import type { BlobGetGrant } from "../blobGet";
import { blobReceiverWorker } from "../http/blobReceiverWorker";
import { blobWriterWorker, type BlobWriterWorkerConfig } from "./blobWriterWorker";
import { type FromReceiver, WorkerReceive, type WorkerReceiveOptions, type WorkerReceiveResult } from "../http/workerBlobReceive";

/** The young generation of each thread in MB: the peak RSS of a 1 GiB pull on two receiving threads (bench/README.md, "session 5"). */
const YOUNG_GENERATION_MB = 2;

/**
 * Threads that receive blobs themselves by default: on two cores, receiving
 * is what fills them (bench/README.md, "Issue 12, session 5").
 */
const RECEIVING_THREADS = 2;

/** Alignment of direct writes: the page size, a multiple of every common logical block size. */
export const DIRECT_WRITE_ALIGNMENT = 4096;

export interface HashingWriterPoolOptions {
  /** Files open at once across the pool (the transfer's concurrency). */
  maxOpenFiles: number;
  /** Write with O_DIRECT where the file system allows it (blobWriterWorker.ts). The default value is false. */
  direct?: boolean;
  /** Bytes per disk write, rounded up to DIRECT_WRITE_ALIGNMENT. The default value is 1 MiB. */
  writeBytes?: number;
  /** Disk writes in flight per worker. The default value is 4. */
  writesInFlight?: number;
  /**
   * Threads blobs received on a thread (`receive`) are spread over, started
   * as blobs need them (at least the pool's size). The default value is
   * RECEIVING_THREADS.
   */
  receivingThreads?: number;
}

/** How a file's bytes travel to its worker. */
export interface WorkerFileOptions {
  /** Bytes gathered per message to the worker. */
  batchBytes: number;
  /** Messages the worker has not finished with, past which the writer is saturated. */
  maxBatchesInFlight: number;
}

interface Pending {
  worker: Worker;
  onAck(): void;
  onDone(hexDigest: string, direct: boolean): void;
  onAborted(): void;
  onError(error: Error): void;
}

/** A few worker threads that hash and write files; blobs are spread over them. */
export class HashingWriterPool {
  private readonly workers: Worker[] = [];
  /** Workers that died (an uncaught error, or they exited): their files failed, and they get no more. */
  private readonly dead = new Map<Worker, Error>();
  private closing = false;
  private readonly files = new Map<number, Pending>();
  private nextId = 1;
  private nextWorker = 0;
  private readonly receives = new Map<number, { worker: Worker; job: WorkerReceive }>();
  private readonly source: string;
  private readonly receivingThreads: number;

  constructor(size: number, options: HashingWriterPoolOptions) {
    const config: BlobWriterWorkerConfig = {
      slotBytes: Math.ceil((options.writeBytes ?? 1024 * 1024) / DIRECT_WRITE_ALIGNMENT) * DIRECT_WRITE_ALIGNMENT,
      // Files go to workers in turn, but which ones are still open is up to the network: any worker may hold them all.
      maxOpenFiles: options.maxOpenFiles,
      writesInFlight: options.writesInFlight ?? 4,
      direct: options.direct ?? false,
      align: DIRECT_WRITE_ALIGNMENT,
    };
    // The receiver rides along in every thread (http/blobReceiverWorker.ts): any thread can receive.
    this.source = `(${blobWriterWorker.toString()})(${JSON.stringify(config)}, ${blobReceiverWorker.toString()})`;
    this.receivingThreads = Math.max(size, options.receivingThreads ?? RECEIVING_THREADS);
    for (let i = 0; i < size; i++) {
      this.spawn();
    }
  }

  private spawn(): Worker {
    const worker = new Worker(this.source, {
      eval: true,
      // A small young generation: the thread's short-lived objects (a few per TLS record it
      // receives) are collected often instead of filling tens of MB of RSS first (offThreadHash.ts does the same).
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: 64 },
    });
    worker.on("message", (m: { type: string; id: number; digest?: string; direct?: boolean; message?: string; code?: string }) => {
      if (m.type.startsWith("recv")) {
        const receive = this.receives.get(m.id);
        if (receive?.job.onMessage(m as FromReceiver)) {
          this.receives.delete(m.id);
        }
        return;
      }
      const pending = this.files.get(m.id);
      if (!pending) {
        return;
      }
      if (m.type === "ack") {
        pending.onAck();
      } else if (m.type === "done") {
        this.files.delete(m.id);
        pending.onDone(m.digest!, m.direct === true);
      } else if (m.type === "aborted") {
        this.files.delete(m.id);
        pending.onAborted();
      } else if (m.type === "error") {
        this.files.delete(m.id);
        pending.onError(Object.assign(new Error(m.message), { code: m.code }));
      }
    });
    worker.on("error", (error) => this.failWorker(worker, error));
    worker.on("exit", (code) => this.failWorker(worker, new Error(`The pull's writer thread stopped (exit code ${code}).`)));
    this.workers.push(worker);
    return worker;
  }

  /**
   * Receives a blob on one of the threads (its own connection, the grant's
   * URL and rules) into `path` (which must not exist), hashed and written
   * there; resolves to the hex digest of the bytes. On failure the thread
   * has removed the file.
   */
  receive(path: string, algorithm: string, grant: BlobGetGrant, options: WorkerReceiveOptions): Promise<WorkerReceiveResult> {
    if (this.closing) {
      return Promise.reject(new Error("The pull's writer threads are closed."));
    }
    const live = this.workers.filter((worker) => !this.dead.has(worker));
    const load = (worker: Worker): number => [...this.receives.values()].filter((r) => r.worker === worker).length;
    let worker = live.sort((a, b) => load(a) - load(b))[0];
    if (!worker || (load(worker) > 0 && this.workers.length < this.receivingThreads)) {
      worker = this.spawn();
    }
    const id = this.nextId++;
    const job = new WorkerReceive(worker, id, path, algorithm, grant, options);
    this.receives.set(id, { worker, job });
    return job.done;
  }

  /** Opens `path` (which must not exist) on one of the workers; throws when none is left. */
  open(path: string, algorithm: string, options: WorkerFileOptions): WorkerFileWriter {
    const live = this.workers.filter((worker) => !this.dead.has(worker));
    if (live.length === 0) {
      throw this.dead.values().next().value ?? new Error("The pull's writer threads are closed.");
    }
    const id = this.nextId++;
    const worker = live[this.nextWorker++ % live.length];
    return new WorkerFileWriter(worker, id, path, algorithm, options, this.files);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    // Nothing closes the pool with a blob under way today; should it, the blob fails rather than waits forever.
    const closed = new Error("The pull's writer threads were closed while a blob was being received.");
    for (const { job } of this.receives.values()) {
      job.workerDied(closed);
    }
    this.receives.clear();
  }

  /** A worker died: the files it had fail with the reason (the others carry on), and it gets no new ones. */
  private failWorker(worker: Worker, error: Error): void {
    if (this.dead.has(worker) || this.closing) {
      return;
    }
    this.dead.set(worker, error);
    for (const [id, receive] of this.receives) {
      if (receive.worker === worker) {
        this.receives.delete(id);
        receive.job.workerDied(error);
      }
    }
    for (const [id, pending] of this.files) {
      if (pending.worker === worker) {
        this.files.delete(id);
        pending.onError(error);
      }
    }
  }
}

/**
 * One file being written by a worker. Call `finish` or `abort` once.
 *
 * `write(chunk, handOver)`: with handOver, the chunk's own memory moves to the
 * worker (transferred, no copy) when the chunk spans a whole ArrayBuffer that
 * nothing else uses, such as node:http's copy of a body's bytes; the chunk
 * reads as empty once its batch is sent (at a later write, or at finish).
 * Otherwise the bytes are copied first.
 * Moving saves the main thread a copy of every byte (6 % of its CPU in a
 * 1 GiB pull), and the memory is freed by the worker once it has hashed and
 * stored the bytes, not at the main thread's next garbage collection.
 */
export class WorkerFileWriter {
  /** Buffers gathered for the next message to the worker. */
  private parts: ArrayBuffer[] = [];
  private partsBytes = 0;
  private inFlight = 0;
  private drainWaiters: (() => void)[] = [];
  private result?: { resolve(hex: string): void; reject(error: Error): void };
  private failure?: Error;
  private abortDone?: () => void;
  private closed = false;
  /** After `finish`: whether the file's aligned bytes all went to the disk with O_DIRECT. */
  wroteDirect = false;

  constructor(
    private readonly worker: Worker,
    private readonly id: number,
    path: string,
    algorithm: string,
    private readonly options: WorkerFileOptions,
    registry: Map<number, Pending>,
  ) {
    registry.set(id, {
      worker,
      onAck: () => {
        this.inFlight--;
        if (this.inFlight < this.options.maxBatchesInFlight) {
          this.wake();
        }
      },
      onDone: (hex, direct) => {
        this.wroteDirect = direct;
        this.result?.resolve(hex);
      },
      onAborted: () => this.abortDone?.(),
      onError: (error) => {
        this.failure = error;
        this.result?.reject(error);
        this.abortDone?.();
        this.wake();
      },
    });
    worker.postMessage({ type: "open", id, path, algorithm });
  }

  /** Whether the caller should wait (`whenReady`) before writing more. */
  get saturated(): boolean {
    return this.inFlight >= this.options.maxBatchesInFlight;
  }

  whenReady(): Promise<void> {
    if (!this.saturated || this.failure) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Queues `chunk` for the worker (see the class comment for `handOver`). */
  write(chunk: Uint8Array, handOver: boolean): void {
    if (this.failure) {
      throw this.failure;
    }
    if (chunk.length === 0) {
      return;
    }
    const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
    this.parts.push(handOver && whole ? chunk.buffer : new Uint8Array(chunk).buffer);
    this.partsBytes += chunk.length;
    if (this.partsBytes >= this.options.batchBytes) {
      this.send();
    }
  }

  /** Sends what is left, closes the file, and resolves to the hex digest of everything written. */
  async finish(): Promise<string> {
    if (this.failure) {
      throw this.failure;
    }
    if (this.partsBytes > 0) {
      this.send();
    }
    const done = new Promise<string>((resolve, reject) => (this.result = { resolve, reject }));
    this.closed = true;
    this.worker.postMessage({ type: "end", id: this.id });
    return done;
  }

  /** Closes and removes the file (once the file was handed to `finish`, the caller removes it). */
  async abort(): Promise<void> {
    if (this.failure || this.closed) {
      return;
    }
    this.closed = true;
    this.parts = [];
    this.partsBytes = 0;
    const done = new Promise<void>((resolve) => (this.abortDone = resolve));
    this.worker.postMessage({ type: "abort", id: this.id });
    await done;
  }

  private send(): void {
    const parts = this.parts;
    this.parts = [];
    this.partsBytes = 0;
    try {
      // Transferred: the memory moves to the worker, which frees it once the bytes are hashed and stored.
      this.worker.postMessage({ type: "data", id: this.id, parts }, parts);
    } catch (error) {
      // A buffer that cannot move (detached elsewhere, or listed twice): its bytes cannot be
      // vouched for, so the file fails, and the worker closes and removes it.
      this.failure = new Error(`Could not hand received bytes to the writer thread: ${(error as Error).message}`, { cause: error });
      this.closed = true;
      this.worker.postMessage({ type: "abort", id: this.id });
      this.wake();
      throw this.failure;
    }
    this.inFlight++;
  }

  private wake(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    waiters.forEach((wake) => wake());
  }
}
