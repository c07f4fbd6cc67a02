// Pipeline policy: retries throttling (429), 5xx answers (500, 502, 503, 504)
// and dropped connections with exponential backoff, honouring `Retry-After`
// (RFC 9110 section 10.2.3) up to a bound. Requests whose body is a stream are
// not retried here: their bytes are gone (uploads resume at a higher level).

import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from "@azure/core-rest-pipeline";
import { destroyBody } from "./readBody";

export interface RetryOptions {
  /** How many times a request is retried. The default value is 3. */
  maxRetries?: number;
  /** First backoff in milliseconds; doubled each time, with jitter. The default value is 500. */
  initialDelayMs?: number;
  /** Longest wait, also for `Retry-After`. The default value is 30000. */
  maxDelayMs?: number;
}

const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);
const RETRIED_ERROR_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_SOCKET"]);

export const retryPolicyName = "registryRetry";

export function retryPolicy(options: RetryOptions = {}): PipelinePolicy {
  const maxRetries = options.maxRetries ?? 3;
  const initialDelayMs = options.initialDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  return {
    name: retryPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      for (let attempt = 0; ; attempt++) {
        const canRetry = attempt < maxRetries && isReplayable(request) && !request.abortSignal?.aborted;
        let response: PipelineResponse;
        try {
          response = await next(request);
        } catch (error) {
          if (!canRetry || !isTransientError(error)) {
            throw error;
          }
          await sleep(backoff(attempt, initialDelayMs, maxDelayMs), request);
          continue;
        }
        if (!canRetry || !RETRIED_STATUSES.has(response.status)) {
          return response;
        }
        const retryAfter = retryAfterMs(response.headers.get("retry-after"));
        destroyBody(response.readableStreamBody);
        await sleep(Math.min(retryAfter ?? backoff(attempt, initialDelayMs, maxDelayMs), maxDelayMs), request);
      }
    },
  };
}

function backoff(attempt: number, initialDelayMs: number, maxDelayMs: number): number {
  const exponential = initialDelayMs * 2 ** attempt;
  return Math.min(maxDelayMs, exponential * (0.8 + Math.random() * 0.4));
}

export function retryAfterMs(header: string | undefined): number | undefined {
  if (!header) {
    return undefined;
  }
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) {
    return seconds * 1000;
  }
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function isTransientError(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  return code !== undefined && RETRIED_ERROR_CODES.has(code);
}

function isReplayable(request: PipelineRequest): boolean {
  const body = request.body;
  return body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array || typeof body === "function";
}

function sleep(ms: number, request: PipelineRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const signal = request.abortSignal;
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      const error = new Error("The operation was aborted.");
      error.name = "AbortError";
      reject(error);
    };
    signal?.addEventListener("abort", onAbort);
  });
}
