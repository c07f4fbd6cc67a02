// One repository of a registry as a content store (content/contentStore.ts),
// source and target of the copy routine.
//
// As a target, per blob (OCI distribution spec "Pushing blobs"):
//   HEAD /v2/<name>/blobs/<digest>          200: the repository has it, nothing moves
//   POST .../uploads/?mount=<d>&from=<repo>  201: mounted from a repository of the
//                                            same registry, nothing moves; 202: the
//                                            registry opened an upload session instead
//   POST .../uploads/                        202 + Location (when there is nothing to mount)
//   PUT  <Location>&digest=<d>               the whole blob as one streaming body
//   (a broken PUT: upload status, then resume or a new session, as uploadBlob
//   does for a reopenable source; see uploadBlob.ts)
// The digest is known from the manifest, so a blob goes up as one monolithic
// PUT (spec "Pushing a blob monolithically", the POST-then-PUT form): one
// request, with Content-Length, no chunking. The registry hashes every byte
// and refuses a mismatch (400 DIGEST_INVALID), so the source is not hashed a
// second time unless asked to (`verifyLocalDigests`). Uploads start
// staggered (staggeredStart.ts).
//
// As a source, a blob is one GET whose body goes straight into the target's
// sink (fetchBlobInto), resumed with Range from the byte where it stopped
// when the connection breaks (resumableDownload.ts); to another registry, the
// GET's body is the upload's body (openBlob, blobRelay.ts).

import { createHash } from "node:crypto";
import type { DownloadSink } from "../blobSink";
import type { ReopenableBlobSource } from "../blobSource";
import type {
  BlobPushOutcome,
  ContentSource,
  ContentTarget,
  PushBlobOptions,
  PushManifestOptions,
  SinkFillOptions,
  StoreOperationOptions,
} from "../content/contentStore";
import { DigestValidationError } from "../errors";
import type { RegistryHttp } from "../http/registryHttp";
import type { OciDescriptor } from "../models";
import type { BlobGetGrant } from "../blobGet";
import { blobExists, blobPath, resolveLocation, uploadsPath } from "./blobPaths";
import { grantBlobGet } from "./blobGetGrant";
import { getManifest } from "./manifests";
import { listReferrers } from "./referrers";
import { openBlobRelay } from "./blobRelay";
import { parseLength, ResumableBodyReader, sendFirstGet } from "./resumableDownload";
import { StaggeredStart } from "./staggeredStart";
import { storeManifest } from "./storeManifest";
import { uploadReopenable } from "./uploadBlob";

export interface RepositoryStoreOptions {
  /**
   * Repositories of the same registry that may hold the blobs; each missing
   * blob is first offered as a cross-repository mount from the first of them.
   */
  mountFrom?: readonly string[];
  /** Hash each blob's source before sending it and refuse one that does not match its digest. The default value is false. */
  verifyLocalDigests?: boolean;
  /**
   * Each upload starts once the one before it has sent an eighth of its
   * blob, at most this many bytes (or ended), so that blobs finish apart and
   * the registry's commit of one (an fsync in CNCF distribution) overlaps the
   * others (staggeredStart.ts); 0 starts them all at once. The default value
   * is 32 MiB.
   */
  staggerBytes?: number;
}

export class RepositoryStore implements ContentSource, ContentTarget {
  /** Blob bodies read with releaseBuffers are node:http's copies for that read alone (http/bufferRelease.ts). */
  readonly handsOverChunks = true;
  readonly registryRepository: { loginServer: string; repository: string };
  /** Manifests read while resolving, so the walk does not fetch them again. */
  private readonly resolved = new Map<string, Uint8Array>();
  private readonly line: StaggeredStart;

  constructor(
    private readonly http: RegistryHttp,
    readonly repository: string,
    private readonly options: RepositoryStoreOptions = {},
  ) {
    this.registryRepository = { loginServer: http.loginServer, repository };
    this.line = new StaggeredStart(options.staggerBytes ?? 32 * 1024 * 1024);
  }

  // --- source ---------------------------------------------------------------

  async resolve(reference: string, options: StoreOperationOptions = {}): Promise<OciDescriptor> {
    const { digest, mediaType, content } = await getManifest(this.http, this.repository, reference, options.abortSignal);
    this.resolved.set(digest, content);
    return { mediaType, digest, size: content.byteLength };
  }

  async fetchManifest(descriptor: OciDescriptor, options: StoreOperationOptions = {}): Promise<Uint8Array> {
    const known = this.resolved.get(descriptor.digest);
    if (known) {
      this.resolved.delete(descriptor.digest);
      return known;
    }
    return (await getManifest(this.http, this.repository, descriptor.digest, options.abortSignal)).content;
  }

  /** Through the referrers API, else the fallback tag (referrers.ts). */
  listReferrers(digest: string, options: StoreOperationOptions = {}): Promise<OciDescriptor[]> {
    return listReferrers(this.http, this.repository, digest, { abortSignal: options.abortSignal });
  }

  /**
   * The blob from `offset` as the body of an upload to another registry
   * (blobRelay.ts): one GET, resumed underneath, capped at the descriptor's
   * size, not hashed here (the target registry verifies the digest).
   */
  openBlob(descriptor: OciDescriptor): ReopenableBlobSource {
    const { http } = this;
    const url = blobPath(this.repository, descriptor.digest);
    return {
      sizeInBytes: descriptor.size,
      digest: descriptor.digest,
      open: (offset) => openBlobRelay(http, url, descriptor.digest, descriptor.size, offset),
    };
  }

  /** The blob's GET for a receiving thread (blobGetGrant.ts), undefined where the main-thread path must be kept. */
  grantBlobGet(descriptor: OciDescriptor, options: StoreOperationOptions = {}): Promise<BlobGetGrant | undefined> {
    return grantBlobGet(this.http, blobPath(this.repository, descriptor.digest), {
      abortSignal: options.abortSignal,
      size: descriptor.size,
    });
  }

  async fetchBlobInto(descriptor: OciDescriptor, sink: DownloadSink, options: SinkFillOptions): Promise<void> {
    const url = blobPath(this.repository, descriptor.digest);
    const release = options.releaseBuffers ?? false;
    const first = await sendFirstGet(this.http, url, options.abortSignal, release);
    // The descriptor's size is what the blob must be; a missing Content-Length does not hide a short body.
    const size = parseLength(first.headers.get("content-length")) ?? descriptor.size;
    await new ResumableBodyReader(this.http, url, sink, size, { abortSignal: options.abortSignal, releaseSocketReads: release }).run(first);
  }

  // --- target ---------------------------------------------------------------

  hasBlob(descriptor: OciDescriptor, options: StoreOperationOptions = {}): Promise<boolean> {
    return blobExists(this.http, this.repository, descriptor.digest, options.abortSignal);
  }

  async pushBlob(descriptor: OciDescriptor, source: ContentSource, options: PushBlobOptions): Promise<BlobPushOutcome> {
    const { http, repository } = this;
    const abortSignal = options.abortSignal;
    const data = source.openBlob(descriptor);
    if (this.options.verifyLocalDigests) {
      const actual = await hashSource(data);
      if (actual !== descriptor.digest) {
        throw new DigestValidationError(descriptor.digest, actual, "blob read from the source");
      }
    }
    const from = this.mountCandidate(source, options);
    const started = await http.sendAndDiscard({
      method: "POST",
      url: from
        ? `${uploadsPath(repository)}?mount=${encodeURIComponent(descriptor.digest)}&from=${encodeURIComponent(from)}`
        : uploadsPath(repository),
      operation: from ? "mount blob" : "upload blob",
      // 201: mounted. 202: no mount (the source lacks it, or the registry does not
      // mount), and the answer is an ordinary upload session to use instead.
      expectedStatus: from ? [201, 202] : [202],
      abortSignal,
    });
    if (started.status === 201) {
      return "mounted";
    }
    const location = resolveLocation(http, started.headers.get("location"), started.url, "upload blob");
    // The source is reopenable, so a broken PUT recovers as uploadBlob does (uploadBlob.ts:
    // upload status, resume or a new session; the session opened above goes first).
    let sent = 0;
    const turn = await this.line.turn(descriptor.size);
    try {
      await uploadReopenable(
        http,
        repository,
        { sizeInBytes: descriptor.size, digest: descriptor.digest, open: (offset) => data.open(offset) },
        {
          abortSignal,
          // Progress per blob is absolute and restarts after a lost session; count only new ground.
          onProgress: ({ transferredBytes }) => {
            if (transferredBytes > sent) {
              options.onBytes(transferredBytes - sent);
              sent = transferredBytes;
              turn.sent(sent);
            }
          },
        },
        location,
      );
    } finally {
      turn.ended();
    }
    return "uploaded";
  }

  async pushManifest(descriptor: OciDescriptor, content: Uint8Array, options: PushManifestOptions = {}): Promise<void> {
    const digest = await storeManifest(this.http, this.repository, content, descriptor.mediaType, options.tag, options.abortSignal);
    // Stored by its sha256 digest; a descriptor of another algorithm names the same bytes differently.
    if (descriptor.digest.startsWith("sha256:") && digest !== descriptor.digest) {
      throw new DigestValidationError(descriptor.digest, digest, "manifest stored");
    }
  }

  /** The first repository offered as a mount that is not this one: the caller's list, else the source's own repository on this registry. */
  private mountCandidate(source: ContentSource, options: PushBlobOptions): string | undefined {
    const sameRegistry = source.registryRepository?.loginServer === this.http.loginServer ? [source.registryRepository.repository] : [];
    return [...(options.mountFrom ?? this.options.mountFrom ?? []), ...sameRegistry].find((candidate) => candidate !== this.repository);
  }
}

async function hashSource(source: ReopenableBlobSource): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of source.open(0) as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
  }
  return `sha256:${hash.digest("hex")}`;
}
