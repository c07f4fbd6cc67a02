// Pipeline policy: fails a request whose connection goes quiet. A stalled
// registry (or a proxy that holds the socket open and sends nothing) would
// otherwise hang an operation forever: Node has no default socket timeout.
//
// "Quiet" means idle, not slow: any upload progress or any chunk of the
// response body counts as activity, so a large blob on a slow link is fine.
// A response body whose reader is behind (bytes are waiting for it, or the
// whole message is in) is not the network's fault and does not time out.
//
// core-rest-pipeline's own `timeout` is a deadline for the response headers
// only, and it reports an AbortError, which callers cannot tell from their own
// cancellation; this policy reports RegistryTimeoutError, which the retry
// policy retries and callers can branch on.
//
// Placed closest to the transport, so that each attempt and each redirect hop
// gets its own timer.

import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from "@azure/core-rest-pipeline";
import { finished, pipeline, type Readable, Transform, type TransformCallback } from "node:stream";
import { RegistryTimeoutError } from "../errors";
import { redactUrl } from "../redact";
import { requestContext } from "./requestContext";
import { capitalize } from "../messageText";

export const idleTimeoutPolicyName = "registryIdleTimeout";

/** The default idle timeout: 60 seconds without a byte either way (noticed within 60 to 90). */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

export function idleTimeoutPolicy(defaultTimeoutMs: number = DEFAULT_IDLE_TIMEOUT_MS): PipelinePolicy {
  return {
    name: idleTimeoutPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      const timeoutMs = requestContext(request).timeoutMs ?? defaultTimeoutMs;
      const outer = request.abortSignal;
      if (!(timeoutMs > 0) || outer?.aborted) {
        return next(request);
      }
      // Our own controller, so a timeout can abort the socket without touching the caller's signal.
      const controller = new AbortController();
      const forwardAbort = (): void => controller.abort();
      outer?.addEventListener("abort", forwardAbort);
      let timedOut: RegistryTimeoutError | undefined;
      const watch = new IdleWatch(timeoutMs, {
        onIdle: () => {
          timedOut = timeoutError(request, timeoutMs, "waiting for the response");
          controller.abort();
        },
      });
      const callerProgress = request.onUploadProgress;
      const streamedBody = callerProgress ? undefined : streamBody(request.body);
      const markUpload = (): void => watch.mark();
      if (streamedBody) {
        // A body stream counts its chunks as the HTTP client takes them, the same
        // activity as an upload progress callback, whose presence would make the
        // HTTP client put a progress Transform between the body and the request: with
        // none, it pipes the body into the request itself, so a relay's pooled chunk
        // can go back after its socket write (releaseAfterWrite.ts). Paused first, so
        // the listener does not start the stream before the client pipes it (pipe resumes).
        streamedBody.pause();
        streamedBody.on("data", markUpload);
      } else {
        request.onUploadProgress = (progress) => {
          watch.mark();
          callerProgress?.(progress);
        };
      }
      request.abortSignal = controller.signal;
      let response: PipelineResponse;
      try {
        response = await next(request);
      } catch (error) {
        outer?.removeEventListener("abort", forwardAbort);
        throw timedOut && !outer?.aborted ? timedOut : error;
      } finally {
        watch.stop();
        streamedBody?.removeListener("data", markUpload);
        // The request object is reused by the retry and redirect policies: leave it as it came.
        request.abortSignal = outer;
        request.onUploadProgress = callerProgress;
      }
      const body = response.readableStreamBody;
      if (!body) {
        outer?.removeEventListener("abort", forwardAbort);
        return response;
      }
      response.readableStreamBody = watchBody(
        body,
        timeoutMs,
        () => timeoutError(request, timeoutMs, "reading the response body"),
        () => outer?.removeEventListener("abort", forwardAbort),
      );
      return response;
    },
  };
}

function timeoutError(request: PipelineRequest, timeoutMs: number, phase: string): RegistryTimeoutError {
  const context = requestContext(request);
  const host = new URL(request.url).host;
  const what = context.operation ? `${capitalize(context.operation)} failed on ${context.registry ?? host}` : `Request to ${host} failed`;
  return new RegistryTimeoutError(
    `${what}: no data for ${timeoutMs} ms while ${phase} (${request.method} ${redactUrl(request.url)})`,
    timeoutMs,
    { method: request.method, url: request.url, operation: context.operation },
  );
}

/**
 * Errors the body when no byte arrives for `timeoutMs` while the reader wants
 * more. One timer looks twice per `timeoutMs` at whether anything arrived
 * since its last look, and two quiet looks in a row make a timeout, so a
 * quiet spell is noticed after `timeoutMs` to 1.5 times that: a timer reset
 * per chunk cost a timer object per 16 KiB TLS record, 65,536 per GiB. A
 * node:http body is watched through its socket's byte counter, with nothing
 * per chunk (a pass-through stream cost every chunk another round of stream
 * bookkeeping), until the whole message is in; a body of another HTTP client
 * gets a pass-through that counts.
 */
function watchBody(body: NodeJS.ReadableStream, timeoutMs: number, makeError: () => Error, onDone: () => void): NodeJS.ReadableStream {
  const socket = (body as { socket?: { bytesRead?: number } | null }).socket;
  if (typeof socket?.bytesRead === "number" && typeof (body as Readable).destroy === "function") {
    const readable = body as Readable & { complete?: boolean };
    const watch = new IdleWatch(timeoutMs, {
      // Bytes waiting for the reader: the reader is the slow one.
      readerBehind: () => readable.readableLength > 0,
      // Every byte of the message is in: nothing more to wait for from the network.
      networkDone: () => readable.complete === true,
      onIdle: () => readable.destroy(makeError()),
      progress: () => socket.bytesRead ?? 0,
    });
    finished(readable, () => {
      watch.stop();
      onDone();
    });
    return body;
  }
  const watched = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      watch.mark();
      callback(null, chunk);
    },
    flush(callback: TransformCallback): void {
      watch.stop();
      callback();
    },
  });
  const watch = new IdleWatch(timeoutMs, { readerBehind: () => watched.readableLength > 0, onIdle: () => watched.destroy(makeError()) });
  pipeline(body as NodeJS.ReadableStream & { destroy(): void }, watched, () => {
    watch.stop();
    onDone();
  });
  return watched;
}

/** The request's body when it is a Node stream (not bytes, text or a stream factory). */
function streamBody(body: PipelineRequest["body"]): Readable | undefined {
  const candidate = body as Partial<Readable> | undefined;
  return candidate && typeof candidate.pipe === "function" && typeof candidate.pause === "function" && typeof candidate.on === "function"
    ? (body as Readable)
    : undefined;
}

interface IdleWatchHooks {
  /** The reader is behind (bytes wait for it): the network is not the one being quiet. */
  readerBehind?: () => boolean;
  /** Nothing more is due from the network: the watch ends. */
  networkDone?: () => boolean;
  onIdle: () => void;
  /** A count that grows with activity; by default the calls to mark(). */
  progress?: () => number;
}

/** One timer, looking twice per `timeoutMs` at whether anything happened since the last look. */
class IdleWatch {
  private marks = 0;
  private lastSeen: number;
  private quietLooks = 0;
  private timer?: NodeJS.Timeout;
  private readonly progress: () => number;

  constructor(
    private readonly timeoutMs: number,
    private readonly hooks: IdleWatchHooks,
  ) {
    this.progress = hooks.progress ?? (() => this.marks);
    this.lastSeen = this.progress();
    this.arm();
  }

  mark(): void {
    this.marks++;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.timer = setTimeout(() => this.look(), this.timeoutMs / 2);
    this.timer.unref?.();
  }

  private look(): void {
    this.timer = undefined;
    if (this.hooks.networkDone?.()) {
      return;
    }
    const now = this.progress();
    if (now !== this.lastSeen || this.hooks.readerBehind?.()) {
      this.lastSeen = now;
      this.quietLooks = 0;
    } else if (++this.quietLooks >= 2) {
      this.hooks.onIdle();
      return;
    }
    this.arm();
  }
}
