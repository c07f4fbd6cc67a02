// Blob download (OCI distribution spec "Pulling blobs"). The GET may be
// redirected to storage on another host (followed without Authorization by
// the pipeline); the bytes stream to the caller through a verifier that fails
// the stream with DigestValidationError if they do not match the digest. A
// connection that breaks mid-body is resumed with Range, transparently to the
// reader (resumableDownload.ts); cancelling errors the stream with AbortError.

import type { RegistryHttp } from "../http/registryHttp";
import type { DownloadBlobOptions, DownloadBlobResult } from "../models";
import { downloadBlobResumable } from "./resumableDownload";

export async function downloadBlob(
  http: RegistryHttp,
  repository: string,
  digest: string,
  options: DownloadBlobOptions = {},
): Promise<DownloadBlobResult> {
  return downloadBlobResumable(http, repository, digest, options);
}
