// The library reads every response body itself (capped, streamed, or
// discarded), so core-rest-pipeline is told that every status is a stream.

/** Every status, so that core-rest-pipeline never buffers a body on its own. */
export const ALL_STATUSES = new Set(Array.from({ length: 500 }, (_, i) => i + 100));
