// Pipeline policy: fails a request whose connection goes quiet. A stalled
// registry (or a proxy that holds the socket open and sends nothing) would
// otherwise hang an operation forever: Node has no default socket timeout.
//
// "Quiet" means idle, not slow: the timer restarts on every chunk of upload
// progress and every chunk of the response body, so a large blob on a slow
// link is fine. A response body that is not being read (the caller is slow or
// paused, and the buffer is full) is not the network's fault and does not
// time out.
//
// core-rest-pipeline's own `timeout` is a deadline for the response headers
// only, and it reports an AbortError, which callers cannot tell from their own
// cancellation; this policy reports RegistryTimeoutError, which the retry
// policy retries and callers can branch on.
//
// Placed closest to the transport, so that each attempt and each redirect hop
// gets its own timer.

import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from "@azure/core-rest-pipeline";
import { Transform, TransformCallback, pipeline } from "node:stream";
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
      let timer: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          timedOut = timeoutError(request, timeoutMs, "waiting for the response");
          controller.abort();
        }, timeoutMs);
      };
      const callerProgress = request.onUploadProgress;
      request.onUploadProgress = (progress) => {
        arm();
        callerProgress?.(progress);
      };
      request.abortSignal = controller.signal;
      arm();
      let response: PipelineResponse;
      try {
        response = await next(request);
      } catch (error) {
        outer?.removeEventListener("abort", forwardAbort);
        throw timedOut && !outer?.aborted ? timedOut : error;
      } finally {
        clearTimeout(timer);
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

/** Passes the body through, and errors it when no byte arrives for `timeoutMs` while the reader wants more. */
function watchBody(
  body: NodeJS.ReadableStream,
  timeoutMs: number,
  makeError: () => Error,
  onDone: () => void,
): NodeJS.ReadableStream {
  let timer: NodeJS.Timeout | undefined;
  const watched = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      arm();
      callback(null, chunk);
    },
    flush(callback: TransformCallback): void {
      clearTimeout(timer);
      callback();
    },
  });
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (watched.readableLength >= watched.readableHighWaterMark) {
        // Our buffer is full: the reader is behind, the network is not quiet.
        arm();
        return;
      }
      watched.destroy(makeError());
    }, timeoutMs);
    timer.unref?.();
  };
  arm();
  pipeline(body as NodeJS.ReadableStream & { destroy(): void }, watched, () => {
    clearTimeout(timer);
    onDone();
  });
  return watched;
}

