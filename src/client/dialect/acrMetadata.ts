// ACR's /acr/v1 metadata API (docs/protocols.md#acr-metadata-api):
// properties with times and permissions, server-side ordering, tag deletion.

import type { AbortSignalLike } from "@azure/abort-controller";
import type { RegistryHttp } from "../http/registryHttp";
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
import { fetchListPage } from "./listPage";
import {
  type AcrCatalog,
  type AcrManifest,
  type AcrManifestList,
  type AcrRepository,
  type AcrTag,
  type AcrTagList,
  toChangeableAttributes,
  toManifestProperties,
  toRepositoryProperties,
  toTagProperties,
} from "./acrModels";
import type { CatalogPage, MetadataDialect, PageRequest } from "./metadataDialect";
import { registryDigest, registryList, registryRepositoryName, registryTag } from "../registryValues";

/** Property, update and delete calls carry this (docs/protocols.md#acr-properties). */
const API_VERSION = "2021-07-01";

export class AcrMetadata implements MetadataDialect {
  readonly capabilities: RegistryCapabilities = { kind: "acr", properties: true, ordering: true, deleteTagDirectly: true };

  constructor(private readonly http: RegistryHttp) {}

  async listRepositoryNames(page: PageRequest): Promise<CatalogPage> {
    const { json, nextUrl } = await fetchListPage<AcrCatalog>(this.http, "/acr/v1/_catalog", page, "list repositories");
    const source = { registry: this.http.loginServer, operation: "list repositories" };
    return {
      items: registryList(json.repositories, "repositories", source, (name, field) => registryRepositoryName(name, field, source)),
      nextUrl,
      // ACR's catalog is by name (docs/protocols.md#acr-metadata-api; the stand-in: plain string order).
      sortedByName: true,
    };
  }

  async getRepositoryProperties(repository: string, abortSignal?: AbortSignalLike): Promise<RepositoryProperties> {
    const repo = await this.getJson<AcrRepository>(this.path(repository), "get repository properties", abortSignal);
    return toRepositoryProperties(repo, this.http.loginServer);
  }

  async updateRepositoryProperties(
    repository: string,
    changes: ArtifactPermissions,
    abortSignal?: AbortSignalLike,
  ): Promise<RepositoryProperties> {
    const repo = await this.patchJson<AcrRepository>(this.path(repository), changes, "update repository properties", abortSignal);
    return toRepositoryProperties(repo, this.http.loginServer);
  }

  async deleteRepository(repository: string, abortSignal?: AbortSignalLike): Promise<DeleteRepositoryResult> {
    const { json } = await this.http.sendForJson<{ manifestsDeleted?: string[]; tagsDeleted?: string[] }>({
      method: "DELETE",
      url: withApiVersion(this.path(repository)),
      operation: "delete repository",
      expectedStatus: [200, 202],
      abortSignal,
    });
    const source = { registry: this.http.loginServer, operation: "delete repository" };
    return {
      deletedManifests: registryList(json.manifestsDeleted, "manifestsDeleted", source, (digest, field) =>
        registryDigest(digest, field, source),
      ),
      deletedTags: registryList(json.tagsDeleted, "tagsDeleted", source, (tag, field) => registryTag(tag, field, source)),
    };
  }

  async listManifestProperties(
    repository: string,
    order: ArtifactManifestOrder | undefined,
    page: PageRequest,
  ): Promise<FetchedPage<ArtifactManifestProperties>> {
    const { json, nextUrl } = await fetchListPage<AcrManifestList>(this.http, this.path(repository, "_manifests"), page, "list manifests", {
      orderby: orderBy(order),
    });
    return {
      items: (json.manifests ?? []).map((m) => toManifestProperties(m, repository, this.http.loginServer)),
      nextUrl,
    };
  }

  async getManifestProperties(repository: string, digest: string, abortSignal?: AbortSignalLike): Promise<ArtifactManifestProperties> {
    const body = await this.getJson<{ manifest: AcrManifest }>(
      this.path(repository, "_manifests", digest),
      "get manifest properties",
      abortSignal,
    );
    return toManifestProperties(body.manifest, repository, this.http.loginServer);
  }

  async updateManifestProperties(
    repository: string,
    digest: string,
    changes: ArtifactPermissions,
    abortSignal?: AbortSignalLike,
  ): Promise<ArtifactManifestProperties> {
    const body = await this.patchJson<{ manifest: AcrManifest }>(
      this.path(repository, "_manifests", digest),
      changes,
      "update manifest properties",
      abortSignal,
    );
    return toManifestProperties(body.manifest, repository, this.http.loginServer);
  }

  async listTagProperties(
    repository: string,
    filter: { order?: ArtifactManifestOrder; digest?: string },
    page: PageRequest,
  ): Promise<FetchedPage<ArtifactTagProperties>> {
    const { json, nextUrl } = await fetchListPage<AcrTagList>(this.http, this.path(repository, "_tags"), page, "list tags", {
      orderby: orderBy(filter.order),
      digest: filter.digest,
    });
    return { items: (json.tags ?? []).map((t) => toTagProperties(t, repository, this.http.loginServer)), nextUrl };
  }

  async getTagProperties(repository: string, tag: string, abortSignal?: AbortSignalLike): Promise<ArtifactTagProperties> {
    const body = await this.getJson<{ tag: AcrTag }>(this.path(repository, "_tags", tag), "get tag properties", abortSignal);
    return toTagProperties(body.tag, repository, this.http.loginServer);
  }

  async updateTagProperties(
    repository: string,
    tag: string,
    changes: ArtifactPermissions,
    abortSignal?: AbortSignalLike,
  ): Promise<ArtifactTagProperties> {
    const body = await this.patchJson<{ tag: AcrTag }>(this.path(repository, "_tags", tag), changes, "update tag properties", abortSignal);
    return toTagProperties(body.tag, repository, this.http.loginServer);
  }

  async deleteTag(repository: string, tag: string, abortSignal?: AbortSignalLike): Promise<void> {
    await this.http.sendAndDiscard({
      method: "DELETE",
      url: withApiVersion(this.path(repository, "_tags", tag)),
      operation: "delete tag",
      expectedStatus: [200, 202, 204],
      abortSignal,
    });
  }

  private path(repository: string, ...rest: string[]): string {
    return ["/acr/v1", repository, ...rest].join("/");
  }

  private async getJson<T>(path: string, operation: string, abortSignal?: AbortSignalLike): Promise<T> {
    const { json } = await this.http.sendForJson<T>({
      method: "GET",
      url: withApiVersion(path),
      operation,
      expectedStatus: [200],
      abortSignal,
    });
    return json;
  }

  private async patchJson<T>(path: string, changes: ArtifactPermissions, operation: string, abortSignal?: AbortSignalLike): Promise<T> {
    const { json } = await this.http.sendForJson<T>({
      method: "PATCH",
      url: withApiVersion(path),
      operation,
      expectedStatus: [200],
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(toChangeableAttributes(changes)),
      abortSignal,
    });
    return json;
  }
}

function withApiVersion(path: string): string {
  return `${path}?api-version=${API_VERSION}`;
}

function orderBy(order: ArtifactManifestOrder | undefined): string | undefined {
  return order === "LastUpdatedOnDescending" ? "timedesc" : order === "LastUpdatedOnAscending" ? "timeasc" : undefined;
}
