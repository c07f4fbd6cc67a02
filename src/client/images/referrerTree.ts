// A manifest's referrers, and theirs below them (a signature of an SBOM), each
// checked against its own manifest: a referrer whose `subject` does not name
// the manifest it was listed under (a stale or forged fallback index entry)
// is set apart, not shown as if it belonged.

import type { AbortSignalLike } from "@azure/abort-controller";
import { RegistryNotFoundError } from "../errors";
import type { RegistryHttp } from "../http/registryHttp";
import type { GetManifestResult, OciDescriptor } from "../models";
import { listReferrers } from "../registry/referrers";
import { artifactKind, type ArtifactKind } from "./artifactKinds";
import type { ImageReader } from "./imageReader";

export interface ReferrerNode {
  descriptor: OciDescriptor;
  /** The descriptor's artifactType, else the referrer manifest's (or its config's media type). */
  artifactType: string;
  kind: ArtifactKind;
  manifest: GetManifestResult;
  referrers: ReferrerNode[];
  /** Listed under this one but whose subject names another manifest. */
  mismatched: MismatchedReferrer[];
}

export interface MismatchedReferrer {
  descriptor: OciDescriptor;
  /** What its subject names instead (undefined: it has none). */
  actualSubject?: string;
}

export interface ReferrerTree {
  referrers: ReferrerNode[];
  mismatched: MismatchedReferrer[];
}

/** Levels listed below the manifest (a signature of an SBOM of an image is 2). */
const DEFAULT_DEPTH = 3;

export async function referrerTree(
  http: RegistryHttp,
  reader: ImageReader,
  repository: string,
  digest: string,
  options: { depth?: number; abortSignal?: AbortSignalLike } = {},
): Promise<ReferrerTree> {
  return level(http, reader, repository, digest, options.depth ?? DEFAULT_DEPTH, new Set([digest]), options.abortSignal);
}

async function level(
  http: RegistryHttp,
  reader: ImageReader,
  repository: string,
  subject: string,
  depth: number,
  seen: Set<string>,
  abortSignal: AbortSignalLike | undefined,
): Promise<ReferrerTree> {
  const tree: ReferrerTree = { referrers: [], mismatched: [] };
  if (depth <= 0) {
    return tree;
  }
  for (const descriptor of await listReferrers(http, repository, subject, { abortSignal })) {
    // A cycle can only come from a broken registry; stop rather than loop.
    if (seen.has(descriptor.digest)) {
      continue;
    }
    let manifest: GetManifestResult;
    try {
      manifest = await reader.manifest(repository, descriptor.digest, abortSignal);
    } catch (error) {
      // A fallback index still listing a deleted referrer (clients that delete
      // one do not always update it): the referrer is gone, so it is not shown.
      if (error instanceof RegistryNotFoundError) {
        continue;
      }
      throw error;
    }
    const actualSubject = manifest.manifest.subject?.digest;
    if (actualSubject !== subject) {
      tree.mismatched.push({ descriptor, actualSubject });
      continue;
    }
    const artifactType =
      descriptor.artifactType ?? manifest.manifest.artifactType ?? manifest.manifest.config?.mediaType ?? manifest.mediaType;
    const below = await level(http, reader, repository, descriptor.digest, depth - 1, new Set([...seen, descriptor.digest]), abortSignal);
    tree.referrers.push({
      descriptor,
      artifactType,
      kind: artifactKind(artifactType),
      manifest,
      referrers: below.referrers,
      mismatched: below.mismatched,
    });
  }
  return tree;
}
