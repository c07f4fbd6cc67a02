// What RegistryHttp knows about a request that the pipeline policies below it
// need for their decisions and messages: the operation, whether a retry is
// safe, the idle timeout. core-rest-pipeline requests have no field for
// this, so it rides along in a WeakMap (gone with the request).

import type { PipelineRequest } from "@azure/core-rest-pipeline";

export interface RequestContext {
  /** What the caller is doing, for messages: "download blob". */
  operation?: string;
  /** `host[:port]` of the registry, for messages. */
  registry?: string;
  /**
   * False for requests a blind replay could harm: a PATCH or PUT into an
   * upload session (distribution invalidates a session whose stored size and
   * signed `_state` offset disagree after a partial write). The caller
   * recovers from the upload status instead.
   */
  retry?: boolean;
  /** Idle timeout for this request in milliseconds, overriding the client's; 0 for none. */
  timeoutMs?: number;
  /** Free the socket's reads as soon as the HTTP parser has used them (bufferRelease.ts). */
  releaseSocketReads?: boolean;
  /**
   * The Authorization value the challenge policy last sent to the registry's
   * own origin, kept only when the caller asked (RegistryRequest.captureAuthorization),
   * so that a blob GET can be handed to a receiving thread (registry/blobGetGrant.ts).
   */
  registryAuthorization?: string;
  captureAuthorization?: boolean;
  /** With captureAuthorization: the User-Agent the registry's origin got. */
  userAgent?: string;
  /** How many times the request was sent (set by the retry policy). */
  attempts?: number;
  /** The last answer was still a retryable failure when the retries ran out. */
  exhausted?: boolean;
  /** Why the retry policy stopped early, e.g. a `Retry-After` beyond its bound. */
  gaveUp?: string;
}

const contexts = new WeakMap<PipelineRequest, RequestContext>();

export function requestContext(request: PipelineRequest): RequestContext {
  let context = contexts.get(request);
  if (!context) {
    context = {};
    contexts.set(request, context);
  }
  return context;
}
