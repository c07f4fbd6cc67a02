// Referrers (OCI distribution spec v1.1 "Listing Referrers" and "Referrers Tag
// Schema"): artifacts whose manifest has a `subject` pointing at a digest
// (signatures, SBOMs). Registries with the API answer an index at
// /v2/<name>/referrers/<digest>; older ones (distribution 2.8 answers 404)
// get the fallback: an index tagged `<alg>-<hex>` that pushing clients keep.

import type { AbortSignalLike } from "@azure/abort-controller";
import { ReferrersTagConflictError, RegistryNotFoundError } from "../errors";
import { raceAbort } from "../abort";
import type { RegistryHttp } from "../http/registryHttp";
import { type KeyedLock, lockFor } from "../keyedLock";
import { getManifest, parseManifestContent, putManifest } from "./manifests";
import { MAX_MANIFEST_BYTES, OCI_INDEX } from "../mediaTypes";
import type { GetManifestResult, OciDescriptor, OciManifestLike } from "../models";

export interface ListReferrersOptions {
  /** Only referrers of this artifact type. */
  artifactType?: string;
  abortSignal?: AbortSignalLike;
}

/** The tag of the fallback referrers index for a digest: `sha256:abc` -> `sha256-abc`. */
export function referrersTag(digest: string): string {
  return digest.replace(":", "-");
}

export async function listReferrers(
  http: RegistryHttp,
  repository: string,
  digest: string,
  options: ListReferrersOptions = {},
): Promise<OciDescriptor[]> {
  const url = new URL(`/v2/${repository}/referrers/${digest}`, http.origin);
  if (options.artifactType) {
    url.searchParams.set("artifactType", options.artifactType);
  }
  const operation = "list referrers";
  const { response, bytes } = await http.sendForBytes(
    { method: "GET", url: url.toString(), operation, expectedStatus: [200, 404], abortSignal: options.abortSignal },
    MAX_MANIFEST_BYTES,
    "referrers index",
  );
  let descriptors: OciDescriptor[];
  const isIndex = response.status === 200 && (response.headers.get("content-type") ?? "").startsWith(OCI_INDEX);
  if (isIndex) {
    // The same checks as any index the registry serves (manifests.ts): JSON, an object, valid descriptors.
    const index = parseManifestContent(bytes, `The referrers index of ${repository}@${digest} on ${http.loginServer}`, operation);
    descriptors = index.manifests ?? [];
  } else {
    descriptors = (await readFallbackIndex(http, repository, digest, options.abortSignal))?.manifests ?? [];
  }
  return options.artifactType ? descriptors.filter((d) => d.artifactType === options.artifactType) : descriptors;
}

/** Merges attempted when the fallback index keeps losing the referrer to other writers. */
const MAX_FALLBACK_MERGES = 10;
/**
 * How long to let other clients' writes land before re-reading (plus up to as
 * much again at random, so competing clients do not re-read in lockstep; the
 * second check waits twice as long). A
 * writer that read the index before our PUT puts its own a few milliseconds
 * later; re-reading at once would miss that it dropped our referrer.
 */
const SETTLE_MS = 50;
/** Per client: one read-modify-write of a subject's fallback index at a time. */
const fallbackLocks = new WeakMap<object, KeyedLock>();

/**
 * After pushing a manifest with a `subject` to a registry that did not answer
 * `OCI-Subject` (so it keeps no referrers itself), adds the manifest to the
 * fallback index (spec "Pushing Manifests with Subject"). The index is a
 * read-modify-write with no conditional PUT in the spec, so: calls of this
 * client for one subject run one at a time, and after writing (and letting
 * writes in flight settle) the index is read again, twice; if another client's write
 * replaced ours meanwhile (our referrer is missing), the merge is done again on
 * what is there now. Across clients this narrows the race to a writer slower
 * than the settle time; it cannot close it without a conditional PUT.
 */
export async function addToFallbackIndex(
  http: RegistryHttp,
  repository: string,
  subjectDigest: string,
  referrer: OciDescriptor,
  abortSignal?: AbortSignalLike,
): Promise<void> {
  const tag = referrersTag(subjectDigest);
  await lockFor(fallbackLocks, http).run(`${repository}\n${tag}`, async () => {
    for (let attempt = 1; attempt <= MAX_FALLBACK_MERGES; attempt++) {
      const existing = await readFallbackIndex(http, repository, subjectDigest, abortSignal);
      const manifests = (existing?.manifests ?? []).filter((d) => d.digest !== referrer.digest);
      const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...manifests, referrer] };
      await putManifest(http, repository, tag, Buffer.from(JSON.stringify(index)), OCI_INDEX, abortSignal);
      if (await stillListed(http, repository, subjectDigest, referrer.digest, abortSignal)) {
        return;
      }
    }
    throw new ReferrersTagConflictError(
      `Adding a referrer of ${repository}@${subjectDigest} on ${http.loginServer} failed: the fallback tag ${tag} was rewritten by another client ${MAX_FALLBACK_MERGES} times in a row`,
      tag,
      { operation: "set manifest" },
    );
  });
}

/**
 * After deleting a referrer, takes it out of its subject's fallback index
 * (spec "Deleting Manifests": a client SHOULD remove the descriptor from the
 * referrers tag schema list), under the same per-subject lock as adding. No
 * fallback tag, or one that does not list the referrer, is left alone, and so
 * is a tag holding something other than an index (not ours to rewrite); an
 * index left empty stays, listing nothing.
 */
export async function removeFromFallbackIndex(
  http: RegistryHttp,
  repository: string,
  subjectDigest: string,
  referrerDigest: string,
  abortSignal?: AbortSignalLike,
): Promise<void> {
  const tag = referrersTag(subjectDigest);
  await lockFor(fallbackLocks, http).run(`${repository}\n${tag}`, async () => {
    let existing: OciManifestLike | undefined;
    try {
      existing = await readFallbackIndex(http, repository, subjectDigest, abortSignal);
    } catch (error) {
      if (error instanceof ReferrersTagConflictError) {
        return;
      }
      throw error;
    }
    if (!existing?.manifests?.some((d) => d.digest === referrerDigest)) {
      return;
    }
    const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: existing.manifests.filter((d) => d.digest !== referrerDigest) };
    await putManifest(http, repository, tag, Buffer.from(JSON.stringify(index)), OCI_INDEX, abortSignal);
  });
}

/**
 * Whether the referrer is still in the fallback index after writes in flight
 * had time to land: checked twice, after one settle time and after two more,
 * so a competing writer whose PUT was slow (a loaded registry) is noticed too.
 */
async function stillListed(
  http: RegistryHttp,
  repository: string,
  subjectDigest: string,
  referrerDigest: string,
  abortSignal?: AbortSignalLike,
): Promise<boolean> {
  for (const settles of [1, 2]) {
    await raceAbort(new Promise((resolve) => setTimeout(resolve, settles * SETTLE_MS * (1 + Math.random()))), abortSignal);
    const written = await readFallbackIndex(http, repository, subjectDigest, abortSignal);
    if (!written?.manifests?.some((d) => d.digest === referrerDigest)) {
      return false;
    }
  }
  return true;
}

/** The fallback index, undefined when the tag does not exist; anything but an index there is a conflict, never overwritten. */
async function readFallbackIndex(
  http: RegistryHttp,
  repository: string,
  digest: string,
  abortSignal?: AbortSignalLike,
): Promise<OciManifestLike | undefined> {
  let found: GetManifestResult;
  try {
    found = await getManifest(http, repository, referrersTag(digest), abortSignal);
  } catch (error) {
    if (error instanceof RegistryNotFoundError) {
      return undefined;
    }
    throw error;
  }
  // Spec "Referrers Tag Schema": if the tag holds something other than an image index, the client SHOULD report a failure.
  if (found.mediaType !== OCI_INDEX || !Array.isArray(found.manifest.manifests)) {
    throw new ReferrersTagConflictError(
      `The referrers fallback tag ${repository}:${referrersTag(digest)} on ${http.loginServer} holds ${JSON.stringify(found.mediaType.slice(0, 100))}, not an image index; it is left as it is`,
      referrersTag(digest),
      { operation: "read referrers fallback tag" },
    );
  }
  return found.manifest;
}
