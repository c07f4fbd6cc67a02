// What differs between registries: how repositories, manifests and tags are
// listed and described, and whether their properties can be changed. ACR has
// its /acr/v1 metadata API; any other registry has only the OCI /v2 API.

import type { AbortSignalLike } from "@azure/abort-controller";
import type {
  ArtifactManifestOrder,
  ArtifactManifestProperties,
  ArtifactPermissions,
  ArtifactTagProperties,
  DeleteRepositoryResult,
  RegistryCapabilities,
  RepositoryProperties,
} from "../models";
import type { FetchedPage } from "../paging";

export interface PageRequest {
  /** The continuation URL, or undefined for the first page. */
  url?: string;
  maxPageSize?: number;
  abortSignal?: AbortSignalLike;
  /** On the first page only: start after this name (`last=`). */
  startAfter?: string;
}

/** A page of the catalog, and whether the registry answering it sorts its catalog by name (see repositoryPrefix.ts). */
export interface CatalogPage extends FetchedPage<string> {
  sortedByName: boolean;
}

export interface MetadataDialect {
  readonly capabilities: RegistryCapabilities;
  listRepositoryNames(page: PageRequest): Promise<CatalogPage>;
  getRepositoryProperties(repository: string, abortSignal?: AbortSignalLike): Promise<RepositoryProperties>;
  updateRepositoryProperties(
    repository: string,
    changes: ArtifactPermissions,
    abortSignal?: AbortSignalLike,
  ): Promise<RepositoryProperties>;
  deleteRepository(repository: string, abortSignal?: AbortSignalLike): Promise<DeleteRepositoryResult>;
  listManifestProperties(
    repository: string,
    order: ArtifactManifestOrder | undefined,
    page: PageRequest,
  ): Promise<FetchedPage<ArtifactManifestProperties>>;
  getManifestProperties(repository: string, digest: string, abortSignal?: AbortSignalLike): Promise<ArtifactManifestProperties>;
  updateManifestProperties(
    repository: string,
    digest: string,
    changes: ArtifactPermissions,
    abortSignal?: AbortSignalLike,
  ): Promise<ArtifactManifestProperties>;
  listTagProperties(
    repository: string,
    filter: { order?: ArtifactManifestOrder; digest?: string },
    page: PageRequest,
  ): Promise<FetchedPage<ArtifactTagProperties>>;
  getTagProperties(repository: string, tag: string, abortSignal?: AbortSignalLike): Promise<ArtifactTagProperties>;
  updateTagProperties(
    repository: string,
    tag: string,
    changes: ArtifactPermissions,
    abortSignal?: AbortSignalLike,
  ): Promise<ArtifactTagProperties>;
  deleteTag(repository: string, tag: string, abortSignal?: AbortSignalLike): Promise<void>;
}
