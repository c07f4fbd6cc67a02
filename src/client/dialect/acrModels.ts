// ACR's /acr/v1 wire shapes (data-plane REST API 2021-07-01; docs/protocols.md#acr-metadata-api
// "Azure Container Registry") and their mapping to the public models.

import type { ArtifactManifestProperties, ArtifactPermissions, ArtifactTagProperties, RepositoryProperties } from "../models";
import { registryDigest, registryList, registryRepositoryName, registryTag } from "../registryValues";

/** Names and digests in /acr/v1 answers are used in later request paths: checked like user input. */
function acrSource(loginServer: string): { registry: string; operation: string } {
  return { registry: loginServer, operation: "read the /acr/v1 answer" };
}

export interface AcrChangeableAttributes {
  deleteEnabled?: boolean;
  writeEnabled?: boolean;
  listEnabled?: boolean;
  readEnabled?: boolean;
}

export interface AcrRepository {
  registry: string;
  imageName: string;
  createdTime?: string;
  lastUpdateTime?: string;
  manifestCount?: number;
  tagCount?: number;
  changeableAttributes?: AcrChangeableAttributes;
}

export interface AcrTag {
  name: string;
  digest: string;
  createdTime?: string;
  lastUpdateTime?: string;
  signed?: boolean;
  changeableAttributes?: AcrChangeableAttributes;
}

export interface AcrManifest {
  digest: string;
  imageSize?: number;
  createdTime?: string;
  lastUpdateTime?: string;
  architecture?: string;
  os?: string;
  mediaType?: string;
  configMediaType?: string;
  tags?: string[];
  references?: { digest: string; architecture?: string; os?: string }[];
  changeableAttributes?: AcrChangeableAttributes;
}

export interface AcrCatalog {
  repositories?: string[];
}

export interface AcrTagList {
  registry: string;
  imageName: string;
  tags?: AcrTag[];
}

export interface AcrManifestList {
  registry: string;
  imageName: string;
  manifests?: AcrManifest[];
}

export function toChangeableAttributes(changes: ArtifactPermissions): AcrChangeableAttributes {
  const body: AcrChangeableAttributes = {};
  // Only what changes is sent (docs/protocols.md#acr-properties).
  if (changes.canDelete !== undefined) body.deleteEnabled = changes.canDelete;
  if (changes.canWrite !== undefined) body.writeEnabled = changes.canWrite;
  if (changes.canList !== undefined) body.listEnabled = changes.canList;
  if (changes.canRead !== undefined) body.readEnabled = changes.canRead;
  return body;
}

function permissions(attributes: AcrChangeableAttributes | undefined): ArtifactPermissions {
  return {
    canDelete: attributes?.deleteEnabled,
    canWrite: attributes?.writeEnabled,
    canList: attributes?.listEnabled,
    canRead: attributes?.readEnabled,
  };
}

function date(value: string | undefined): Date | undefined {
  if (!value) {
    return undefined;
  }
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

export function toRepositoryProperties(repository: AcrRepository, loginServer: string): RepositoryProperties {
  return {
    registryLoginServer: loginServer,
    name: registryRepositoryName(repository.imageName, "imageName", acrSource(loginServer)),
    createdOn: date(repository.createdTime),
    lastUpdatedOn: date(repository.lastUpdateTime),
    manifestCount: repository.manifestCount,
    tagCount: repository.tagCount,
    ...permissions(repository.changeableAttributes),
  };
}

export function toTagProperties(tag: AcrTag, repository: string, loginServer: string): ArtifactTagProperties {
  return {
    registryLoginServer: loginServer,
    repositoryName: repository,
    name: registryTag(tag?.name, "tag.name", acrSource(loginServer)),
    digest: registryDigest(tag.digest, "tag.digest", acrSource(loginServer)),
    createdOn: date(tag.createdTime),
    lastUpdatedOn: date(tag.lastUpdateTime),
    ...permissions(tag.changeableAttributes),
  };
}

export function toManifestProperties(manifest: AcrManifest, repository: string, loginServer: string): ArtifactManifestProperties {
  return {
    registryLoginServer: loginServer,
    repositoryName: repository,
    digest: registryDigest(manifest?.digest, "manifest.digest", acrSource(loginServer)),
    sizeInBytes: manifest.imageSize,
    createdOn: date(manifest.createdTime),
    lastUpdatedOn: date(manifest.lastUpdateTime),
    architecture: manifest.architecture || undefined,
    operatingSystem: manifest.os || undefined,
    relatedArtifacts: registryList(manifest.references, "manifest.references", acrSource(loginServer), (item, field) => {
      const reference = (item ?? {}) as { digest?: unknown; architecture?: string; os?: string };
      return {
        digest: registryDigest(reference.digest, `${field}.digest`, acrSource(loginServer)),
        architecture: reference.architecture || undefined,
        operatingSystem: reference.os || undefined,
      };
    }),
    tags: registryList(manifest.tags, "manifest.tags", acrSource(loginServer), (tag, field) =>
      registryTag(tag, field, acrSource(loginServer)),
    ),
    mediaType: manifest.mediaType,
    configMediaType: manifest.configMediaType,
    ...permissions(manifest.changeableAttributes),
  };
}
