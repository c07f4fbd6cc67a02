// Hashing and writing to disk off the main thread.
//
// Pulling over TLS, the main thread already decrypts every byte and parses
// HTTP; SHA-256 (about 0.75 s per GiB here even with SHA-NI) and the copies
// into the page cache on top of that made it the bottleneck while the second
// core sat half idle. Received bytes are therefore gathered into batches of
// `batchBytes` (one memcpy while they are still in cache), handed to a worker
// thread without a copy (the batch's ArrayBuffer is transferred), and the
// worker hashes and writes them with plain synchronous writes, then hands the
// buffer back to be filled again. A blob has at
// most `maxBatchesInFlight` batches with its worker; past that the response
// is paused, so memory stays bounded by
// blobs in flight × batchBytes × maxBatchesInFlight.
//
// The worker's code is a string (eval), so that the library still bundles into
// one file (esbuild) with no separate worker script to ship.

import { Worker } from "node:worker_threads";

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const crypto = require("node:crypto");
const files = new Map();
parentPort.on("message", (m) => {
  const file = files.get(m.id);
  try {
    if (m.type === "open") {
      files.set(m.id, { fd: fs.openSync(m.path, "wx"), hash: crypto.createHash(m.algorithm), path: m.path });
      return;
    }
    if (!file) return;
    if (m.type === "data") {
      const bytes = new Uint8Array(m.buffer, 0, m.length);
      file.hash.update(bytes);
      for (let offset = 0; offset < bytes.length; ) offset += fs.writeSync(file.fd, bytes, offset);
      // The buffer goes back to be filled again: no allocation per batch, and no
      // garbage piling up in a worker whose heap rarely triggers a collection.
      parentPort.postMessage({ type: "ack", id: m.id, buffer: m.buffer }, [m.buffer]);
    } else if (m.type === "end") {
      files.delete(m.id);
      fs.closeSync(file.fd);
      parentPort.postMessage({ type: "done", id: m.id, digest: file.hash.digest("hex") });
    } else if (m.type === "abort") {
      files.delete(m.id);
      fs.closeSync(file.fd);
      fs.rmSync(file.path, { force: true });
      parentPort.postMessage({ type: "aborted", id: m.id });
    }
  } catch (error) {
    if (file) {
      files.delete(m.id);
      try { fs.closeSync(file.fd); } catch {}
      try { fs.rmSync(file.path, { force: true }); } catch {}
    }
    parentPort.postMessage({ type: "error", id: m.id, message: String(error && error.message), code: error && error.code });
  }
});
`;

interface Pending {
  onAck(buffer: ArrayBuffer): void;
  onDone(hexDigest: string): void;
  onAborted(): void;
  onError(error: Error): void;
}

/** A few worker threads that hash and write files; blobs are spread over them. */
export class HashingWriterPool {
  private readonly workers: Worker[] = [];
  private readonly files = new Map<number, Pending>();
  private nextId = 1;
  private nextWorker = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.on("message", (m: { type: string; id: number; digest?: string; message?: string; code?: string; buffer?: ArrayBuffer }) => {
        const pending = this.files.get(m.id);
        if (!pending) {
          return;
        }
        if (m.type === "ack") {
          pending.onAck(m.buffer!);
        } else if (m.type === "done") {
          this.files.delete(m.id);
          pending.onDone(m.digest!);
        } else if (m.type === "aborted") {
          this.files.delete(m.id);
          pending.onAborted();
        } else if (m.type === "error") {
          this.files.delete(m.id);
          pending.onError(Object.assign(new Error(m.message), { code: m.code }));
        }
      });
      worker.on("error", (error) => this.failAll(error));
      this.workers.push(worker);
    }
  }

  /** Opens `path` (which must not exist) on one of the workers. */
  open(path: string, algorithm: string, options: { batchBytes: number; maxBatchesInFlight: number }): WorkerFileWriter {
    const id = this.nextId++;
    const worker = this.workers[this.nextWorker++ % this.workers.length];
    return new WorkerFileWriter(worker, id, path, algorithm, options, this.files);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private failAll(error: Error): void {
    for (const [id, pending] of this.files) {
      this.files.delete(id);
      pending.onError(error);
    }
  }
}

/** One file being written by a worker. `write` copies; call `finish` or `abort` once. */
export class WorkerFileWriter {
  private batch: Buffer;
  /** Buffers back from the worker, ready to be filled again. */
  private readonly spare: ArrayBuffer[] = [];
  private filled = 0;
  private inFlight = 0;
  private drainWaiters: (() => void)[] = [];
  private result?: { resolve(hex: string): void; reject(error: Error): void };
  private failure?: Error;
  private abortDone?: () => void;
  private closed = false;

  constructor(
    private readonly worker: Worker,
    private readonly id: number,
    path: string,
    algorithm: string,
    private readonly options: { batchBytes: number; maxBatchesInFlight: number },
    registry: Map<number, Pending>,
  ) {
    this.batch = Buffer.allocUnsafeSlow(options.batchBytes);
    registry.set(id, {
      onAck: (buffer) => {
        this.inFlight--;
        this.spare.push(buffer);
        if (this.inFlight < this.options.maxBatchesInFlight) {
          const waiters = this.drainWaiters;
          this.drainWaiters = [];
          waiters.forEach((wake) => wake());
        }
      },
      onDone: (hex) => this.result?.resolve(hex),
      onAborted: () => this.abortDone?.(),
      onError: (error) => {
        this.failure = error;
        this.result?.reject(error);
        this.abortDone?.();
        const waiters = this.drainWaiters;
        this.drainWaiters = [];
        waiters.forEach((wake) => wake());
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

  /** Copies `chunk` into the current batch, sending full batches to the worker. */
  write(chunk: Buffer): void {
    if (this.failure) {
      throw this.failure;
    }
    let offset = 0;
    while (offset < chunk.length) {
      const n = chunk.copy(this.batch, this.filled, offset);
      this.filled += n;
      offset += n;
      if (this.filled === this.batch.length) {
        this.send();
      }
    }
  }

  /** Sends what is left, closes the file, and resolves to the hex digest of everything written. */
  async finish(): Promise<string> {
    if (this.failure) {
      throw this.failure;
    }
    if (this.filled > 0) {
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
    const done = new Promise<void>((resolve) => (this.abortDone = resolve));
    this.worker.postMessage({ type: "abort", id: this.id });
    await done;
  }

  private send(): void {
    const buffer = this.batch.buffer;
    // The ArrayBuffer moves to the worker (no copy); a fresh one takes its place.
    this.worker.postMessage({ type: "data", id: this.id, buffer, length: this.filled }, [buffer as ArrayBuffer]);
    this.inFlight++;
    const reused = this.spare.pop();
    this.batch = reused ? Buffer.from(reused) : Buffer.allocUnsafeSlow(this.options.batchBytes);
    this.filled = 0;
  }
}
