// Derives manifest properties from the manifest itself (for registries without
// a metadata API): media types, size, platforms of an index, and the
// architecture and OS from an image's config blob.

import type { AbortSignalLike } from "@azure/abort-controller";
import { verifyDigest } from "../digest";
import type { RegistryHttp } from "../http/registryHttp";
import { isImageConfigMediaType } from "../mediaTypes";
import type { ArtifactManifestProperties, GetManifestResult } from "../models";
import { registryDescriptor, registryList } from "../registryValues";
import { blobPath } from "../registry/blobPaths";

/** Image configs are small JSON documents; anything larger is not read. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export type ManifestDescription = Omit<ArtifactManifestProperties, "registryLoginServer" | "repositoryName" | "digest" | "tags">;

export async function describeManifest(
  http: RegistryHttp,
  repository: string,
  { manifest, mediaType, content }: GetManifestResult,
  abortSignal?: AbortSignalLike,
): Promise<ManifestDescription> {
  const source = { registry: http.loginServer, operation: "describe manifest" };
  // The config's digest goes into a blob path, and sizes are summed: both checked as descriptors.
  const config = manifest.config === undefined ? undefined : registryDescriptor(manifest.config, "manifest config", source);
  const layers = registryList(manifest.layers, "manifest layers", source, (layer, field) => registryDescriptor(layer, field, source));
  const sizeInBytes = content.byteLength + (config?.size ?? 0) + layers.reduce((sum, layer) => sum + (layer.size ?? 0), 0);
  const relatedArtifacts = (Array.isArray(manifest.manifests) ? manifest.manifests : []).map((entry) => ({
    digest: entry.digest,
    architecture: entry.platform?.architecture,
    operatingSystem: entry.platform?.os,
  }));
  const platform =
    config && isImageConfigMediaType(config.mediaType) ? await readPlatform(http, repository, config.digest, abortSignal) : {};
  return {
    mediaType,
    configMediaType: config?.mediaType,
    artifactType: manifest.artifactType ?? (config && !isImageConfigMediaType(config.mediaType) ? config.mediaType : undefined),
    sizeInBytes,
    relatedArtifacts,
    ...platform,
  };
}

async function readPlatform(
  http: RegistryHttp,
  repository: string,
  configDigest: string,
  abortSignal?: AbortSignalLike,
): Promise<{ architecture?: string; operatingSystem?: string }> {
  const { bytes } = await http.sendForBytes(
    { method: "GET", url: blobPath(repository, configDigest), operation: "read image config", expectedStatus: [200], abortSignal },
    MAX_CONFIG_BYTES,
    "image config",
  );
  verifyDigest(bytes, configDigest, "image config");
  try {
    const config = JSON.parse(bytes.toString("utf8")) as { architecture?: unknown; os?: unknown };
    return {
      architecture: typeof config.architecture === "string" ? config.architecture : undefined,
      operatingSystem: typeof config.os === "string" ? config.os : undefined,
    };
  } catch {
    return {};
  }
}
