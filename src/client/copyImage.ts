// Copying an image (or a whole index, or some of its platforms) from one
// repository to another, on the same registry or another one: one call of the
// copy routine (content/copy.ts) between two repository stores. Within one
// registry every missing blob is offered as a cross-repository mount from the
// source repository (repositoryStore.ts, docs/protocols.md#oci-push-blobs), so no blob byte passes through the
// client; between registries each blob streams from the source's GET into the
// target's upload, several at once, resuming after a broken connection. The
// tag is set last.

import type { AbortSignalLike } from "@azure/abort-controller";
import type { ContainerRegistryClient } from "./containerRegistryClient";
import { checkConcurrency, copyContent, type CopyRoot } from "./content/copy";
import { sha256Digest } from "./digest";
import { InvalidInputError } from "./errors";
import { isIndexMediaType } from "./mediaTypes";
import type { OciDescriptor, OciManifestLike, TransferProgress } from "./models";
import { isDigest, validateRepositoryName, validateTag, validateTagOrDigest } from "./reference";

export interface CopyImageSource {
  client: ContainerRegistryClient;
  repository: string;
  /** A tag or a digest. */
  reference: string;
}

export interface CopyImageTarget {
  client: ContainerRegistryClient;
  repository: string;
  /** The tag in the target. The default value is the source's tag when the reference is one; else the copy is stored by digest. */
  tag?: string;
}

export interface CopyImageOptions {
  /**
   * Only these platforms of an index (`os/architecture` or
   * `os/architecture/variant`, e.g. `linux/arm64`). The index is then
   * rewritten to list only them, so its digest changes; the platform
   * manifests keep theirs.
   */
  platforms?: string[];
  /** Copy the referrers too (signatures, SBOMs), recursively. */
  includeReferrers?: boolean;
  /** Blobs in flight at once, 1 to 32. The default value is 4. */
  concurrency?: number;
  /** Bytes moved so far (of `totalBytes`, the sum of the blobs' sizes) and how many blobs are done. */
  onProgress?: (progress: TransferProgress & { blobsDone: number }) => void;
  abortSignal?: AbortSignalLike;
}

export interface CopyImageResult {
  /** The digest of the copied root manifest in the target (the source's, unless `platforms` rewrote the index). */
  digest: string;
  /** Every manifest stored in the target, the root last. */
  manifests: OciDescriptor[];
  /** Blobs whose bytes went through the client. */
  blobsCopied: number;
  /** Blobs mounted from the source repository (same registry): no bytes moved. */
  blobsMounted: number;
  /** Blobs the target had already. */
  blobsSkipped: number;
  bytesTransferred: number;
}

export async function copyImage(
  source: CopyImageSource,
  target: CopyImageTarget,
  options: CopyImageOptions = {},
): Promise<CopyImageResult> {
  validateRepositoryName(source.repository);
  validateTagOrDigest(source.reference);
  validateRepositoryName(target.repository);
  const tag = target.tag ?? (isDigest(source.reference) ? undefined : source.reference);
  if (tag !== undefined) {
    validateTag(tag);
  }
  checkConcurrency(options.concurrency);
  const platforms = options.platforms?.map(parsePlatform);
  const sameRegistry = source.client.loginServer === target.client.loginServer;
  if (sameRegistry && source.repository === target.repository && (tag === undefined || tag === source.reference)) {
    throw new InvalidInputError(
      "target",
      `${target.repository}${tag ? `:${tag}` : ""}`,
      "is the source itself; pick another repository or tag",
    );
  }
  const from = source.client.repositoryStore(source.repository);
  const to = target.client.repositoryStore(target.repository, sameRegistry ? { mountFrom: [source.repository] } : {});
  let root: CopyRoot = source.reference;
  if (platforms) {
    root = await selectPlatforms(source, platforms, options.abortSignal);
  }
  let blobsDone = 0;
  let lastProgress: TransferProgress = { transferredBytes: 0 };
  const copied = await copyContent(from, to, root, {
    tag,
    concurrency: options.concurrency,
    abortSignal: options.abortSignal,
    referrers: options.includeReferrers,
    onProgress: (progress) => {
      lastProgress = progress;
      options.onProgress?.({ ...progress, blobsDone });
    },
    onBlob: () => {
      blobsDone++;
      options.onProgress?.({ ...lastProgress, blobsDone });
    },
  });
  const count = (outcomes: string[]): number => copied.blobs.filter((blob) => outcomes.includes(blob.outcome)).length;
  return {
    digest: copied.root.digest,
    manifests: copied.manifests,
    blobsCopied: count(["uploaded", "downloaded"]),
    blobsMounted: count(["mounted"]),
    blobsSkipped: count(["existing"]),
    bytesTransferred: copied.transferredBytes,
  };
}

interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

function parsePlatform(text: string): Platform {
  const parts = typeof text === "string" ? text.split("/") : [];
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => !/^[a-z0-9._-]+$/i.test(part))) {
    throw new InvalidInputError("platforms", String(text), "must be os/architecture or os/architecture/variant, e.g. linux/arm64");
  }
  return { os: parts[0], architecture: parts[1], variant: parts[2] };
}

/** The source index rewritten to list only the platforms asked for (the other fields kept as they are). */
async function selectPlatforms(source: CopyImageSource, platforms: Platform[], abortSignal?: AbortSignalLike): Promise<CopyRoot> {
  const fetched = await source.client.getManifest(source.repository, source.reference, { abortSignal });
  if (!isIndexMediaType(fetched.mediaType)) {
    throw new InvalidInputError(
      "platforms",
      platforms.map(formatPlatform).join(", "),
      `${source.repository}:${source.reference} is not an index`,
    );
  }
  const index = fetched.manifest;
  const kept = (index.manifests ?? []).filter((entry) => platforms.some((wanted) => platformMatches(entry, wanted)));
  const missing = platforms.filter((wanted) => !kept.some((entry) => platformMatches(entry, wanted)));
  if (missing.length > 0) {
    throw new InvalidInputError(
      "platforms",
      missing.map(formatPlatform).join(", "),
      `not in the index (it has ${describePlatforms(index)})`,
    );
  }
  if (kept.length === (index.manifests ?? []).length) {
    // Every platform asked for: the index as it is, digest preserved.
    return {
      descriptor: { mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.content.byteLength },
      content: fetched.content,
    };
  }
  const content = Buffer.from(JSON.stringify({ ...index, manifests: kept }));
  return { descriptor: { mediaType: fetched.mediaType, digest: sha256Digest(content), size: content.byteLength }, content };
}

function platformMatches(entry: OciDescriptor, wanted: Platform): boolean {
  const platform = entry.platform;
  return (
    platform?.os === wanted.os &&
    platform.architecture === wanted.architecture &&
    (wanted.variant === undefined || platform.variant === wanted.variant)
  );
}

function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}

function describePlatforms(index: OciManifestLike): string {
  const names = (index.manifests ?? []).flatMap((entry) => (entry.platform ? [formatPlatform(entry.platform)] : []));
  return names.length ? names.join(", ") : "no platforms";
}
