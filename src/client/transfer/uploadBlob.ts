// Blob upload (OCI distribution spec "Pushing blobs"). Bytes in memory whose
// digest is known go up in one monolithic PUT, unless the registry already has
// them (HEAD). A stream goes up as POST -> one streaming PATCH (hashed on the
// fly) -> PUT ?digest=, so nothing holds the whole blob. A failed upload
// cancels its session.

import { Readable } from "node:stream";
import { DigestValidationError } from "../errors";
import { HashingStream, sha256Digest } from "../digest";
import { RegistryHttp, RegistryResponse } from "../http/registryHttp";
import type { UploadBlobOptions, UploadBlobResult } from "../models";
import { blobExists, cancelUpload, resolveLocation, uploadsPath, withDigest } from "./blobPaths";

const OPERATION = "upload blob";

export async function uploadBlob(
  http: RegistryHttp,
  repository: string,
  data: NodeJS.ReadableStream | Uint8Array,
  options: UploadBlobOptions = {},
): Promise<UploadBlobResult> {
  if (data instanceof Uint8Array) {
    return uploadBytes(http, repository, data, options);
  }
  return uploadStream(http, repository, data, options);
}

async function startUpload(http: RegistryHttp, repository: string, options: UploadBlobOptions): Promise<string> {
  const started = await http.sendAndDiscard({
    method: "POST",
    url: uploadsPath(repository),
    operation: OPERATION,
    expectedStatus: [202],
    abortSignal: options.abortSignal,
  });
  return resolveLocation(http, started.headers.get("location"), started.url, OPERATION);
}

async function uploadBytes(
  http: RegistryHttp,
  repository: string,
  bytes: Uint8Array,
  options: UploadBlobOptions,
): Promise<UploadBlobResult> {
  const digest = sha256Digest(bytes);
  const sizeInBytes = bytes.byteLength;
  if (await blobExists(http, repository, digest, options.abortSignal)) {
    options.onProgress?.({ transferredBytes: sizeInBytes, totalBytes: sizeInBytes });
    return { digest, sizeInBytes };
  }
  const location = await startUpload(http, repository, options);
  try {
    const finished = await http.sendAndDiscard({
      method: "PUT",
      url: withDigest(location, digest),
      operation: OPERATION,
      expectedStatus: [201],
      headers: { "Content-Type": "application/octet-stream" },
      body: bytes,
      abortSignal: options.abortSignal,
    });
    checkReportedDigest(finished, digest);
  } catch (error) {
    await cancelUpload(http, location);
    throw error;
  }
  options.onProgress?.({ transferredBytes: sizeInBytes, totalBytes: sizeInBytes });
  return { digest, sizeInBytes };
}

async function uploadStream(
  http: RegistryHttp,
  repository: string,
  data: NodeJS.ReadableStream,
  options: UploadBlobOptions,
): Promise<UploadBlobResult> {
  let location = await startUpload(http, repository, options);
  const hashing = new HashingStream("sha256", (transferredBytes) =>
    options.onProgress?.({ transferredBytes, totalBytes: options.sizeInBytes }),
  );
  const source = data instanceof Readable ? data : Readable.from(data as AsyncIterable<Buffer>);
  source.on("error", (error) => hashing.destroy(error));
  source.pipe(hashing);
  try {
    const patched = await http.sendAndDiscard({
      method: "PATCH",
      url: location,
      operation: OPERATION,
      expectedStatus: [202],
      headers: { "Content-Type": "application/octet-stream" },
      body: hashing,
      abortSignal: options.abortSignal,
    });
    location = resolveLocation(http, patched.headers.get("location") ?? location, patched.url, OPERATION);
    const digest = hashing.digest();
    const finished = await http.sendAndDiscard({
      method: "PUT",
      url: withDigest(location, digest),
      operation: OPERATION,
      expectedStatus: [201],
      abortSignal: options.abortSignal,
    });
    checkReportedDigest(finished, digest);
    return { digest, sizeInBytes: hashing.bytes };
  } catch (error) {
    source.unpipe(hashing);
    hashing.destroy();
    await cancelUpload(http, location);
    throw error;
  }
}

function checkReportedDigest(response: RegistryResponse, digest: string): void {
  const reported = response.headers.get("docker-content-digest");
  if (reported && reported !== digest) {
    throw new DigestValidationError(digest, reported, "blob the registry stored");
  }
}
