// Descriptors as the copy routine meets them (image-spec descriptor.md):
// every one it walks is checked before anything is fetched for it, since a
// manifest comes from a registry or a file and is not to be trusted:
// `digest` must be a valid digest, `size` a non-negative safe integer (a
// blob body is then never read past it: the sinks refuse a byte more), and
// `mediaType` a string.

import { ContainerRegistryClientError } from "../errors";
import { isIndexMediaType } from "../mediaTypes";
import type { OciDescriptor, OciManifestLike } from "../models";
import { validateDigest } from "../reference";

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
    super(`Invalid descriptor ${field} in ${manifest}: ${reason}`);
  }
}

/** Checks one descriptor; `where` names it in the error. */
export function validateDescriptor(descriptor: unknown, where: string, manifest: string): OciDescriptor {
  if (typeof descriptor !== "object" || descriptor === null || Array.isArray(descriptor)) {
    throw new InvalidDescriptorError(where, manifest, "it is not an object");
  }
  const d = descriptor as Partial<OciDescriptor>;
  if (typeof d.digest !== "string") {
    throw new InvalidDescriptorError(`${where}.digest`, manifest, "it is missing or not a string");
  }
  try {
    validateDigest(d.digest);
  } catch (error) {
    throw new InvalidDescriptorError(`${where}.digest`, manifest, (error as Error).message);
  }
  if (typeof d.size !== "number" || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new InvalidDescriptorError(`${where}.size`, manifest, `${JSON.stringify(d.size)} is not a whole number of bytes, 0 or more`);
  }
  if (d.mediaType !== undefined && typeof d.mediaType !== "string") {
    throw new InvalidDescriptorError(`${where}.mediaType`, manifest, "it is not a string");
  }
  return d as OciDescriptor;
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
      throw new InvalidDescriptorError("manifests", digest, "it is not a list");
    }
    return { manifests: list.map((d, i) => validateDescriptor(d, `manifests[${i}]`, digest)), blobs: [] };
  }
  const layers = manifest.layers ?? [];
  if (!Array.isArray(layers)) {
    throw new InvalidDescriptorError("layers", digest, "it is not a list");
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
    throw new InvalidDescriptorError("(manifest)", digest, "the manifest is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InvalidDescriptorError("(manifest)", digest, "the manifest is not a JSON object");
  }
  return parsed as OciManifestLike;
}

/** The same blob listed twice (two identical layers) is moved once. */
export function dedupe<T extends { digest: string }>(blobs: readonly T[]): T[] {
  const seen = new Set<string>();
  return blobs.filter((blob) => !seen.has(blob.digest) && seen.add(blob.digest));
}
