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
import { finished, pipeline, Readable, Transform, TransformCallback } from "node:stream";
import { RegistryTimeoutError } from "../errors";
import { redactUrl } from "../redact";
import { requestContext } from "./requestContext";
import { capitalize } from "./requestShape";

export const idleTimeoutPolicyName = "registryIdleTimeout";

/** The default idle timeout: 60 seconds without a byte either way. */
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
      const watch = new IdleWatch(
        timeoutMs,
        () => false,
        () => {
          timedOut = timeoutError(request, timeoutMs, "waiting for the response");
          controller.abort();
        },
      );
      const callerProgress = request.onUploadProgress;
      request.onUploadProgress = (progress) => {
        watch.mark();
        callerProgress?.(progress);
      };
      request.abortSignal = controller.signal;
      let response: PipelineResponse;
      try {
        response = await next(request);
      } catch (error) {
        outer?.removeEventListener("abort", forwardAbort);
        throw timedOut && !outer?.aborted ? timedOut : error;
      } finally {
        watch.stop();
        // The request object is reused by the retry and redirect policies: leave it as it came.
        request.abortSignal = outer;
        request.onUploadProgress = callerProgress;
      }
      const body = response.readableStreamBody;
      if (!body) {
        outer?.removeEventListener("abort", forwardAbort);
        return response;
      }
      response.readableStreamBody = watchBody(body, timeoutMs, () => timeoutError(request, timeoutMs, "reading the response body"), () =>
        outer?.removeEventListener("abort", forwardAbort),
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
 * more. One timer looks every `timeoutMs` at whether anything arrived since
 * its last look, so a quiet spell is noticed after `timeoutMs` to twice that:
 * a timer reset per chunk cost a timer object per 16 KiB TLS record, 65,536
 * per GiB. A node:http body is watched through its socket's byte counter,
 * with nothing per chunk (a pass-through stream cost every chunk another
 * round of stream bookkeeping); a body of another HTTP client gets a
 * pass-through that counts.
 */
function watchBody(
  body: NodeJS.ReadableStream,
  timeoutMs: number,
  makeError: () => Error,
  onDone: () => void,
): NodeJS.ReadableStream {
  const socket = (body as { socket?: { bytesRead?: number } | null }).socket;
  if (typeof socket?.bytesRead === "number" && typeof (body as Readable).destroy === "function") {
    const readable = body as Readable;
    const watch = new IdleWatch(
      timeoutMs,
      // Bytes waiting for the reader, or the whole message in: the reader is the slow one.
      () => readable.readableLength > 0 || (body as { complete?: boolean }).complete === true,
      () => readable.destroy(makeError()),
      () => socket.bytesRead ?? 0,
    );
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
  const watch = new IdleWatch(timeoutMs, () => watched.readableLength > 0, () => watched.destroy(makeError()));
  pipeline(body as NodeJS.ReadableStream & { destroy(): void }, watched, () => {
    watch.stop();
    onDone();
  });
  return watched;
}

/** One timer, checking every `timeoutMs` whether anything happened since the last look. */
class IdleWatch {
  private marks = 0;
  private lastSeen: number;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly timeoutMs: number,
    /** The reader is behind (bytes wait for it): the network is not the one being quiet. */
    private readonly readerBehind: () => boolean,
    private readonly onIdle: () => void,
    /** A count that grows with activity; by default the calls to mark(). */
    private readonly progress: () => number = () => this.marks,
  ) {
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
    this.timer = setTimeout(() => {
      const now = this.progress();
      if (now !== this.lastSeen || this.readerBehind()) {
        this.lastSeen = now;
        this.arm();
        return;
      }
      this.timer = undefined;
      this.onIdle();
    }, this.timeoutMs);
    this.timer.unref?.();
  }
}
