// Descriptors as the copy routine meets them: every one it walks is checked
// (descriptorRules.ts, the library's one descriptor check) before anything
// is fetched for it, since a manifest comes from a registry or a file and is
// not to be trusted; a blob body is then never read past its size (the sinks
// refuse a byte more). The error is InvalidDescriptorError, not the
// registry's InvalidRegistryResponseError: the manifest may come from a file.

import { ContainerRegistryClientError } from "../errors";
import { isIndexMediaType } from "../mediaTypes";
import type { OciDescriptor, OciManifestLike } from "../models";
import { checkDescriptor } from "../descriptorRules";

/** A descriptor in a manifest is malformed; `field` names it, e.g. `layers[2].size`. */
export class InvalidDescriptorError extends ContainerRegistryClientError {
  override name = "InvalidDescriptorError";
  constructor(
    /** Where in the manifest, e.g. `layers[2].size`. */
    readonly field: string,
    /** The manifest it was found in (its digest), or "reference" for the root. */
    readonly manifest: string,
    reason: string,
  ) {
    super(`Invalid descriptor in ${manifest}: ${field} ${reason}`);
  }
}

/** Checks one descriptor (descriptorRules.ts); `where` names it in the error. */
export function validateDescriptor(descriptor: unknown, where: string, manifest: string): OciDescriptor {
  return checkDescriptor(descriptor, where, (problem) => new InvalidDescriptorError(problem.field, manifest, problem.reason));
}

/** What a manifest points at: child manifests (an index) or a config and layers (an image or artifact manifest). */
export interface ManifestChildren {
  manifests: OciDescriptor[];
  blobs: OciDescriptor[];
}

export function childrenOf(manifest: OciManifestLike, mediaType: string, digest: string): ManifestChildren {
  if (isIndexMediaType(mediaType) || (manifest.manifests !== undefined && manifest.layers === undefined)) {
    const list = manifest.manifests ?? [];
    if (!Array.isArray(list)) {
      throw new InvalidDescriptorError("manifests", digest, "is not a list");
    }
    return { manifests: list.map((d, i) => validateDescriptor(d, `manifests[${i}]`, digest)), blobs: [] };
  }
  const layers = manifest.layers ?? [];
  if (!Array.isArray(layers)) {
    throw new InvalidDescriptorError("layers", digest, "is not a list");
  }
  const blobs = [
    ...(manifest.config !== undefined ? [validateDescriptor(manifest.config, "config", digest)] : []),
    ...layers.map((d, i) => validateDescriptor(d, `layers[${i}]`, digest)),
  ];
  return { manifests: [], blobs };
}

/** Parses manifest bytes into an object (the bytes were checked against their digest already). */
export function parseManifest(content: Uint8Array, digest: string): OciManifestLike {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString("utf8"));
  } catch {
    throw new InvalidDescriptorError("(manifest)", digest, "is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InvalidDescriptorError("(manifest)", digest, "is not a JSON object");
  }
  return parsed as OciManifestLike;
}

/** The same blob listed twice (two identical layers) is moved once. */
export function dedupe<T extends { digest: string }>(blobs: readonly T[]): T[] {
  const seen = new Set<string>();
  return blobs.filter((blob) => !seen.has(blob.digest) && seen.add(blob.digest));
}
