// Pipeline policy: retries throttling (429), 5xx answers (500, 502, 503, 504),
// dropped connections and idle timeouts with exponential backoff, honouring
// `Retry-After` (RFC 9110 section 10.2.3) up to a bound. Not retried here:
// - requests whose body is a stream: their bytes are gone (uploads resume at a
//   higher level, from the registry's upload status);
// - requests RegistryHttp marked `retry: false` (writes into an upload session,
//   where a blind replay after a partial write breaks the session);
// - a `Retry-After` longer than `maxDelayMs`: the registry asked us to stay
//   away longer than we wait, so the answer goes back to the caller at once
//   instead of hammering it early.
// The number of attempts is recorded so the final error can say it gave up.

import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from "@azure/core-rest-pipeline";
import { AbortError } from "@azure/abort-controller";
import { RegistryTimeoutError } from "../errors";
import { destroyBody } from "./readBody";
import { requestContext } from "./requestContext";
import { isReplayable } from "./replayableRequest";

export interface RetryOptions {
  /** How many times a request is retried. The default value is 3. */
  maxRetries?: number;
  /** First backoff in milliseconds; doubled each time, with jitter. The default value is 500. */
  initialDelayMs?: number;
  /** Longest wait, also for `Retry-After`. The default value is 30000. */
  maxDelayMs?: number;
}

const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);
const RETRIED_ERROR_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

export const retryPolicyName = "registryRetry";

/** The options with their defaults filled in (also what a receiving thread follows: registry/blobGetGrant.ts). */
export function retrySettings(options: RetryOptions = {}): Required<RetryOptions> {
  return { maxRetries: options.maxRetries ?? 3, initialDelayMs: options.initialDelayMs ?? 500, maxDelayMs: options.maxDelayMs ?? 30_000 };
}

export function retryPolicy(options: RetryOptions = {}): PipelinePolicy {
  const { maxRetries, initialDelayMs, maxDelayMs } = retrySettings(options);
  return {
    name: retryPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      const context = requestContext(request);
      for (let attempt = 0; ; attempt++) {
        context.attempts = attempt + 1;
        const canRetry = attempt < maxRetries && context.retry !== false && isReplayable(request) && !request.abortSignal?.aborted;
        let response: PipelineResponse;
        try {
          response = await next(request);
        } catch (error) {
          if (!canRetry || !isTransientError(error)) {
            context.exhausted = attempt > 0 && isTransientError(error);
            throw error;
          }
          await sleep(backoff(attempt, initialDelayMs, maxDelayMs), request);
          continue;
        }
        if (!canRetry || !RETRIED_STATUSES.has(response.status)) {
          context.exhausted = attempt > 0 && RETRIED_STATUSES.has(response.status);
          return response;
        }
        const retryAfter = retryAfterMs(response.headers.get("retry-after"));
        if (retryAfter !== undefined && retryAfter > maxDelayMs) {
          context.gaveUp = `the registry asked to retry after ${Math.ceil(retryAfter / 1000)} s, longer than the ${Math.round(maxDelayMs / 1000)} s this client waits`;
          return response;
        }
        destroyBody(response.readableStreamBody);
        await sleep(retryAfter ?? backoff(attempt, initialDelayMs, maxDelayMs), request);
      }
    },
  };
}

function backoff(attempt: number, initialDelayMs: number, maxDelayMs: number): number {
  const exponential = initialDelayMs * 2 ** attempt;
  return Math.min(maxDelayMs, exponential * (0.8 + Math.random() * 0.4));
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 section 10.2.3), in milliseconds. */
export function retryAfterMs(header: string | undefined): number | undefined {
  if (!header) {
    return undefined;
  }
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed) * 1000;
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function isTransientError(error: unknown): boolean {
  if (error instanceof RegistryTimeoutError) {
    return true;
  }
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  return typeof code === "string" && RETRIED_ERROR_CODES.has(code);
}

function sleep(ms: number, request: PipelineRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const signal = request.abortSignal;
    if (signal?.aborted) {
      reject(new AbortError("The operation was aborted."));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortError("The operation was aborted."));
    };
    signal?.addEventListener("abort", onAbort);
  });
}
