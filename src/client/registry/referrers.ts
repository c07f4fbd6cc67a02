// Referrers (OCI distribution spec v1.1 "Listing Referrers" and "Referrers Tag
// Schema"): artifacts whose manifest has a `subject` pointing at a digest
// (signatures, SBOMs). Registries with the API answer an index at
// /v2/<name>/referrers/<digest>; older ones (distribution 2.8 answers 404)
// get the fallback: an index tagged `<alg>-<hex>` that pushing clients keep.

import type { AbortSignalLike } from "@azure/abort-controller";
import { RegistryNotFoundError } from "../errors";
import { RegistryHttp } from "../http/registryHttp";
import { getManifest, putManifest } from "./manifests";
import { MAX_MANIFEST_BYTES, OCI_INDEX } from "../mediaTypes";
import type { OciDescriptor, OciManifestLike } from "../models";

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
  const { response, bytes } = await http.sendForBytes(
    { method: "GET", url: url.toString(), operation: "list referrers", expectedStatus: [200, 404], abortSignal: options.abortSignal },
    MAX_MANIFEST_BYTES,
    "referrers index",
  );
  let descriptors: OciDescriptor[];
  const isIndex = response.status === 200 && (response.headers.get("content-type") ?? "").startsWith(OCI_INDEX);
  if (isIndex) {
    descriptors = parseIndex(bytes).manifests ?? [];
  } else {
    descriptors = (await readFallbackIndex(http, repository, digest, options.abortSignal))?.manifests ?? [];
  }
  return options.artifactType ? descriptors.filter((d) => d.artifactType === options.artifactType) : descriptors;
}

/**
 * After pushing a manifest with a `subject` to a registry that did not answer
 * `OCI-Subject` (so it keeps no referrers itself), adds the manifest to the
 * fallback index (spec "Pushing Manifests with Subject").
 */
export async function addToFallbackIndex(
  http: RegistryHttp,
  repository: string,
  subjectDigest: string,
  referrer: OciDescriptor,
  abortSignal?: AbortSignalLike,
): Promise<void> {
  const existing = await readFallbackIndex(http, repository, subjectDigest, abortSignal);
  const manifests = (existing?.manifests ?? []).filter((d) => d.digest !== referrer.digest);
  const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...manifests, referrer] };
  await putManifest(http, repository, referrersTag(subjectDigest), Buffer.from(JSON.stringify(index)), OCI_INDEX, abortSignal);
}

async function readFallbackIndex(
  http: RegistryHttp,
  repository: string,
  digest: string,
  abortSignal?: AbortSignalLike,
): Promise<OciManifestLike | undefined> {
  try {
    return (await getManifest(http, repository, referrersTag(digest), abortSignal)).manifest;
  } catch (error) {
    if (error instanceof RegistryNotFoundError) {
      return undefined;
    }
    throw error;
  }
}

function parseIndex(bytes: Buffer): OciManifestLike {
  const parsed = JSON.parse(bytes.toString("utf8")) as OciManifestLike;
  return typeof parsed === "object" && parsed !== null ? parsed : {};
}
