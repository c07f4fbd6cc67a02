// SHA-256 (or SHA-512) of a stream's chunks on a worker thread, so that the
// thread receiving the bytes does not also hash them.
//
// downloadBlob's stream over TLS: the main thread decrypts every byte, parses
// HTTP, copies the records into large chunks and, until this, hashed them too,
// on the thread every other stage waits for, while the registry left the
// second core half idle (profile in bench/README.md, "Issue 12, session 4").
// Each chunk's memory is transferred to the hasher (no copy) and transferred
// back once hashed, so the caller still gets an ordinary ArrayBuffer-backed
// Buffer, and only bytes that were hashed before anyone else saw them: a
// caller that changes a chunk it was handed cannot change what was verified.
// Messages on one port arrive in order, so a job's chunks are hashed in the
// order they were sent and its digest comes after its last chunk.
//
// One worker serves every job of the process; it keeps the process alive only
// while a job is open, and stops after a while without jobs so that an idle
// extension host does not keep its memory. The worker runs this file's
// `hashWorkerMain` from its source text (eval), so the library still bundles
// into one file with no worker script to ship (as layout/hashingWriterPool.ts).

import { Worker } from "node:worker_threads";

/** Stop the worker after this long without an open job. */
const IDLE_STOP_MS = 10_000;

/** What a job tells its owner. Called on the main thread, in the order the chunks were sent. */
export interface HashJobListener {
  /** A chunk sent with `update`, hashed, back in the caller's hands (same memory, no copy). */
  onHashed(chunk: Buffer): void;
  /** The hex digest of every chunk sent, after the last `onHashed`. */
  onDigest(hex: string): void;
  /** The worker failed: the job's chunks are lost and no digest will come. */
  onError(error: Error): void;
}

type Reply =
  | { type: "hashed"; id: number; buffer: ArrayBuffer; length: number }
  | { type: "digest"; id: number; hex: string }
  | { type: "error"; id: number; message: string };

/** One stream's hash on the worker. Call `digest` or `close` once. */
export class HashJob {
  private ended = false;

  constructor(
    private readonly hasher: OffThreadHasher,
    readonly id: number,
  ) {}

  /**
   * Hashes `buffer`'s first `length` bytes. The buffer is transferred: it
   * reads as empty until it comes back through `onHashed`. It must span its
   * own ArrayBuffer (Buffer.allocUnsafeSlow), not a view into a shared pool.
   */
  update(buffer: Buffer, length: number): void {
    this.hasher.post({ type: "data", id: this.id, buffer: buffer.buffer as ArrayBuffer, length }, [buffer.buffer as ArrayBuffer]);
  }

  /** Asks for the digest of everything sent (`onDigest`); the job ends with it. */
  digest(): void {
    if (!this.ended) {
      this.ended = true;
      this.hasher.post({ type: "end", id: this.id });
    }
  }

  /** Drops the job (the stream went away): chunks still on the worker are freed there. */
  close(): void {
    if (!this.ended) {
      this.ended = true;
      this.hasher.post({ type: "drop", id: this.id });
      this.hasher.forget(this.id);
    }
  }
}

/** The worker and its open jobs. */
export class OffThreadHasher {
  private worker?: Worker;
  private readonly jobs = new Map<number, HashJobListener>();
  private nextId = 1;
  private idleTimer?: NodeJS.Timeout;

  /** Opens a job hashing with `algorithm` (a name node:crypto knows: sha256, sha512). */
  open(algorithm: string, listener: HashJobListener): HashJob {
    const worker = this.start();
    const id = this.nextId++;
    if (this.jobs.size === 0) {
      // The reply to an open job must be waited for, even when nothing else keeps the process alive.
      worker.ref();
    }
    this.jobs.set(id, listener);
    clearTimeout(this.idleTimer);
    worker.postMessage({ type: "open", id, algorithm });
    return new HashJob(this, id);
  }

  /** Open jobs (for tests). */
  get openJobs(): number {
    return this.jobs.size;
  }

  post(message: object, transfer: ArrayBuffer[] = []): void {
    this.worker?.postMessage(message, transfer);
  }

  forget(id: number): void {
    if (this.jobs.delete(id) && this.jobs.size === 0 && this.worker) {
      this.worker.unref();
      const worker = this.worker;
      this.idleTimer = setTimeout(() => {
        if (this.worker === worker && this.jobs.size === 0) {
          this.worker = undefined;
          void worker.terminate();
        }
      }, IDLE_STOP_MS);
      this.idleTimer.unref();
    }
  }

  private start(): Worker {
    if (this.worker) {
      return this.worker;
    }
    // Its heap holds a hash per job and the messages in flight: small limits keep its memory down (bench/README.md).
    const worker = new Worker(`(${hashWorkerMain.toString()})()`, {
      eval: true,
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
    });
    worker.unref();
    worker.on("message", (reply: Reply) => this.onReply(reply));
    const fail = (error: Error): void => {
      if (this.worker !== worker) {
        return;
      }
      this.worker = undefined;
      const jobs = [...this.jobs.values()];
      this.jobs.clear();
      jobs.forEach((job) => job.onError(error));
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`The hashing thread stopped (exit code ${code}).`)));
    this.worker = worker;
    return worker;
  }

  private onReply(reply: Reply): void {
    const job = this.jobs.get(reply.id);
    if (!job) {
      return;
    }
    if (reply.type === "hashed") {
      job.onHashed(Buffer.from(reply.buffer, 0, reply.length));
    } else if (reply.type === "digest") {
      this.forget(reply.id);
      job.onDigest(reply.hex);
    } else {
      this.forget(reply.id);
      job.onError(new Error(reply.message));
    }
  }
}

let shared: OffThreadHasher | undefined;

/** The process's hasher (one worker, started on first use). */
export function sharedHasher(): OffThreadHasher {
  shared ??= new OffThreadHasher();
  return shared;
}

/** The worker's body: runs from its source text, so it uses nothing but Node's built-in modules. */
function hashWorkerMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parentPort } = require("node:worker_threads") as typeof import("node:worker_threads");
  const crypto = require("node:crypto") as typeof import("node:crypto");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const port = parentPort!;
  const hashes = new Map<number, import("node:crypto").Hash>();
  port.on("message", (m: { type: string; id: number; algorithm?: string; buffer?: ArrayBuffer; length?: number }) => {
    if (m.type === "open") {
      try {
        hashes.set(m.id, crypto.createHash(m.algorithm!));
      } catch (error) {
        port.postMessage({ type: "error", id: m.id, message: (error as Error).message });
      }
    } else if (m.type === "data") {
      const hash = hashes.get(m.id);
      if (hash) {
        hash.update(new Uint8Array(m.buffer!, 0, m.length));
        port.postMessage({ type: "hashed", id: m.id, buffer: m.buffer, length: m.length }, [m.buffer!]);
      }
      // A dropped or failed job's chunk: nothing waits for it, and it is freed with the message.
    } else if (m.type === "end") {
      const hash = hashes.get(m.id);
      hashes.delete(m.id);
      if (hash) {
        port.postMessage({ type: "digest", id: m.id, hex: hash.digest("hex") });
      }
    } else if (m.type === "drop") {
      hashes.delete(m.id);
    }
  });
}
