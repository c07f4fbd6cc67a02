// A blob download that survives a broken connection. The caller reads one
// stream; behind it, when the body errors or ends short (a reset, a
// truncated body, an idle timeout), the download asks again with
// `Range: bytes=<n>-` (RFC 9110 section 14.2; OCI distribution spec "Pulling
// blobs": registries should honour Range) and carries on from byte n.
// - 206: the `Content-Range` must start at n (or before it: the overlap is
//   skipped); anything else is refused.
// - 200: the registry ignored Range and sent the whole blob again: its first
//   n bytes are skipped, so the stream still continues at n.
// - 416 with every byte already delivered: nothing was missing.
// Each byte reaches the sink exactly once, so the digest check (and the
// size check) covers the whole blob across resumes. Resumes are bounded:
// after MAX_RESUMES the stream errors with the last failure.
//
// The reading itself (ResumableBodyReader) writes into any sink: the
// verifying stream of downloadBlob, or the hashing file writer of a
// whole-image pull (verifiedFile.ts).
//
// Each resume is a fresh GET of the registry URL, so a 307 to blob storage is
// followed again (signed storage URLs expire) and Authorization still never
// leaves the registry's origin.

import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import type { OperationOptions, DownloadBlobOptions, DownloadBlobResult } from "../models";
import type { DownloadSink } from "../blobSink";
import { RegistryError } from "../errors";
import type { RegistryHttp, RegistryResponse } from "../http/registryHttp";
import { destroyBody } from "../http/readBody";
import { redactUrl } from "../redact";
import { blobPath } from "./blobPaths";
import { capitalize } from "../messageText";
import { VerifiedBlobStream } from "./verifiedBlobStream";

/** Range requests after a failure, per download. */
export const MAX_RESUMES = 5;
/** Backoff before a resume that follows an attempt that delivered nothing; doubled each time. */
const RESUME_BACKOFF_MS = 200;
const MAX_RESUME_BACKOFF_MS = 3_000;

const OPERATION = "download blob";

export interface ResumableDownloadOptions extends DownloadBlobOptions {
  /** Upper bound on resumes. The default value is 5. */
  maxResumes?: number;
  /** Bytes per chunk of the stream (verifiedBlobStream.ts). The default value is 192 KiB. */
  chunkBytes?: number;
}

export interface ResumableReadOptions extends OperationOptions {
  /** Upper bound on resumes. The default value is 5. */
  maxResumes?: number;
  /** Free the connection's reads once parsed (RegistryRequest.releaseSocketReads). The default value is false. */
  releaseSocketReads?: boolean;
  /** The byte the sink starts at: `run()` without a first response asks for the bytes from there (Range). The default value is 0. */
  startAt?: number;
}

/**
 * Starts the download: resolves once the registry has answered the first GET
 * (so a 404 or a 401 rejects here), with a stream that resumes on its own.
 */
export async function downloadBlobResumable(
  http: RegistryHttp,
  repository: string,
  digest: string,
  options: ResumableDownloadOptions = {},
): Promise<DownloadBlobResult> {
  const url = blobPath(repository, digest);
  const release = options.releaseBuffers ?? true;
  const first = await sendFirstGet(http, url, options.abortSignal, release);
  const sizeInBytes = parseLength(first.headers.get("content-length"));
  // The stream is the reader's sink: large chunks, no Transform in between (verifiedBlobStream.ts).
  const verifier = new VerifiedBlobStream(digest, sizeInBytes, {
    chunkBytes: options.chunkBytes,
    releaseChunks: release,
    onBytes: (transferredBytes) => options.onProgress?.({ transferredBytes, totalBytes: sizeInBytes }),
  });
  const reader = new ResumableBodyReader(http, url, verifier, sizeInBytes, { ...options, releaseSocketReads: release });
  // The caller destroyed the stream (or the verifier failed): stop reading the network.
  verifier.once("close", () => reader.stop());
  reader.run(first).then(
    () => verifier.finish(),
    (error: Error) => {
      if (!verifier.destroyed) {
        verifier.destroy(error);
      }
    },
  );
  return { digest, sizeInBytes, content: verifier };
}

/** The first GET of a blob download (200 expected; errors, 401 and 404 reject). */
export function sendFirstGet(
  http: RegistryHttp,
  url: string,
  abortSignal: AbortSignalLike | undefined,
  releaseSocketReads = false,
): Promise<RegistryResponse> {
  return http.send({ method: "GET", url, operation: OPERATION, expectedStatus: [200], abortSignal, releaseSocketReads });
}

/**
 * Reads a blob's body into a sink, from the first response (the answer to
 * `GET url`) on, and asks again with Range after each resumable failure.
 * `run` resolves once every byte is in the sink (checking the digest is the
 * sink's job) and rejects with the last failure, AbortError, or what the
 * sink threw. Whole-image pull and downloadBlob both read through it.
 */
export class ResumableBodyReader {
  /** Bytes handed to the sink so far: where a resume starts. */
  private offset = 0;
  private resumes = 0;
  private currentBody?: NodeJS.ReadableStream;
  private sinkError?: { error: unknown };
  private readonly maxResumes: number;

  constructor(
    private readonly http: RegistryHttp,
    private readonly url: string,
    private readonly sink: DownloadSink,
    /** The blob's size when known (first Content-Length, the manifest's size, or a Content-Range total). */
    private size: number | undefined,
    private readonly options: ResumableReadOptions,
  ) {
    this.maxResumes = options.maxResumes ?? MAX_RESUMES;
    this.offset = options.startAt ?? 0;
  }

  /** Bytes delivered to the sink. */
  get delivered(): number {
    return this.offset;
  }

  /** Stops reading the network (the consumer went away). */
  stop(): void {
    destroyBody(this.currentBody);
  }

  /**
   * Reads from `first` (the answer to `GET url`), or without it from the
   * start offset on (a Range request, answered as a resume is).
   */
  async run(first?: RegistryResponse): Promise<void> {
    const signal = this.options.abortSignal;
    const onAbort = (): void => this.stop();
    signal?.addEventListener("abort", onAbort);
    try {
      let response: RegistryResponse | undefined = first;
      let skip = 0;
      if (!response) {
        ({ response, skip } = await this.resume());
        if (response === undefined) {
          return;
        }
      }
      for (;;) {
        const before = this.offset;
        let failure: unknown;
        try {
          await this.copy(response, skip);
          if (this.size === undefined || this.offset >= this.size) {
            return;
          }
          failure = new RegistryError(
            `${capitalize(OPERATION)} failed on ${this.http.loginServer}: the body ended after ${this.offset} of ${this.size} bytes`,
            { operation: OPERATION, url: response.url },
          );
        } catch (error) {
          failure = error;
        }
        if (this.sinkError) {
          throw this.sinkError.error;
        }
        if (signal?.aborted) {
          throw new AbortError("The blob download was cancelled.");
        }
        if (this.sink.stopped) {
          throw failure;
        }
        if (!isResumable(failure) || this.resumes >= this.maxResumes) {
          throw this.resumes > 0 ? withResumeNote(failure, this.resumes) : failure;
        }
        this.resumes++;
        if (this.offset === before) {
          await delay(Math.min(MAX_RESUME_BACKOFF_MS, RESUME_BACKOFF_MS * 2 ** (this.resumes - 1)), signal);
        }
        ({ response, skip } = await this.resume());
        if (response === undefined) {
          return;
        }
      }
    } catch (error) {
      throw signal?.aborted ? new AbortError("The blob download was cancelled.") : error;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      destroyBody(this.currentBody);
    }
  }

  /**
   * Moves one response body into the sink, dropping its first `skip` bytes,
   * with backpressure. 'data' events with pause/resume rather than
   * for-await: one promise per 16 KiB TLS record adds up over a gigabyte.
   */
  private copy(response: RegistryResponse, skip: number): Promise<void> {
    const body = response.body;
    this.currentBody = body;
    if (!body) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      let toSkip = skip;
      let settled = false;
      const finish = (error?: unknown): void => {
        if (settled) {
          return;
        }
        settled = true;
        body.removeListener("data", onData);
        body.removeListener("end", onEnd);
        body.removeListener("close", onClose);
        // Late errors of a body given up on go nowhere.
        body.removeListener("error", finish);
        body.on("error", () => undefined);
        if (error !== undefined) {
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what the body emitted, passed on as it came
          reject(error);
        } else {
          resolve();
        }
      };
      const onData = (raw: Buffer | string): void => {
        let chunk = typeof raw === "string" ? Buffer.from(raw) : raw;
        if (toSkip > 0) {
          const dropped = Math.min(toSkip, chunk.length);
          toSkip -= dropped;
          chunk = chunk.subarray(dropped);
          if (chunk.length === 0) {
            return;
          }
        }
        if (this.sink.stopped) {
          destroyBody(body);
          finish(new Error("The download's consumer went away."));
          return;
        }
        this.offset += chunk.length;
        let more: boolean;
        try {
          more = this.sink.write(chunk);
        } catch (error) {
          this.sinkError = { error };
          destroyBody(body);
          finish(error);
          return;
        }
        if (!more) {
          body.pause();
          this.sink.ready().then(() => {
            if (!settled) {
              body.resume();
            }
          }, finish);
        }
      };
      const onEnd = (): void => {
        if (toSkip > 0) {
          // A 200 restart that ended before reaching where we were: count it as a short body.
          finish(
            new RegistryError(
              `${capitalize(OPERATION)} failed on ${this.http.loginServer}: a restarted body ended before byte ${this.offset}`,
              {
                operation: OPERATION,
                url: response.url,
              },
            ),
          );
          return;
        }
        finish();
      };
      // Closed without 'end' and without an error: destroyed under us (a reset, or stop()).
      const onClose = (): void =>
        finish(
          new RegistryError(
            `${capitalize(OPERATION)} failed on ${this.http.loginServer}: the connection closed after ${this.offset} bytes`,
            {
              operation: OPERATION,
              url: response.url,
            },
          ),
        );
      body.on("data", onData);
      body.once("end", onEnd);
      body.once("error", finish);
      body.once("close", onClose);
    });
  }

  /** Asks for the rest. Undefined when the registry says nothing is left (416 at the end). */
  private async resume(): Promise<{ response?: RegistryResponse; skip: number }> {
    const response = await this.http.send({
      method: "GET",
      url: this.url,
      operation: OPERATION,
      expectedStatus: [200, 206, 416],
      headers: { Range: `bytes=${this.offset}-` },
      abortSignal: this.options.abortSignal,
      releaseSocketReads: this.options.releaseSocketReads,
    });
    const where = `(GET ${redactUrl(response.url)})`;
    if (response.status === 416) {
      destroyBody(response.body);
      const total = parseContentRange(response.headers.get("content-range"))?.total ?? this.size;
      if (total !== undefined && total === this.offset) {
        return { skip: 0 };
      }
      throw new RegistryError(
        `${capitalize(OPERATION)} failed on ${this.http.loginServer}: it refused to resume at byte ${this.offset} (416) ${where}`,
        {
          statusCode: 416,
          operation: OPERATION,
          url: response.url,
        },
      );
    }
    if (response.status === 200) {
      // The registry ignored Range: the whole blob again; its first `offset` bytes were delivered already.
      const length = parseLength(response.headers.get("content-length"));
      this.checkTotal(length, response);
      return { response, skip: this.offset };
    }
    const range = parseContentRange(response.headers.get("content-range"));
    if (!range || range.start > this.offset) {
      destroyBody(response.body);
      throw new RegistryError(
        `${capitalize(OPERATION)} failed on ${this.http.loginServer}: asked for bytes ${this.offset}- and got Content-Range ${JSON.stringify(response.headers.get("content-range") ?? "(none)")} ${where}`,
        { statusCode: 206, operation: OPERATION, url: response.url },
      );
    }
    this.checkTotal(range.total, response);
    return { response, skip: this.offset - range.start };
  }

  private checkTotal(total: number | undefined, response: RegistryResponse): void {
    if (total === undefined) {
      return;
    }
    if (this.size !== undefined && total !== this.size) {
      destroyBody(response.body);
      throw new RegistryError(
        `${capitalize(OPERATION)} failed on ${this.http.loginServer}: the blob was ${this.size} bytes and is now ${total} (GET ${redactUrl(response.url)})`,
        { operation: OPERATION, url: response.url },
      );
    }
    this.size = total;
  }
}

/** Failures a Range request can fix: the connection broke, went quiet, or the body ended short. Not: digest errors, 4xx, cancellation. */
function isResumable(error: unknown): boolean {
  if ((error as { name?: string })?.name === "AbortError") {
    return false;
  }
  if (error instanceof RegistryError) {
    // Short bodies and timeouts carry no status; a status error is the registry's considered answer.
    return error.statusCode === undefined;
  }
  // Errors of the socket under the body stream: ECONNRESET ("aborted"), premature close, and the like.
  return error instanceof Error && !(error.name === "DigestValidationError");
}

function withResumeNote(error: unknown, resumes: number): unknown {
  if (error instanceof Error) {
    error.message += ` (after ${resumes} resumed ${resumes === 1 ? "request" : "requests"})`;
  }
  return error;
}

function delay(ms: number, signal: AbortSignalLike | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError("The blob download was cancelled."));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortError("The blob download was cancelled."));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort);
  });
}

export function parseLength(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

/** `bytes <start>-<end>/<total or *>` (RFC 9110 section 14.4). */
export function parseContentRange(value: string | undefined): { start: number; end: number; total?: number } | undefined {
  const match = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value ?? "");
  if (!match) {
    const unsatisfied = /^\s*bytes\s+\*\/(\d+)\s*$/i.exec(value ?? "");
    return unsatisfied ? { start: Number(unsatisfied[1]), end: Number(unsatisfied[1]) - 1, total: Number(unsatisfied[1]) } : undefined;
  }
  return { start: Number(match[1]), end: Number(match[2]), total: match[3] === "*" ? undefined : Number(match[3]) };
}
