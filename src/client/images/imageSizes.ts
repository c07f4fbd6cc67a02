// Sizes in compressed (stored) bytes, from manifests alone: an image is its
// config plus its layers; an index counts each blob once over all its
// children (platforms share layers); a repository counts each blob once over
// all its manifests and splits the total into bytes referenced by more than
// one manifest (shared) and bytes only one manifest references (exclusive:
// what deleting that manifest would let garbage collection free). Manifest
// documents themselves are not counted: they are small and stored apart.

import type { AbortSignalLike } from "@azure/abort-controller";
import { mapWithConcurrency } from "../concurrency";
import { RegistryNotFoundError } from "../errors";
import type { GetManifestResult, OciDescriptor } from "../models";
import { isIndex, type ImageReader } from "./imageReader";
import { platformOf, type ImagePlatform } from "../platform";

/** Blob digest -> size, the blobs a manifest needs. */
export type BlobSizes = Map<string, number>;

export function imageBlobs(manifest: GetManifestResult): BlobSizes {
  const blobs: BlobSizes = new Map();
  const config = manifest.manifest.config;
  for (const descriptor of [...(config ? [config] : []), ...(manifest.manifest.layers ?? [])]) {
    // A foreign layer (`urls`, Windows base layers) is not stored by the registry.
    if (!descriptor.urls?.length) {
      blobs.set(descriptor.digest, descriptor.size);
    }
  }
  return blobs;
}

export function sumSizes(blobs: BlobSizes): number {
  let total = 0;
  for (const size of blobs.values()) {
    total += size;
  }
  return total;
}

export interface PlatformSize {
  digest: string;
  platform?: ImagePlatform;
  sizeInBytes: number;
}

export interface ManifestSize {
  digest: string;
  /** Over unique blobs (for an index: across its children). */
  sizeInBytes: number;
  /** For an index: each child's own size. */
  platforms: PlatformSize[];
  blobs: BlobSizes;
  /** Manifests this one lists (an index's children). */
  children: string[];
}

const CHILD_FETCHES = 4;

export async function manifestSize(
  reader: ImageReader,
  repository: string,
  manifest: GetManifestResult,
  abortSignal?: AbortSignalLike,
): Promise<ManifestSize> {
  if (!isIndex(manifest)) {
    const blobs = imageBlobs(manifest);
    return { digest: manifest.digest, sizeInBytes: sumSizes(blobs), platforms: [], blobs, children: [] };
  }
  const entries: OciDescriptor[] = manifest.manifest.manifests ?? [];
  const found = await mapWithConcurrency(entries, CHILD_FETCHES, async (entry) => {
    let child: GetManifestResult;
    try {
      child = await reader.manifest(repository, entry.digest, abortSignal);
    } catch (error) {
      // A child that is gone (a deleted referrer a fallback index still lists) stores nothing.
      if (error instanceof RegistryNotFoundError) {
        return undefined;
      }
      throw error;
    }
    // An index of indexes is rare but allowed; its blobs count too.
    return { entry, size: await manifestSize(reader, repository, child, abortSignal) };
  });
  const children = found.filter((c) => c !== undefined);
  const blobs: BlobSizes = new Map();
  for (const { size } of children) {
    for (const [digest, bytes] of size.blobs) {
      blobs.set(digest, bytes);
    }
  }
  return {
    digest: manifest.digest,
    sizeInBytes: sumSizes(blobs),
    platforms: children.map(({ entry, size }) => ({ digest: entry.digest, platform: platformOf(entry), sizeInBytes: size.sizeInBytes })),
    blobs,
    children: children.flatMap(({ entry, size }) => [entry.digest, ...size.children]),
  };
}

export interface RepositorySize {
  /** Each blob once. */
  totalBytes: number;
  /** Blobs referenced by more than one manifest. */
  sharedBytes: number;
  /** Blobs referenced by exactly one manifest (the sum over manifests of what deleting each would free). */
  exclusiveBytes: number;
  blobCount: number;
  manifests: { digest: string; sizeInBytes: number; exclusiveBytes: number }[];
}

export interface RepositorySizeProgress {
  manifestsRead: number;
  manifestsTotal: number;
}

/**
 * Storage of the manifests `digests` of one repository. A manifest that is
 * also a child of a listed index (ACR lists children too) is counted as part
 * of its index, not as a second owner of the same blobs.
 */
export async function repositorySize(
  reader: ImageReader,
  repository: string,
  digests: readonly string[],
  options: { abortSignal?: AbortSignalLike; onProgress?: (progress: RepositorySizeProgress) => void } = {},
): Promise<RepositorySize> {
  const unique = [...new Set(digests)];
  let read = 0;
  const sizes = await mapWithConcurrency(unique, CHILD_FETCHES, async (digest) => {
    const manifest = await reader.manifest(repository, digest, options.abortSignal);
    const size = await manifestSize(reader, repository, manifest, options.abortSignal);
    options.onProgress?.({ manifestsRead: ++read, manifestsTotal: unique.length });
    return size;
  });
  const childOfListed = new Set(sizes.flatMap((s) => s.children));
  const owners = sizes.filter((s) => !childOfListed.has(s.digest));
  const ownerCount = new Map<string, number>();
  const blobSize = new Map<string, number>();
  for (const owner of owners) {
    for (const [digest, bytes] of owner.blobs) {
      ownerCount.set(digest, (ownerCount.get(digest) ?? 0) + 1);
      blobSize.set(digest, bytes);
    }
  }
  let sharedBytes = 0;
  let exclusiveBytes = 0;
  for (const [digest, bytes] of blobSize) {
    if (ownerCount.get(digest)! > 1) {
      sharedBytes += bytes;
    } else {
      exclusiveBytes += bytes;
    }
  }
  return {
    totalBytes: sharedBytes + exclusiveBytes,
    sharedBytes,
    exclusiveBytes,
    blobCount: blobSize.size,
    manifests: owners.map((owner) => ({
      digest: owner.digest,
      sizeInBytes: owner.sizeInBytes,
      exclusiveBytes: sumSizes(new Map([...owner.blobs].filter(([digest]) => ownerCount.get(digest) === 1))),
    })),
  };
}
