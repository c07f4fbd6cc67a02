// An already authorised GET of one blob, handed by the wire code (registry/)
// to a thread that receives the bytes on its own connection (the disk code's
// writer thread, layout/hashingWriterPool.ts). The main thread keeps every
// decision about auth and policy: the thread asks it where a redirect may go
// and with which Authorization, and for a fresh header after a 401.

/** What went wrong on the receiving thread, as plain data (the main thread turns it into an error). */
export interface BlobGetFailure {
  /**
   * status: the registry's answer (`status`, `body`); network: the socket
   * failed (`code`); timeout: no byte for the idle timeout; short: the body
   * ended early; range: a resume was answered with the wrong bytes; redirects:
   * too many hops; file: the disk failed; tooMany: more bytes than the blob has.
   */
  kind: "status" | "network" | "timeout" | "short" | "range" | "redirects" | "file" | "tooMany";
  message: string;
  /** The URL that answered last. */
  url: string;
  status?: number;
  code?: string;
  /** The start of an error response's body (at most 64 KiB, UTF-8). */
  body?: string;
  contentType?: string;
  /** Range requests sent before giving up. */
  resumes: number;
  /** Why a 5xx or 429 was not retried although retries were left (a `Retry-After` too long). */
  gaveUp?: string;
}

export interface BlobGetGrant {
  /** The blob's registry URL (absolute): every attempt, resumes included, starts here. */
  url: string;
  /** The Authorization value for the registry's origin, if it asks for one. */
  authorization?: string;
  /** Bytes the blob has: more is an error. */
  size: number;
  /** Extra trusted CA certificates (PEM), as the client's pipeline uses them. */
  ca?: string;
  userAgent: string;
  /** Milliseconds without a byte before an attempt fails (and is resumed); 0 for none. */
  timeoutMs: number;
  maxResumes: number;
  maxRedirects: number;
  /** The client's retries of 5xx and 429 answers (http/retryPolicy.ts), `Retry-After` waited up to `maxDelayMs`. */
  retry: { maxRetries: number; initialDelayMs: number; maxDelayMs: number };
  /** The next hop for a redirect's Location and the Authorization it may carry; throws when the rule refuses it. */
  redirect(location: string, from: string): { url: string; authorization?: string };
  /** After a 401 from the registry: the header to try once more with. */
  reauthorize(): Promise<string | undefined>;
  /** The client's request log, one line per request the thread sent (no headers). */
  log?: (line: string) => void;
  /** The error the caller sees for a failure the thread reported (never carrying a token). */
  failure(report: BlobGetFailure): Promise<Error>;
}
