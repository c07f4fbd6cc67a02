// Blob download (OCI distribution spec "Pulling blobs"). The GET may be
// redirected to storage on another host (followed without Authorization by
// the pipeline); the bytes stream to the caller through a verifier that fails
// the stream with DigestValidationError if they do not match the digest.

import { pipeline } from "node:stream";
import { VerifyingStream } from "../digest";
import { RegistryHttp } from "../http/registryHttp";
import type { DownloadBlobOptions, DownloadBlobResult } from "../models";
import { blobPath } from "./blobPaths";

export async function downloadBlob(
  http: RegistryHttp,
  repository: string,
  digest: string,
  options: DownloadBlobOptions = {},
): Promise<DownloadBlobResult> {
  const response = await http.send({
    method: "GET",
    url: blobPath(repository, digest),
    operation: "download blob",
    expectedStatus: [200],
    abortSignal: options.abortSignal,
  });
  const length = response.headers.get("content-length");
  const sizeInBytes = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
  const verifier = new VerifyingStream(digest, sizeInBytes, (transferredBytes) =>
    options.onProgress?.({ transferredBytes, totalBytes: sizeInBytes }),
  );
  if (!response.body) {
    verifier.end();
  } else {
    pipeline(response.body, verifier, () => undefined);
  }
  return { digest, sizeInBytes, content: verifier };
}
