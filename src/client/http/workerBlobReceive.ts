// The main thread's side of a blob received on another thread (a writer thread, or a stream's)
// (http/blobReceiverWorker.ts): it answers the thread's questions with the
// grant's rules (where a redirect may go, a fresh header after a 401), counts
// progress, cancels, and turns the thread's report into the caller's error.
// No byte of the blob comes through here.

import type { Worker } from "node:worker_threads";
import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import type { BlobGetFailure, BlobGetGrant } from "../blobGet";
import type { ToReceiver } from "./blobReceiverWorker";
import { redactUrl } from "../redact";

/** A message from a receiving thread about one blob. */
export type FromReceiver =
  | { type: "recvProgress"; id: number; bytes: number }
  | { type: "recvLog"; id: number; url: string; outcome: string; ms: number }
  | { type: "recvRedirect"; id: number; location: string; from: string }
  | { type: "recvUnauthorized"; id: number }
  | { type: "recvDone"; id: number; digest: string; direct: boolean; bytes: number }
  | { type: "recvError"; id: number; failure: BlobGetFailure }
  | { type: "recvAborted"; id: number };

export interface WorkerReceiveOptions {
  abortSignal?: AbortSignalLike;
  /** Bytes received since the last call. */
  onBytes?: (delta: number) => void;
}

export interface WorkerReceiveResult {
  /** Hex digest of every byte written, with the algorithm asked for. */
  hex: string;
  bytes: number;
  direct: boolean;
}

export class WorkerReceive {
  readonly done: Promise<WorkerReceiveResult>;
  private resolve!: (result: WorkerReceiveResult) => void;
  private reject!: (error: Error) => void;
  private reported = 0;
  /** Why the main thread stopped the job (a refused redirect, a failed sign-in, the caller's abort). */
  private stopReason?: Error;
  private settled = false;
  private readonly onAbort = (): void => this.stop(new AbortError("The blob download was cancelled."));

  constructor(
    private readonly worker: Worker,
    readonly id: number,
    path: string,
    algorithm: string,
    private readonly grant: BlobGetGrant,
    private readonly options: WorkerReceiveOptions,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const start: ToReceiver = {
      type: "recv",
      id,
      path,
      algorithm,
      url: grant.url,
      authorization: grant.authorization,
      size: grant.size,
      ca: grant.ca,
      userAgent: grant.userAgent,
      timeoutMs: grant.timeoutMs,
      maxResumes: grant.maxResumes,
      retry: grant.retry,
      maxRedirects: grant.maxRedirects,
    };
    worker.postMessage(start);
    if (options.abortSignal?.aborted) {
      this.onAbort();
    } else {
      options.abortSignal?.addEventListener("abort", this.onAbort);
    }
  }

  /** Handles the thread's message; true once the job is over. */
  onMessage(m: FromReceiver): boolean {
    switch (m.type) {
      case "recvProgress":
        if (m.bytes > this.reported) {
          this.options.onBytes?.(m.bytes - this.reported);
          this.reported = m.bytes;
        }
        return false;
      case "recvLog":
        this.grant.log?.(`GET ${redactUrl(m.url)} -> ${m.outcome} (${m.ms} ms)`);
        return false;
      case "recvRedirect":
        try {
          const next = this.grant.redirect(m.location, m.from);
          this.post({ type: "recvFollow", id: this.id, url: next.url, authorization: next.authorization });
        } catch (error) {
          this.stop(error as Error);
        }
        return false;
      case "recvUnauthorized":
        this.grant.reauthorize().then(
          (authorization) => this.post({ type: "recvAuth", id: this.id, authorization }),
          (error: Error) => this.stop(error),
        );
        return false;
      case "recvDone":
        if (m.bytes > this.reported) {
          this.options.onBytes?.(m.bytes - this.reported);
          this.reported = m.bytes;
        }
        if (this.stopReason) {
          // Cancelled after the last byte: the caller asked for nothing, and removes the file.
          this.settle(undefined, this.stopReason);
        } else {
          this.settle({ hex: m.digest, bytes: m.bytes, direct: m.direct });
        }
        return true;
      case "recvError":
        if (this.stopReason) {
          this.settle(undefined, this.stopReason);
        } else if (m.failure.kind === "tooMany") {
          // The caller knows the digest, and reports it as the digest check would (receivedBlobFile.ts).
          this.settle(undefined, Object.assign(new Error(m.failure.message), { kind: "tooMany" }));
        } else {
          this.grant.failure(m.failure).then(
            (error) => this.settle(undefined, error),
            (error: Error) => this.settle(undefined, error),
          );
        }
        return true;
      case "recvAborted":
        this.settle(undefined, this.stopReason ?? new AbortError("The blob download was cancelled."));
        return true;
    }
  }

  /** The thread died: the job fails with why. */
  workerDied(error: Error): void {
    this.settle(undefined, error);
  }

  private stop(reason: Error): void {
    if (this.settled || this.stopReason) {
      return;
    }
    this.stopReason = reason;
    this.post({ type: "recvAbort", id: this.id });
  }

  private post(message: ToReceiver): void {
    if (!this.settled) {
      this.worker.postMessage(message);
    }
  }

  private settle(result: WorkerReceiveResult | undefined, error?: Error): void {
    if (this.settled) {
      return;
    }
    this.settled = true;
    this.options.abortSignal?.removeEventListener("abort", this.onAbort);
    if (error) {
      this.reject(error);
    } else {
      this.resolve(result!);
    }
  }
}
