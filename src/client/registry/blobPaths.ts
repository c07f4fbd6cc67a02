// Blob URLs of the OCI distribution API and small blob operations.

import type { AbortSignalLike } from "@azure/abort-controller";
import { isSafeForeignUrl } from "../foreignOrigin";
import { RegistryError } from "../errors";
import type { RegistryHttp } from "../http/registryHttp";
import { redactUrl } from "../redact";
import { capitalize } from "../messageText";

export function blobPath(repository: string, digest: string): string {
  return `/v2/${repository}/blobs/${digest}`;
}

export function uploadsPath(repository: string): string {
  return `/v2/${repository}/blobs/uploads/`;
}

/**
 * The URL of an upload's next step: the latest `Location`, resolved against
 * the URL that sent it, used as given (spec: "the Location ... MUST be used";
 * it may carry `_state`). A Location on another host is followed (some
 * registries send uploads to storage), but the pipeline never sends
 * Authorization there, and it is refused unless it is https (or plain http on
 * loopback): blob bytes are not sent in clear to a host the user never named.
 * Only http(s) is accepted at all.
 */
export function resolveLocation(http: RegistryHttp, location: string | undefined, answeredUrl: string, operation: string): string {
  if (!location) {
    throw new RegistryError(`${capitalize(operation)} failed on ${http.loginServer}: the registry answered without a Location header`, {
      operation,
    });
  }
  let url: URL;
  try {
    url = new URL(http.resolveUrl(location, answeredUrl));
  } catch {
    throw new RegistryError(`${capitalize(operation)} failed on ${http.loginServer}: the registry sent an invalid Location`, { operation });
  }
  if (!isSafeForeignUrl(url, http.origin)) {
    throw new RegistryError(
      `${capitalize(operation)} failed on ${http.loginServer}: the registry sent an upload Location on another host over ${url.protocol}// (${redactUrl(url.toString())}); refusing to send blob data there`,
      { operation },
    );
  }
  return url.toString();
}

/** `PUT <location>&digest=<digest>`: adds the digest to whatever query the location carries (`_state`). */
export function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.set("digest", digest);
  return url.toString();
}

export async function blobExists(http: RegistryHttp, repository: string, digest: string, abortSignal?: AbortSignalLike): Promise<boolean> {
  const response = await http.sendAndDiscard({
    method: "HEAD",
    url: blobPath(repository, digest),
    operation: "check blob",
    expectedStatus: [200, 404],
    abortSignal,
  });
  return response.status === 200;
}

/** Deletes a blob; one that is already gone is not an error. */
export async function deleteBlob(http: RegistryHttp, repository: string, digest: string, abortSignal?: AbortSignalLike): Promise<void> {
  await http.sendAndDiscard({
    method: "DELETE",
    url: blobPath(repository, digest),
    operation: "delete blob",
    expectedStatus: [202, 200, 204, 404],
    abortSignal,
  });
}

/** Cancels an upload session (best effort: it expires on its own anyway). */
export async function cancelUpload(http: RegistryHttp, location: string): Promise<void> {
  try {
    await http.sendAndDiscard({ method: "DELETE", url: location, operation: "cancel upload", expectedStatus: [204, 200, 202, 404] });
  } catch {
    // Nothing more to do: the session times out on the registry.
  }
}
