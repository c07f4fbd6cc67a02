// Manifest operations of the OCI distribution API (/v2/<name>/manifests/<reference>):
// get with digest checks, put, resolve a tag to a digest, delete by digest.

import type { AbortSignalLike } from "@azure/abort-controller";
import { DigestValidationError, InvalidRegistryResponseError, ResponseTooLargeError } from "../errors";
import { digestOf, sha256Digest } from "../digest";
import type { RegistryHttp } from "../http/registryHttp";
import { destroyBody, readBodyCapped } from "../http/readBody";
import { MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, OCI_MANIFEST } from "../mediaTypes";
import type { GetManifestResult, OciManifestLike } from "../models";
import { isDigest, splitDigest } from "../reference";
import { registryDescriptor, registryDigest, registryList } from "../registryValues";

export function manifestPath(repository: string, reference: string): string {
  return `/v2/${repository}/manifests/${reference}`;
}

export async function getManifest(
  http: RegistryHttp,
  repository: string,
  tagOrDigest: string,
  abortSignal?: AbortSignalLike,
): Promise<GetManifestResult> {
  const operation = "get manifest";
  const response = await http.send({
    method: "GET",
    url: manifestPath(repository, tagOrDigest),
    operation,
    expectedStatus: [200],
    headers: { Accept: MANIFEST_ACCEPT },
    abortSignal,
  });
  if (Number(response.headers.get("content-length")) > MAX_MANIFEST_BYTES) {
    // Refuse before reading: the registry says the body is too large.
    destroyBody(response.body);
    throw new ResponseTooLargeError(`The manifest ${repository}:${tagOrDigest} on ${http.loginServer} is larger than 4 MiB`, { operation });
  }
  const content = await readBodyCapped(response.body, MAX_MANIFEST_BYTES, `manifest ${repository}:${tagOrDigest}`);
  const headerDigest = response.headers.get("docker-content-digest");
  if (headerDigest !== undefined) {
    registryDigest(headerDigest, "Docker-Content-Digest", { registry: http.loginServer, operation });
  }
  const digest = checkManifestDigest(content, tagOrDigest, headerDigest);
  const manifest = parseManifestContent(content, `The manifest ${repository}@${digest} on ${http.loginServer}`, operation);
  const contentType = response.headers.get("content-type")?.split(";")[0].trim();
  const mediaType = manifest.mediaType ?? contentType ?? OCI_MANIFEST;
  return { digest, mediaType, manifest, content: new Uint8Array(content) };
}

/**
 * Parses manifest or index bytes: a JSON object, and where it lists
 * `manifests` (an index), each entry a valid descriptor. `what` starts the
 * message ("The manifest app@sha256:… on host"). Every manifest and index the
 * registry serves goes through here, the referrers API's answer included.
 */
export function parseManifestContent(content: Buffer, what: string, operation: string): OciManifestLike {
  let manifest: OciManifestLike;
  try {
    manifest = JSON.parse(content.toString("utf8")) as OciManifestLike;
  } catch {
    throw new InvalidRegistryResponseError(`${what} is not valid JSON`, "manifest", { operation });
  }
  if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) {
    throw new InvalidRegistryResponseError(`${what} is not a JSON object`, "manifest", { operation });
  }
  if (manifest.manifests !== undefined) {
    const source = { registry: what, operation: undefined };
    manifest.manifests = registryList(manifest.manifests, "manifests", source, (entry, field) => registryDescriptor(entry, field, source));
  }
  return manifest;
}

/**
 * The manifest's digest, after checking the bytes against the digest asked
 * for and against `Docker-Content-Digest` when the registry sent one.
 */
function checkManifestDigest(content: Buffer, tagOrDigest: string, headerDigest: string | undefined): string {
  if (isDigest(tagOrDigest)) {
    const actual = digestOf(content, splitDigest(tagOrDigest)[0]);
    if (actual !== tagOrDigest) {
      throw new DigestValidationError(tagOrDigest, actual, "manifest");
    }
  }
  const sha256 = sha256Digest(content);
  if (headerDigest) {
    const algorithm = splitDigest(headerDigest)[0];
    const actual = algorithm === "sha256" ? sha256 : safeDigestOf(content, algorithm);
    if (actual !== headerDigest) {
      throw new DigestValidationError(headerDigest, actual ?? "unknown algorithm", "manifest (Docker-Content-Digest)");
    }
  }
  return isDigest(tagOrDigest) ? tagOrDigest : sha256;
}

function safeDigestOf(content: Buffer, algorithm: string): string | undefined {
  try {
    return digestOf(content, algorithm);
  } catch {
    return undefined;
  }
}

export async function putManifest(
  http: RegistryHttp,
  repository: string,
  reference: string,
  content: Uint8Array,
  mediaType: string,
  abortSignal?: AbortSignalLike,
): Promise<PutManifestResult> {
  const digest = sha256Digest(content);
  const response = await http.sendAndDiscard({
    method: "PUT",
    url: manifestPath(repository, reference),
    operation: "set manifest",
    expectedStatus: [201, 200],
    headers: { "Content-Type": mediaType },
    body: content,
    abortSignal,
  });
  const reported = response.headers.get("docker-content-digest");
  if (reported) {
    registryDigest(reported, "Docker-Content-Digest", { registry: http.loginServer, operation: "set manifest" });
  }
  if (reported && reported !== digest) {
    throw new DigestValidationError(digest, reported, "manifest the registry stored");
  }
  return { digest, ociSubject: response.headers.get("oci-subject") };
}

export interface PutManifestResult {
  digest: string;
  /** `OCI-Subject`: set by registries that keep referrers themselves (spec v1.1 "Pushing Manifests with Subject"). */
  ociSubject?: string;
}

/** The digest a tag points at, from a HEAD request. */
export async function resolveDigest(
  http: RegistryHttp,
  repository: string,
  tagOrDigest: string,
  abortSignal?: AbortSignalLike,
): Promise<string> {
  if (isDigest(tagOrDigest)) {
    return tagOrDigest;
  }
  const response = await http.sendAndDiscard({
    method: "HEAD",
    url: manifestPath(repository, tagOrDigest),
    operation: "resolve tag",
    expectedStatus: [200],
    headers: { Accept: MANIFEST_ACCEPT },
    abortSignal,
  });
  const digest = response.headers.get("docker-content-digest");
  if (digest) {
    // It goes into the next request's path (a delete, a HEAD): it must be a digest, nothing more.
    return registryDigest(digest, "Docker-Content-Digest", { registry: http.loginServer, operation: "resolve tag" });
  }
  // Some registries leave the header off HEAD answers: fall back to the bytes.
  return (await getManifest(http, repository, tagOrDigest, abortSignal)).digest;
}

export async function deleteManifestByDigest(
  http: RegistryHttp,
  repository: string,
  digest: string,
  abortSignal?: AbortSignalLike,
): Promise<void> {
  await http.sendAndDiscard({
    method: "DELETE",
    url: manifestPath(repository, digest),
    operation: "delete manifest",
    expectedStatus: [202, 200, 204],
    abortSignal,
  });
}
