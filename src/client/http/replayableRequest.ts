// Whether a request can be sent a second time (retry, a challenge answered):
// only when its body was not a stream that the first attempt consumed.

import type { PipelineRequest } from "@azure/core-rest-pipeline";

/** A request whose body can be sent again (not a stream that was already read). */
export function isReplayable(request: PipelineRequest): boolean {
  const body = request.body;
  return (
    body === undefined ||
    body === null ||
    typeof body === "string" ||
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer ||
    typeof body === "function"
  );
}
