// Hands a blob GET to a receiving thread (layout/hashingWriterPool.ts
// `receive`), or says it cannot be done faithfully, and the caller keeps the
// main-thread path (resumableDownload.ts).
//
// Authorization: a HEAD of the blob goes through the pipeline first, so the
// challenge policy answers any 401 and picks the token as it would for the
// GET (same repository, same access: challengeAuthPolicy.ts requestKind); the
// header it sent is what the thread sends to the registry's origin. After a
// 401 on the thread the HEAD goes again (an expired or revoked token gets
// refreshed there), and the thread retries once with the new header.
// Redirects: every Location the thread meets comes back here and is checked
// with the one rule for registry URLs (foreignOrigin.ts); Authorization goes
// only to the registry's own origin (core's redirect policy drops it on any
// other, and so does the challenge policy).
//
// Not handed over (the main-thread path is used):
// - a client with its own HTTP client (RegistryHttp.directGet unset);
// - a proxy in the environment (HTTPS_PROXY and the like): the thread's
//   plain node:https connection would bypass it;
// - blobs under MIN_THREAD_BLOB_BYTES: a thread is not worth a small blob;
// - a HEAD the registry answers with another status than 200: the GET then
//   reports the registry's own error, as before (a HEAD with no answer at all
//   fails the download: the GET would only repeat its retries).

import { Readable } from "node:stream";
import type { AbortSignalLike } from "@azure/abort-controller";
import type { BlobGetFailure, BlobGetGrant } from "../blobGet";
import { RegistryError, RegistryTimeoutError, RegistryTlsError } from "../errors";
import { registryUrlProblem } from "../foreignOrigin";
import { registryErrorFromResponse } from "../http/errorResponse";
import { discardBody, type RegistryHttp } from "../http/registryHttp";
import { explainTlsError } from "../http/tlsErrors";
import { capitalize } from "../messageText";
import { redactUrl, scrubError, secretsOfAuthorization } from "../redact";
import { MAX_RESUMES, parseLength } from "./resumableDownload";

/** Below this size a blob is received on the main thread. */
export const MIN_THREAD_BLOB_BYTES = 1024 * 1024;
/** Redirect hops per attempt, as the pipeline's redirect policy allows. */
const MAX_REDIRECTS = 5;
const OPERATION = "download blob";
const PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];

export interface BlobGetGrantOptions {
  abortSignal?: AbortSignalLike;
  /** The blob's size when known (a descriptor's): the cap, and no HEAD is needed to decide. */
  size?: number;
  maxResumes?: number;
}

/** Whether the environment names a proxy (core-rest-pipeline's proxyPolicy reads the same variables). */
export function proxyConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return PROXY_VARIABLES.some((name) => (env[name] ?? "").trim() !== "");
}

/** A grant for `GET url` on a thread, or undefined when the main-thread path must be used. */
export async function grantBlobGet(http: RegistryHttp, url: string, options: BlobGetGrantOptions = {}): Promise<BlobGetGrant | undefined> {
  const settings = http.directGet;
  if (!settings || proxyConfigured() || (options.size !== undefined && options.size < MIN_THREAD_BLOB_BYTES)) {
    return undefined;
  }
  const absolute = http.resolveUrl(url);
  const head = await authorizedHead(http, absolute, options.abortSignal);
  if (!head) {
    return undefined;
  }
  const size = options.size ?? head.size;
  if (size === undefined || size < MIN_THREAD_BLOB_BYTES) {
    return undefined;
  }
  let authorization = head.authorization;
  return {
    url: absolute,
    authorization,
    size,
    ca: settings.ca,
    userAgent: head.userAgent ?? settings.userAgent,
    timeoutMs: settings.timeoutMs,
    retry: settings.retry,
    maxResumes: options.maxResumes ?? MAX_RESUMES,
    maxRedirects: MAX_REDIRECTS,
    redirect(location, from) {
      let next: URL;
      try {
        next = new URL(location, from);
      } catch {
        throw new RegistryError(`${capitalize(OPERATION)} failed on ${http.loginServer}: the redirect's Location is not a URL`, {
          method: "GET",
          url: from,
          operation: OPERATION,
        });
      }
      const problem = registryUrlProblem(next, http.origin);
      if (problem) {
        // The words of challengeAuthPolicy.ts, which refuses the same hops on the main-thread path.
        throw new RegistryError(
          `${new URL(http.origin).host} sent the client to a URL it will not use: ${problem}; not followed, so nothing was sent there`,
          { method: "GET", url: next.toString() },
        );
      }
      return { url: next.toString(), authorization: next.origin === http.origin ? authorization : undefined };
    },
    async reauthorize() {
      const again = await authorizedHead(http, absolute, options.abortSignal, true);
      authorization = again?.authorization;
      return authorization;
    },
    log: http.log,
    failure: (report) => failureError(http, report, authorization),
  };
}

/** HEAD through the pipeline: the size, and the Authorization the registry accepted. Undefined when not 200. */
async function authorizedHead(
  http: RegistryHttp,
  url: string,
  abortSignal: AbortSignalLike | undefined,
  strict = false,
): Promise<{ size?: number; authorization?: string; userAgent?: string } | undefined> {
  try {
    const response = await http.send({
      method: "HEAD",
      url,
      operation: OPERATION,
      expectedStatus: [200],
      abortSignal,
      captureAuthorization: true,
    });
    discardBody(response);
    return {
      size: parseLength(response.headers.get("content-length")),
      authorization: response.authorization,
      userAgent: response.userAgent,
    };
  } catch (error) {
    // An answer other than 200 falls back: the GET then reports the registry's own error. No answer at
    // all (unreachable, TLS, timeout, after the pipeline's retries) would only be retried again by the GET.
    const answered = (error as { statusCode?: number }).statusCode !== undefined;
    if (strict || !answered || (error as { name?: string }).name === "AbortError" || abortSignal?.aborted) {
      throw error;
    }
    return undefined;
  }
}

/** The error a caller sees, in the main-thread path's words (registryHttp.ts, resumableDownload.ts). */
async function failureError(http: RegistryHttp, report: BlobGetFailure, authorization: string | undefined): Promise<Error> {
  const where = `(GET ${redactUrl(report.url)})`;
  const init = { method: "GET", url: report.url, operation: OPERATION };
  const note = report.resumes > 0 ? ` (after ${report.resumes} resumed ${report.resumes === 1 ? "request" : "requests"})` : "";
  let error: Error;
  if (report.kind === "status" && report.status !== undefined) {
    error = await registryErrorFromResponse({
      status: report.status,
      method: "GET",
      url: report.url,
      operation: OPERATION,
      registry: http.loginServer,
      body: Readable.from([Buffer.from(report.body ?? "", "utf8")]),
    });
    error.message += report.gaveUp ? `${note} (not retried: ${report.gaveUp})` : note;
  } else if (report.kind === "timeout") {
    error = new RegistryTimeoutError(
      `${capitalize(OPERATION)} failed on ${http.loginServer}: ${report.message} ${where}${note}`,
      http.directGet?.timeoutMs ?? 0,
      init,
    );
  } else if (report.kind === "network" && explainTlsError(report.code)) {
    error = new RegistryTlsError(
      `${capitalize(OPERATION)} failed: could not connect securely to ${http.loginServer}: ${explainTlsError(report.code)} ${where}`,
      init,
    );
  } else if (report.kind === "network") {
    error = new RegistryError(
      `${capitalize(OPERATION)} failed: could not reach ${http.loginServer} ${where}: ${report.message}${note}`,
      init,
    );
  } else if (report.kind === "file") {
    error = Object.assign(new Error(report.message), { code: report.code });
  } else {
    error = new RegistryError(
      `${capitalize(OPERATION)} failed on ${http.loginServer}: ${report.message} ${where}${note}`,
      report.kind === "range" ? { ...init, statusCode: report.status } : init,
    );
  }
  // A hostile registry may echo the token back in its error body.
  return scrubError(error, secretsOfAuthorization(authorization));
}
