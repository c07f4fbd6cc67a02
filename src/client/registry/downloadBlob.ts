// Blob download (OCI distribution spec "Pulling blobs"). The GET may be
// redirected to storage on another host (followed without Authorization by
// the pipeline); the bytes stream to the caller through a verifier that fails
// the stream with DigestValidationError if they do not match the digest. A
// connection that breaks mid-body is resumed with Range, transparently to the
// reader (resumableDownload.ts); cancelling errors the stream with AbortError.
// A blob of 1 MiB or more is received on a thread of its own connection
// where the GET can be handed over (blobGetGrant.ts, threadBlobStream.ts),
// under the same contract; the main thread then only hands out its chunks.

import type { RegistryHttp } from "../http/registryHttp";
import type { DownloadBlobOptions, DownloadBlobResult } from "../models";
import { blobPath } from "./blobPaths";
import { grantBlobGet } from "./blobGetGrant";
import { downloadBlobResumable } from "./resumableDownload";
import { openThreadBlobStream } from "./threadBlobStream";

export async function downloadBlob(
  http: RegistryHttp,
  repository: string,
  digest: string,
  options: DownloadBlobOptions = {},
): Promise<DownloadBlobResult> {
  const grant = await grantBlobGet(http, blobPath(repository, digest), { abortSignal: options.abortSignal });
  if (grant) {
    const content = openThreadBlobStream(grant, digest, {
      abortSignal: options.abortSignal,
      onBytes: (transferredBytes) => options.onProgress?.({ transferredBytes, totalBytes: grant.size }),
    });
    return { digest, sizeInBytes: grant.size, content };
  }
  return downloadBlobResumable(http, repository, digest, options);
}
