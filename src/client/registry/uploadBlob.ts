// Blob upload (OCI distribution spec "Pushing blobs").
//
// Bytes in memory and reopenable sources (a file, `{ sizeInBytes, open(offset) }`)
// go up as POST -> PATCH (Content-Range, Content-Length) -> PUT ?digest=, and
// survive a broken connection:
// - after a failed PATCH or PUT, ask the registry how far it got
//   (`GET <Location>`: 204 + `Range: 0-<last>`, spec "Resuming an upload"),
//   reopen the source at that offset and carry on in the same session;
// - when the registry has lost or invalidated the session (CNCF distribution
//   does: a partial write leaves its stored size out of step with the signed
//   `_state` offset, and it answers BLOB_UPLOAD_INVALID and drops the
//   session), cancel it and start a new one from byte 0;
// - when the PUT's answer was lost but the blob is there (HEAD), that is a success.
// Writes into a session are never replayed blindly by the retry policy
// (`retry: false`); the upload status decides. Resumes and new sessions are
// bounded. Every abandoned session is cancelled (DELETE), also on cancellation.
//
// A one-shot stream goes up as one streaming PATCH, hashed on the fly, so
// nothing holds the whole blob; if the connection breaks its bytes are gone,
// and the error says how to make the upload resumable.
//
// Bytes in memory whose digest is known are first checked with HEAD: a blob
// the repository already has is not sent again.

import { Readable, Transform, type TransformCallback } from "node:stream";
import { createHash, type Hash } from "node:crypto";
import { AbortError } from "@azure/abort-controller";
import { DigestValidationError, InvalidInputError, RegistryError } from "../errors";
import { HashingStream, sha256Digest } from "../digest";
import type { RegistryHttp, RegistryResponse } from "../http/registryHttp";
import { moveRelease, releaseChunksWrittenTo, releaseUnsent } from "../http/releaseAfterWrite";
import { isTransientError } from "../http/retryPolicy";
import type { UploadBlobOptions, UploadBlobResult } from "../models";
import { blobExists, cancelUpload, resolveLocation, uploadsPath, withDigest } from "./blobPaths";
import {
  bytesSource,
  isReopenableSource,
  reopenableFile,
  type ReopenableBlobSource,
  type UploadBlobData,
  uploadFilePath,
} from "../blobSource";

const OPERATION = "upload blob";
/** Resumes in one session, from the registry's reported offset. */
export const MAX_UPLOAD_RESUMES = 5;
/** Upload sessions per blob (the first, plus restarts after the registry dropped one). */
export const MAX_UPLOAD_SESSIONS = 3;

export async function uploadBlob(
  http: RegistryHttp,
  repository: string,
  data: UploadBlobData,
  options: UploadBlobOptions = {},
): Promise<UploadBlobResult> {
  if (data instanceof Uint8Array) {
    const source = bytesSource(data, sha256Digest(data));
    if (await blobExists(http, repository, source.digest!, options.abortSignal)) {
      options.onProgress?.({ transferredBytes: source.sizeInBytes, totalBytes: source.sizeInBytes });
      return { digest: source.digest!, sizeInBytes: source.sizeInBytes };
    }
    return uploadReopenable(http, repository, source, options);
  }
  const filePath = uploadFilePath(data);
  if (filePath !== undefined) {
    // The digest is not known: one streaming PATCH hashes as it sends, then the PUT (uploadReopenable).
    return uploadReopenable(http, repository, await reopenableFile(filePath, data), options);
  }
  if (isReopenableSource(data)) {
    if (!Number.isSafeInteger(data.sizeInBytes) || data.sizeInBytes < 0) {
      throw new InvalidInputError("upload size", String(data.sizeInBytes), "sizeInBytes must be a whole number of bytes, 0 or more");
    }
    if (data.digest && (await blobExists(http, repository, data.digest, options.abortSignal))) {
      options.onProgress?.({ transferredBytes: data.sizeInBytes, totalBytes: data.sizeInBytes });
      return { digest: data.digest, sizeInBytes: data.sizeInBytes };
    }
    return uploadReopenable(http, repository, data, options);
  }
  // A path string went to the file branch above.
  return uploadOneShot(http, repository, data as NodeJS.ReadableStream, options);
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

/** The registry lost or refused the session; a new one may start over. */
class SessionLost extends Error {
  constructor(readonly reason: unknown) {
    super("upload session lost");
  }
}

/**
 * Uploads a reopenable source with the recovery described above. With
 * `openedLocation`, the first session is one the caller opened already (the
 * 202 answer to a mount attempt, whole-image push); later sessions are new.
 */
export async function uploadReopenable(
  http: RegistryHttp,
  repository: string,
  source: ReopenableBlobSource,
  options: UploadBlobOptions,
  openedLocation?: string,
): Promise<UploadBlobResult> {
  const size = source.sizeInBytes;
  const signal = options.abortSignal;
  let digest = source.digest;
  let resumes = 0;
  for (let session = 1; ; session++) {
    let location = session === 1 && openedLocation ? openedLocation : await startUpload(http, repository, options);
    try {
      let offset = 0;
      for (;;) {
        try {
          let hashed: string | undefined;
          if (offset === 0 && digest !== undefined) {
            // Digest known: the whole blob in the closing PUT (spec "Pushing a blob monolithically", POST then PUT).
            await finishUpload(http, location, digest, options, source);
            options.onProgress?.({ transferredBytes: size, totalBytes: size });
            return { digest, sizeInBytes: size };
          }
          if (offset < size) {
            const patch = await patchFrom(http, location, source, offset, digest === undefined, options);
            location = patch.location;
            hashed = patch.digest;
          } else if (digest === undefined) {
            // Every byte is on the registry, but this attempt hashed none of them: hash the source once more.
            hashed = await hashSource(source, size);
          }
          digest ??= hashed!;
          await finishUpload(http, location, digest, options);
          options.onProgress?.({ transferredBytes: size, totalBytes: size });
          return { digest, sizeInBytes: size };
        } catch (error) {
          throwIfFatal(error, signal);
          const status = await uploadStatus(http, location, options);
          if (status === undefined || status.offset > size || resumes >= MAX_UPLOAD_RESUMES) {
            throw new SessionLost(error);
          }
          resumes++;
          offset = status.offset;
          location = status.location;
        }
      }
    } catch (error) {
      await cancelUpload(http, location);
      if (signal?.aborted) {
        throw new AbortError("The blob upload was cancelled.");
      }
      if (!(error instanceof SessionLost)) {
        throw error;
      }
      // The answer to a finished PUT may be what was lost: the blob is there.
      if (digest && (await blobExists(http, repository, digest, signal))) {
        options.onProgress?.({ transferredBytes: size, totalBytes: size });
        return { digest, sizeInBytes: size };
      }
      if (session >= MAX_UPLOAD_SESSIONS) {
        throw withNote(error.reason, `(gave up after ${session} upload sessions and ${resumes} resumes)`);
      }
    }
  }
}

/**
 * PATCHes the source from `offset` to the end (spec "Pushing a blob in
 * chunks": Content-Range `<start>-<end>` inclusive, no `bytes=`). When
 * `hash` is set the digest is not known yet: the source is read from 0 so the
 * hash covers every byte, and the bytes before `offset` are hashed but not sent.
 */
/** One streaming PATCH of `body` into the session; resolves to the session's next Location (used as given). */
async function sendPatch(
  http: RegistryHttp,
  location: string,
  body: NodeJS.ReadableStream,
  headers: Record<string, string>,
  options: UploadBlobOptions,
): Promise<string> {
  const patched = await http.sendAndDiscard({
    method: "PATCH",
    url: location,
    operation: OPERATION,
    expectedStatus: [202],
    headers: { "Content-Type": "application/octet-stream", ...headers },
    body,
    retry: false,
    abortSignal: options.abortSignal,
  });
  return resolveLocation(http, patched.headers.get("location") ?? location, patched.url, OPERATION);
}

async function patchFrom(
  http: RegistryHttp,
  location: string,
  source: ReopenableBlobSource,
  offset: number,
  hash: boolean,
  options: UploadBlobOptions,
): Promise<{ location: string; digest?: string }> {
  const size = source.sizeInBytes;
  const readFrom = hash ? 0 : offset;
  const body = new SourceWindow(size - readFrom, offset - readFrom, hash ? createHash("sha256") : undefined, (sent) =>
    options.onProgress?.({ transferredBytes: offset + sent, totalBytes: size }),
  );
  const input = toReadable(source.open(readFrom));
  input.on("error", (error) => body.failSource(error));
  input.pipe(body);
  try {
    const next = await sendPatch(
      http,
      location,
      body,
      { "Content-Range": `${offset}-${size - 1}`, "Content-Length": String(size - offset) },
      options,
    );
    if (body.sourceError) {
      throw body.sourceError;
    }
    return { location: next, digest: body.digest() };
  } catch (error) {
    // A failure of the source itself (file gone, wrong size) is not the network's: report it as it is.
    throw body.sourceError ?? error;
  } finally {
    input.unpipe(body);
    input.destroy();
    body.destroy();
  }
}

/**
 * PUT <location>&digest=: closes the session; the registry checks the bytes
 * against the digest. With `source`, the PUT carries the whole blob.
 */
async function finishUpload(
  http: RegistryHttp,
  location: string,
  digest: string,
  options: UploadBlobOptions,
  source?: ReopenableBlobSource,
): Promise<void> {
  const size = source?.sizeInBytes ?? 0;
  const body = source
    ? new SourceWindow(size, 0, undefined, (sent) => options.onProgress?.({ transferredBytes: sent, totalBytes: size }))
    : undefined;
  const input = source ? toReadable(source.open(0)) : undefined;
  if (input && body) {
    input.on("error", (error) => body.failSource(error));
    input.pipe(body);
  }
  try {
    const finished = await http.sendAndDiscard({
      method: "PUT",
      url: withDigest(location, digest),
      operation: OPERATION,
      expectedStatus: [201],
      headers: body ? { "Content-Type": "application/octet-stream", "Content-Length": String(size) } : undefined,
      body,
      retry: false,
      abortSignal: options.abortSignal,
    });
    if (body?.sourceError) {
      throw body.sourceError;
    }
    checkReportedDigest(finished, digest);
  } catch (error) {
    throw body?.sourceError ?? error;
  } finally {
    input?.unpipe(body);
    input?.destroy();
    body?.destroy();
  }
}

/**
 * How far the registry got (`GET <location>`: 204, `Range: 0-<last>`).
 * Undefined when the session is gone (404 BLOB_UPLOAD_UNKNOWN, 400
 * BLOB_UPLOAD_INVALID) or the registry cannot say.
 */
async function uploadStatus(
  http: RegistryHttp,
  location: string,
  options: UploadBlobOptions,
): Promise<{ offset: number; location: string } | undefined> {
  let response: RegistryResponse;
  try {
    response = await http.sendAndDiscard({
      method: "GET",
      url: location,
      operation: "get upload status",
      expectedStatus: [204, 200],
      abortSignal: options.abortSignal,
    });
  } catch (error) {
    throwIfFatal(error, options.abortSignal);
    return undefined;
  }
  const range = /^\s*(?:bytes=)?0-(\d+)\s*$/.exec(response.headers.get("range") ?? "");
  if (!range) {
    return undefined;
  }
  // "0-0" is what distribution says for an empty session (it clamps 0-(-1)); one byte more is cheap to resend.
  const last = Number(range[1]);
  return {
    offset: last === 0 ? 0 : last + 1,
    location: resolveLocation(http, response.headers.get("location") ?? location, response.url, OPERATION),
  };
}

/** Errors no resume can fix: cancellation, a digest the registry refused, credentials, a bad source. */
function throwIfFatal(error: unknown, signal: UploadBlobOptions["abortSignal"]): void {
  if (signal?.aborted || (error as { name?: string })?.name === "AbortError") {
    throw new AbortError("The blob upload was cancelled.");
  }
  if (error instanceof DigestValidationError || error instanceof SourceError) {
    throw error;
  }
  if (error instanceof RegistryError) {
    const status = error.statusCode;
    if (
      status === undefined ||
      status >= 500 ||
      status === 416 ||
      status === 404 ||
      (status === 400 && error.code === "BLOB_UPLOAD_INVALID")
    ) {
      return;
    }
    throw error;
  }
  if (!isTransientError(error)) {
    throw error;
  }
}

async function uploadOneShot(
  http: RegistryHttp,
  repository: string,
  data: NodeJS.ReadableStream,
  options: UploadBlobOptions,
): Promise<UploadBlobResult> {
  let location = await startUpload(http, repository, options);
  const hashing = new HashingStream("sha256", (transferredBytes) =>
    options.onProgress?.({ transferredBytes, totalBytes: options.sizeInBytes }),
  );
  const source = toReadable(data);
  source.on("error", (error) => hashing.destroy(error));
  source.pipe(hashing);
  try {
    location = await sendPatch(http, location, hashing, {}, options);
    const digest = hashing.digest();
    await finishUpload(http, location, digest, options);
    return { digest, sizeInBytes: hashing.bytes };
  } catch (error) {
    source.unpipe(hashing);
    hashing.destroy();
    source.destroy();
    await cancelUpload(http, location);
    if (options.abortSignal?.aborted) {
      throw new AbortError("The blob upload was cancelled.");
    }
    if (isBrokenConnection(error)) {
      throw withNote(
        error,
        `(the upload broke after ${hashing.bytes} bytes of a one-shot stream, which cannot be sent again; pass a Uint8Array or { sizeInBytes, open(offset) } to make uploads resumable)`,
      );
    }
    throw error;
  }
}

function isBrokenConnection(error: unknown): boolean {
  return (error instanceof RegistryError && (error.statusCode === undefined || error.statusCode >= 500)) || isTransientError(error);
}

function checkReportedDigest(response: RegistryResponse, digest: string): void {
  const reported = response.headers.get("docker-content-digest");
  if (reported && reported !== digest) {
    throw new DigestValidationError(digest, reported, "blob the registry stored");
  }
}

function withNote<T>(error: T, note: string): T {
  if (error instanceof Error) {
    error.message += ` ${note}`;
  }
  return error;
}

function toReadable(data: Readable | NodeJS.ReadableStream | AsyncIterable<Uint8Array>): Readable {
  return data instanceof Readable ? data : Readable.from(data as AsyncIterable<Uint8Array>, { objectMode: false });
}

/** The source failed (could not be read, or was not the size it claimed). */
export class SourceError extends Error {
  override name = "SourceError";
}

/**
 * The request body of a PATCH: passes the source's bytes from `skip` on,
 * hashing all of them when asked, and fails if the source is not exactly
 * `expected` bytes long (a file that changed under the upload).
 */
class SourceWindow extends Transform {
  private seen = 0;
  private sent = 0;
  sourceError?: Error;

  constructor(
    private readonly expected: number,
    private readonly skip: number,
    private readonly hash: Hash | undefined,
    private readonly onSent: (sent: number) => void,
  ) {
    super();
    // The failure is reported through `sourceError` by the caller awaiting the request. This
    // listener keeps an HTTP client that does not listen to its body's errors (core-rest-pipeline
    // before 1.25 on a body that fails in _flush) from making it an uncaught exception.
    this.on("error", () => undefined);
  }

  failSource(error: Error): void {
    this.sourceError ??= new SourceError(`Could not read the data to upload: ${error.message}`, { cause: error });
    this.destroy(this.sourceError);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const start = this.seen;
    this.seen += chunk.length;
    if (this.seen > this.expected) {
      this.sourceError ??= new SourceError(`The data to upload is longer than its declared size (${this.expected + this.skip} bytes)`);
      callback(this.sourceError);
      return;
    }
    this.hash?.update(chunk);
    const send = start >= this.skip ? chunk : chunk.subarray(Math.min(chunk.length, this.skip - start));
    if (send.length > 0) {
      // A pooled relay chunk goes back once the request has written what is sent of it.
      moveRelease(chunk, send);
      this.sent += send.length;
      this.onSent(this.sent);
      this.push(send);
    } else {
      releaseUnsent(chunk);
    }
    callback();
  }

  /** The HTTP client pipes the body into its request: pooled chunks go back after their writes. */
  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    releaseChunksWrittenTo(destination);
    return super.pipe(destination, options);
  }

  override _flush(callback: TransformCallback): void {
    if (this.seen !== this.expected) {
      this.sourceError ??= new SourceError(`The data to upload ended after ${this.seen} of ${this.expected} bytes`);
      callback(this.sourceError);
      return;
    }
    callback();
  }

  /** The sha256 digest of everything read, when hashing. */
  digest(): string | undefined {
    return this.hash ? `sha256:${this.hash.digest("hex")}` : undefined;
  }
}

async function hashSource(source: ReopenableBlobSource, size: number): Promise<string> {
  const hash = createHash("sha256");
  let total = 0;
  for await (const chunk of toReadable(source.open(0)) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    total += chunk.length;
  }
  if (total !== size) {
    throw new SourceError(`The data to upload is ${total} bytes, not the declared ${size}`);
  }
  return `sha256:${hash.digest("hex")}`;
}
