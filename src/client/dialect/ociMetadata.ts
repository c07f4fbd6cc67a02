// Any OCI / Docker v2 registry, with only the distribution API. What it cannot
// do (properties, permissions, server-side ordering) is reported through
// `capabilities` and NotSupportedByRegistryError; what can be derived is:
// - tag properties from tags/list plus a HEAD per tag (for the digest);
// - manifest properties from the manifest and its config, listed page by page
//   from the tags (a digest is listed once, where its first tag appears);
// - tag deletion, where the registry refuses `DELETE /manifests/<tag>`
//   (distribution 2.8 answers 400 DIGEST_INVALID), by re-pointing the tag at a
//   throwaway manifest and deleting that by digest, as regctl does.

import type { AbortSignalLike } from "@azure/abort-controller";
import { randomUUID } from "node:crypto";
import { NotSupportedByRegistryError, RegistryError, RegistryNotFoundError } from "../errors";
import { KeyedLock } from "../keyedLock";
import type { RegistryHttp } from "../http/registryHttp";
import { deleteManifestByDigest, getManifest, manifestPath, putManifest, resolveDigest } from "../registry/manifests";
import { OCI_EMPTY, OCI_EMPTY_DIGEST, OCI_MANIFEST } from "../mediaTypes";
import type {
  ArtifactManifestOrder,
  ArtifactManifestProperties,
  ArtifactTagProperties,
  DeleteRepositoryResult,
  RegistryCapabilities,
  RepositoryProperties,
} from "../models";
import type { FetchedPage } from "../paging";
import { fetchListPage, windowNames } from "./listPage";
import { uploadBlob } from "../registry/uploadBlob";
import { mapWithConcurrency } from "../concurrency";
import type { CatalogPage, MetadataDialect, PageRequest } from "./metadataDialect";
import { describeManifest } from "./describeManifest";
import { registryList, registryRepositoryName, registryTag } from "../registryValues";

/** HEAD/GET requests in flight at once when a page needs one per item. */
const LOOKUP_CONCURRENCY = 8;
/**
 * Tags per page when the caller gives no page size. Each tag's digest costs a
 * HEAD, and a registry may answer every tag at once (distribution 2.8 ignores
 * `n` on tags/list), so an unbounded first page would cost as much as the
 * whole list. Sent as `n` too, which a registry that pages honours.
 */
export const DEFAULT_TAG_PAGE_SIZE = 100;
/** Marks the throwaway manifests made to delete a tag, should one ever be left behind. */
const DELETED_TAG_ARTIFACT_TYPE = "application/vnd.container-registry-explorer.deleted-tag";

export class OciMetadata implements MetadataDialect {
  readonly capabilities: RegistryCapabilities = { kind: "oci", properties: false, ordering: false, deleteTagDirectly: false };

  /** Tag deletions in flight, one per repository (see deleteTag). */
  private readonly tagDeletes = new KeyedLock();

  constructor(private readonly http: RegistryHttp) {}

  async listRepositoryNames(page: PageRequest): Promise<CatalogPage> {
    const listed = await fetchListPage<{ repositories?: unknown }>(this.http, "/v2/_catalog", page, "list repositories");
    const source = { registry: this.http.loginServer, operation: "list repositories" };
    const repositories = registryList(listed.json.repositories, "_catalog repositories", source, (name, field) =>
      registryRepositoryName(name, field, source),
    );
    const { names, nextUrl } = windowNames(repositories, listed.url, listed.nextUrl, { keepPagedAnswer: true });
    // CNCF distribution (and what is built on it) names itself in every answer;
    // its catalog is a sorted walk of its storage. Other registries' catalog
    // order is not known, so a prefix listing reads all of theirs.
    const sortedByName = listed.headers.get("docker-distribution-api-version") === "registry/2.0";
    return { items: names, nextUrl, sortedByName };
  }

  async getRepositoryProperties(repository: string, abortSignal?: AbortSignalLike): Promise<RepositoryProperties> {
    // Existence is all the /v2 API tells: a 404 NAME_UNKNOWN surfaces as RegistryNotFoundError.
    await fetchListPage<unknown>(this.http, `/v2/${repository}/tags/list`, { maxPageSize: 1, abortSignal }, "get repository properties");
    return { registryLoginServer: this.http.loginServer, name: repository };
  }

  updateRepositoryProperties(): Promise<RepositoryProperties> {
    throw this.notSupported("updating repository properties");
  }

  async deleteRepository(repository: string, abortSignal?: AbortSignalLike): Promise<DeleteRepositoryResult> {
    // The /v2 API has no repository deletion: delete every manifest a tag points at.
    const tags = await this.allTags(repository, abortSignal);
    const deleted: DeleteRepositoryResult = { deletedManifests: [], deletedTags: [] };
    const digests = new Map<string, string[]>();
    for (const tag of tags) {
      digests.set(tag.digest, [...(digests.get(tag.digest) ?? []), tag.name]);
    }
    for (const [digest, names] of digests) {
      try {
        await deleteManifestByDigest(this.http, repository, digest, abortSignal);
      } catch (error) {
        // Not atomic: whoever sees the failure must also learn what is already gone.
        throw withDeletedBeforeFailure(error, deleted);
      }
      deleted.deletedManifests.push(digest);
      deleted.deletedTags.push(...names);
    }
    return deleted;
  }

  async listManifestProperties(
    repository: string,
    order: ArtifactManifestOrder | undefined,
    page: PageRequest,
  ): Promise<FetchedPage<ArtifactManifestProperties>> {
    if (order) {
      throw this.notSupported("ordering manifests by time");
    }
    const tags = await this.listTagProperties(repository, {}, page);
    const byDigest = new Map<string, string[]>();
    for (const tag of tags.items) {
      byDigest.set(tag.digest, [...(byDigest.get(tag.digest) ?? []), tag.name]);
    }
    const described = await mapWithConcurrency([...byDigest], LOOKUP_CONCURRENCY, ([digest, names]) =>
      this.skipIfGone(repository, `manifest ${digest}`, () => this.describe(repository, digest, names, page.abortSignal)),
    );
    const items = described.filter((m): m is ArtifactManifestProperties => m !== undefined);
    return { items, nextUrl: tags.nextUrl, listed: tags.listed };
  }

  async getManifestProperties(repository: string, digest: string, abortSignal?: AbortSignalLike): Promise<ArtifactManifestProperties> {
    const tags = (await this.allTags(repository, abortSignal)).filter((t) => t.digest === digest).map((t) => t.name);
    return this.describe(repository, digest, tags, abortSignal);
  }

  updateManifestProperties(): Promise<ArtifactManifestProperties> {
    throw this.notSupported("updating manifest properties");
  }

  async listTagProperties(
    repository: string,
    filter: { order?: ArtifactManifestOrder; digest?: string },
    page: PageRequest,
  ): Promise<FetchedPage<ArtifactTagProperties>> {
    return this.tagPage(repository, filter, { ...page, maxPageSize: page.maxPageSize ?? DEFAULT_TAG_PAGE_SIZE });
  }

  /** One page of tags with their digests; no `maxPageSize` takes the registry's page whole (allTags). */
  private async tagPage(
    repository: string,
    filter: { order?: ArtifactManifestOrder; digest?: string },
    page: PageRequest,
  ): Promise<FetchedPage<ArtifactTagProperties>> {
    if (filter.order) {
      throw this.notSupported("ordering tags by time");
    }
    const listed = await fetchListPage<{ tags?: unknown }>(this.http, `/v2/${repository}/tags/list`, page, "list tags");
    // Each name goes into a HEAD's path: held to the tag grammar first.
    const source = { registry: this.http.loginServer, operation: "list tags" };
    const listedTags = registryList(listed.json.tags, "tags/list tags", source, (tag, field) => registryTag(tag, field, source));
    // One HEAD per tag of this page only, however many the registry sent.
    const { names, nextUrl } = windowNames(listedTags, listed.url, listed.nextUrl);
    const found = await mapWithConcurrency(names, LOOKUP_CONCURRENCY, (tag) =>
      this.skipIfGone(repository, `tag ${tag}`, () => this.getTagProperties(repository, tag, page.abortSignal)),
    );
    const tags = found.filter((t): t is ArtifactTagProperties => t !== undefined);
    return { items: filter.digest ? tags.filter((t) => t.digest === filter.digest) : tags, nextUrl, listed: names.length };
  }

  async getTagProperties(repository: string, tag: string, abortSignal?: AbortSignalLike): Promise<ArtifactTagProperties> {
    const digest = await resolveDigest(this.http, repository, tag, abortSignal);
    return { registryLoginServer: this.http.loginServer, repositoryName: repository, name: tag, digest };
  }

  updateTagProperties(): Promise<ArtifactTagProperties> {
    throw this.notSupported("updating tag properties");
  }

  async deleteTag(repository: string, tag: string, abortSignal?: AbortSignalLike): Promise<void> {
    // One tag deletion per repository at a time: on distribution 2.8 the emulation (upload the
    // empty blob, re-point the tag, delete the throwaway) interleaved with another one fails
    // part of the calls and leaves tags listed whose manifests answer 404.
    await this.tagDeletes.run(repository, () => this.deleteTagNow(repository, tag, abortSignal));
  }

  private async deleteTagNow(repository: string, tag: string, abortSignal?: AbortSignalLike): Promise<void> {
    // Make sure the tag exists before anything is changed (404 -> RegistryNotFoundError).
    await resolveDigest(this.http, repository, tag, abortSignal);
    try {
      await this.http.sendAndDiscard({
        method: "DELETE",
        url: manifestPath(repository, tag),
        operation: "delete tag",
        expectedStatus: [202, 200, 204],
        abortSignal,
      });
      return;
    } catch (error) {
      // Only a registry that cannot parse a tag here gets the emulation; a 405
      // (deletion disabled) must not leave the tag re-pointed at a throwaway.
      if (!(error instanceof RegistryError && error.statusCode === 400 && error.code === "DIGEST_INVALID")) {
        throw error;
      }
    }
    await uploadBlob(this.http, repository, Buffer.from("{}"), { abortSignal });
    const placeholder = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: DELETED_TAG_ARTIFACT_TYPE,
      config: { mediaType: OCI_EMPTY, digest: OCI_EMPTY_DIGEST, size: 2 },
      layers: [{ mediaType: OCI_EMPTY, digest: OCI_EMPTY_DIGEST, size: 2 }],
      annotations: { "org.opencontainers.image.created": new Date().toISOString(), "vnd.container-registry-explorer.nonce": randomUUID() },
    };
    const { digest } = await putManifest(this.http, repository, tag, Buffer.from(JSON.stringify(placeholder)), OCI_MANIFEST, abortSignal);
    await deleteManifestByDigest(this.http, repository, digest, abortSignal);
    await this.verifyTagGone(repository, tag, digest, abortSignal);
  }

  /** After the emulation the tag must be gone; still pointing at the throwaway means the registry kept a dangling tag. */
  private async verifyTagGone(repository: string, tag: string, placeholder: string, abortSignal?: AbortSignalLike): Promise<void> {
    let now: string;
    try {
      now = await resolveDigest(this.http, repository, tag, abortSignal);
    } catch (error) {
      if (error instanceof RegistryNotFoundError) {
        return;
      }
      throw error;
    }
    if (now === placeholder) {
      throw new RegistryError(
        `Delete tag failed on ${this.http.loginServer}: ${repository}:${tag} still points at the throwaway manifest ${placeholder} after it was deleted`,
        { operation: "delete tag" },
      );
    }
    // Another client tagged something new under this name meanwhile: that tag is theirs, not ours to delete.
  }

  /** Runs a per-item lookup; an item deleted since it was listed (404) is skipped and noted in the request log. */
  private async skipIfGone<T>(repository: string, what: string, lookup: () => Promise<T>): Promise<T | undefined> {
    try {
      return await lookup();
    } catch (error) {
      if (error instanceof RegistryNotFoundError) {
        this.http.log?.(`${this.http.loginServer}/${repository}: ${what} was listed but is gone (404); skipped`);
        return undefined;
      }
      throw error;
    }
  }

  private async describe(
    repository: string,
    digest: string,
    tags: string[],
    abortSignal?: AbortSignalLike,
  ): Promise<ArtifactManifestProperties> {
    const manifest = await getManifest(this.http, repository, digest, abortSignal);
    const description = await describeManifest(this.http, repository, manifest, abortSignal);
    return { registryLoginServer: this.http.loginServer, repositoryName: repository, digest, tags, ...description };
  }

  private async allTags(repository: string, abortSignal?: AbortSignalLike): Promise<ArtifactTagProperties[]> {
    const tags: ArtifactTagProperties[] = [];
    let url: string | undefined;
    do {
      // The registry's own pages, unwindowed: on distribution 2.8 one tags/list for the lot.
      const page = await this.tagPage(repository, {}, { url, abortSignal });
      tags.push(...page.items);
      url = page.nextUrl;
    } while (url);
    return tags;
  }

  private notSupported(operation: string): NotSupportedByRegistryError {
    return new NotSupportedByRegistryError(
      operation,
      this.http.loginServer,
      "it offers only the OCI distribution API, which has no properties, permissions or ordering",
    );
  }
}

/**
 * The failure of a repository deletion that got part of the way, told what is
 * already gone: the same error (its type is what callers branch on) with the
 * deleted manifests and tags in its message and in `deletedBeforeFailure`.
 */
function withDeletedBeforeFailure(error: unknown, deleted: DeleteRepositoryResult): unknown {
  if (!(error instanceof Error) || deleted.deletedManifests.length === 0) {
    return error;
  }
  const tags = deleted.deletedTags.length > 0 ? `; tags ${listed(deleted.deletedTags)}` : "";
  error.message += ` (already deleted before this failure: manifests ${listed(deleted.deletedManifests)}${tags})`;
  (error as Error & { deletedBeforeFailure?: DeleteRepositoryResult }).deletedBeforeFailure = {
    deletedManifests: [...deleted.deletedManifests],
    deletedTags: [...deleted.deletedTags],
  };
  return error;
}

/** At most 20 names in a message; the full lists are in `deletedBeforeFailure`. */
function listed(names: string[]): string {
  return names.length > 20 ? `${names.slice(0, 20).join(", ")} and ${names.length - 20} more` : names.join(", ");
}
