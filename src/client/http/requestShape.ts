// Small facts about requests and messages that several policies share.

import type { PipelineRequest } from "@azure/core-rest-pipeline";

/** Every status, so that core-rest-pipeline never buffers a body on its own. */
export const ALL_STATUSES = new Set(Array.from({ length: 500 }, (_, i) => i + 100));

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

/** "get manifest" -> "Get manifest", for the start of an error message. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
