// The client: one per registry, the repository passed to each call (as in the
// Python client), with the names and types of the JS client
// `@azure/container-registry`. It validates input before any request, picks
// the dialect (ACR's metadata API or plain OCI), and delegates.

import type { TokenCredential } from "@azure/core-auth";
import { isTokenCredential, isUsernamePassword } from "./auth/credentials";
import { DEFAULT_ACR_AUDIENCE, RegistryAuthenticator } from "./auth/registryAuthenticator";
import { TokenEndpointClient } from "./auth/tokenEndpoint";
import { createDialect, detectRegistryKind, type RegistryKind } from "./dialect/detectDialect";
import type { MetadataDialect } from "./dialect/metadataDialect";
import { fetchPrefixPage } from "./dialect/repositoryPrefix";
import { parseEndpoint, type RegistryEndpoint } from "./endpoint";
import { DigestValidationError, InvalidInputError } from "./errors";
import {
  type CleanupPlan,
  type CleanupResult,
  type CleanupRules,
  executeCleanup,
  type ExecuteCleanupOptions,
  planCleanup,
} from "./cleanup";
import { createHttpClient, createRegistryPipeline, createTokenPipeline, type TransportOptions, userAgentOf } from "./pipeline";
import { retrySettings } from "./http/retryPolicy";
import { DEFAULT_IDLE_TIMEOUT_MS } from "./http/idleTimeoutPolicy";
import { RegistryHttp } from "./http/registryHttp";
import { raceAbort } from "./abort";
import { deleteManifestByDigest, resolveDigest } from "./registry/manifests";
import { OCI_MANIFEST } from "./mediaTypes";
import type {
  ArtifactManifestProperties,
  ArtifactTagProperties,
  DeleteRepositoryResult,
  DownloadBlobOptions,
  DownloadBlobResult,
  GetManifestResult,
  OciDescriptor,
  OciManifestLike,
  ListManifestPropertiesOptions,
  ListRepositoryNamesOptions,
  ListTagPropertiesOptions,
  OperationOptions,
  RegistryCapabilities,
  RepositoryProperties,
  SetManifestOptions,
  SetManifestResult,
  UpdatePropertiesOptions,
  UploadBlobOptions,
  UploadBlobResult,
  UsernamePasswordCredential,
} from "./models";
import { listReferrers, type ListReferrersOptions, removeFromFallbackIndex } from "./registry/referrers";
import { RepositoryStore, type RepositoryStoreOptions } from "./registry/repositoryStore";
import { parseManifestObject, storeManifest } from "./registry/storeManifest";
import { createPagedIterator, type PagedAsyncIterableIterator } from "./paging";
import { validateDigest, validateRepositoryName, validateRepositoryPrefix, validateTag, validateTagOrDigest } from "./reference";
import { blobExists, deleteBlob } from "./registry/blobPaths";
import { downloadBlob } from "./registry/downloadBlob";
import { downloadBlobToFile, type DownloadBlobToFileOptions, type DownloadBlobToFileResult } from "./blobFileDownload";
import { uploadBlob } from "./registry/uploadBlob";
import { ImageReader } from "./images/imageReader";
import type { GetImageConfigOptions, ImageConfigResult } from "./images/imageModels";
import { manifestSize, repositorySize, type ManifestSize, type RepositorySize, type RepositorySizeProgress } from "./images/imageSizes";
import { referrerTree, type ReferrerTree } from "./images/referrerTree";
import type { UploadBlobData } from "./blobSource";
import type { ImageFilesystem } from "./imageFiles/imageFilesystem";
import type { OpenImageFilesystemOptions } from "./imageFiles/models";
import { openImageFilesystem } from "./imageFiles/openImageFilesystem";
import type { ImageSource } from "./layout/imageLayout";
import type { ArtifactFile } from "./layout/fileArtifact";
import {
  pullImage,
  type PullBlobsOptions,
  type PullImageOptions,
  type PullImageResult,
  pullToFolder,
  pullDockerArchive,
  type PullDockerArchiveOptions,
  type PullDockerArchiveResult,
  type PullToFolderResult,
  pushFiles,
  type PushFilesOptions,
  type PushFilesResult,
  pushImage,
  type PushImageOptions,
  type PushImageResult,
} from "./transfers";

export interface ContainerRegistryClientOptions extends TransportOptions {
  /** Entra audience for ACR's token exchange. The default value is `https://containerregistry.azure.net`. */
  audience?: string;
  /** Permit `http://` to a host that is not loopback. The default value is false. */
  allowInsecureHttp?: boolean;
  /** Skip detection: `"acr"` for ACR's metadata API, `"oci"` for the plain /v2 API. */
  registryKind?: RegistryKind;
}

export class ContainerRegistryClient {
  /** `https://host[:port]`. */
  readonly endpoint: string;
  /** `host[:port]`, as used in image references. */
  readonly loginServer: string;
  private readonly http: RegistryHttp;
  private readonly parsedEndpoint: RegistryEndpoint;
  /** Manifests and configs by digest, shared by every caller of this client (images/imageReader.ts). */
  private readonly images: ImageReader;
  private dialect?: Promise<MetadataDialect>;

  constructor(
    endpoint: string,
    credential?: TokenCredential | UsernamePasswordCredential,
    private readonly options: ContainerRegistryClientOptions = {},
  ) {
    this.parsedEndpoint = parseEndpoint(endpoint, options.allowInsecureHttp);
    if (credential !== undefined && !isTokenCredential(credential) && !isUsernamePassword(credential)) {
      throw new InvalidInputError("credential", typeof credential, "pass a TokenCredential or { username, password }");
    }
    this.endpoint = this.parsedEndpoint.origin;
    this.loginServer = this.parsedEndpoint.loginServer;
    const httpClient = createHttpClient(options);
    const tokens = new TokenEndpointClient(createTokenPipeline(options), httpClient, this.loginServer);
    const authenticator = new RegistryAuthenticator(credential, this.endpoint, tokens, options.audience ?? DEFAULT_ACR_AUDIENCE);
    this.http = new RegistryHttp(
      this.endpoint,
      this.loginServer,
      createRegistryPipeline(this.endpoint, authenticator, options),
      httpClient,
      options.logRequest,
      // Blob GETs on receiving threads reproduce the default client only (registry/blobGetGrant.ts).
      options.httpClient
        ? undefined
        : {
            ca: options.caCertificates,
            userAgent: userAgentOf(options),
            timeoutMs: options.timeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
            retry: retrySettings(options.retry),
          },
    );
    this.images = new ImageReader(this.http);
  }

  /** What this registry can do beyond the OCI API; probed on first use and cached. */
  async getCapabilities(options: OperationOptions = {}): Promise<RegistryCapabilities> {
    return (await this.metadata(options)).capabilities;
  }

  /** Repository names in the registry's order; with `prefix`, only those starting with it (dialect/repositoryPrefix.ts). */
  listRepositoryNames(options: ListRepositoryNamesOptions = {}): PagedAsyncIterableIterator<string> {
    const prefix = validateRepositoryPrefix(options.prefix ?? "");
    return createPagedIterator(async (url, maxPageSize) => {
      const dialect = await this.metadata(options);
      const page = { url, maxPageSize, abortSignal: options.abortSignal };
      return prefix === "" ? dialect.listRepositoryNames(page) : fetchPrefixPage(dialect, prefix, page);
    }, this.loginServer);
  }

  async getRepositoryProperties(repository: string, options: OperationOptions = {}): Promise<RepositoryProperties> {
    validateRepositoryName(repository);
    return (await this.metadata(options)).getRepositoryProperties(repository, options.abortSignal);
  }

  async updateRepositoryProperties(repository: string, options: UpdatePropertiesOptions): Promise<RepositoryProperties> {
    validateRepositoryName(repository);
    return (await this.metadata(options)).updateRepositoryProperties(repository, options, options.abortSignal);
  }

  /** Deletes the repository with all its manifests and tags; returns what the registry reports deleted. */
  async deleteRepository(repository: string, options: OperationOptions = {}): Promise<DeleteRepositoryResult> {
    validateRepositoryName(repository);
    try {
      return await (await this.metadata(options)).deleteRepository(repository, options.abortSignal);
    } finally {
      // Even a delete that failed midway may have removed some of it.
      this.images.forget(repository);
    }
  }

  listManifestProperties(
    repository: string,
    options: ListManifestPropertiesOptions = {},
  ): PagedAsyncIterableIterator<ArtifactManifestProperties> {
    validateRepositoryName(repository);
    return createPagedIterator(
      async (url, maxPageSize) =>
        (await this.metadata(options)).listManifestProperties(repository, options.order, {
          url,
          maxPageSize,
          abortSignal: options.abortSignal,
        }),
      this.loginServer,
    );
  }

  async getManifestProperties(
    repository: string,
    tagOrDigest: string,
    options: OperationOptions = {},
  ): Promise<ArtifactManifestProperties> {
    validateRepositoryName(repository);
    validateTagOrDigest(tagOrDigest);
    const digest = await this.digestOf(repository, tagOrDigest, options);
    return (await this.metadata(options)).getManifestProperties(repository, digest, options.abortSignal);
  }

  async updateManifestProperties(
    repository: string,
    tagOrDigest: string,
    options: UpdatePropertiesOptions,
  ): Promise<ArtifactManifestProperties> {
    validateRepositoryName(repository);
    validateTagOrDigest(tagOrDigest);
    const dialect = await this.metadata(options);
    const digest = await this.digestOf(repository, tagOrDigest, options);
    return dialect.updateManifestProperties(repository, digest, options, options.abortSignal);
  }

  listTagProperties(repository: string, options: ListTagPropertiesOptions = {}): PagedAsyncIterableIterator<ArtifactTagProperties> {
    validateRepositoryName(repository);
    if (options.digest !== undefined) {
      validateDigest(options.digest);
    }
    return createPagedIterator(
      async (url, maxPageSize) =>
        (await this.metadata(options)).listTagProperties(
          repository,
          { order: options.order, digest: options.digest },
          { url, maxPageSize, abortSignal: options.abortSignal },
        ),
      this.loginServer,
    );
  }

  async getTagProperties(repository: string, tag: string, options: OperationOptions = {}): Promise<ArtifactTagProperties> {
    validateRepositoryName(repository);
    validateTag(tag);
    return (await this.metadata(options)).getTagProperties(repository, tag, options.abortSignal);
  }

  async updateTagProperties(repository: string, tag: string, options: UpdatePropertiesOptions): Promise<ArtifactTagProperties> {
    validateRepositoryName(repository);
    validateTag(tag);
    return (await this.metadata(options)).updateTagProperties(repository, tag, options, options.abortSignal);
  }

  /** Deletes one tag; the manifest it points at stays. */
  async deleteTag(repository: string, tag: string, options: OperationOptions = {}): Promise<void> {
    validateRepositoryName(repository);
    validateTag(tag);
    await (await this.metadata(options)).deleteTag(repository, tag, options.abortSignal);
  }

  /**
   * Deletes a manifest (by digest, or the one a tag points at) and with it
   * every tag pointing at it; a referrer is also taken out of its subject's
   * fallback tag index, where there is one (spec "Deleting Manifests").
   */
  async deleteManifest(repository: string, tagOrDigest: string, options: OperationOptions = {}): Promise<void> {
    validateRepositoryName(repository);
    validateTagOrDigest(tagOrDigest);
    const digest = await this.digestOf(repository, tagOrDigest, options);
    // Read before the delete (from the cache when the tree or the inspector read it): after it, the subject is unknowable.
    // A manifest that cannot be read is deleted all the same; the registry's answer to the DELETE is the one reported.
    // The subject is the registry's JSON: only a well-formed digest names a fallback tag (any other string
    // would name some other tag, which removeFromFallbackIndex would then rewrite).
    const subject = await this.images.manifest(repository, digest, options.abortSignal).then(
      (found) => subjectDigestOf(found.manifest),
      () => undefined,
    );
    await deleteManifestByDigest(this.http, repository, digest, options.abortSignal);
    this.images.forget(repository, digest);
    if (subject) {
      await removeFromFallbackIndex(this.http, repository, subject, digest, options.abortSignal);
    }
  }

  /** Deletes a blob; a blob that does not exist is not an error. */
  async deleteBlob(repository: string, digest: string, options: OperationOptions = {}): Promise<void> {
    validateRepositoryName(repository);
    validateDigest(digest);
    await deleteBlob(this.http, repository, digest, options.abortSignal);
  }

  /** Whether the repository has this blob (HEAD). */
  async blobExists(repository: string, digest: string, options: OperationOptions = {}): Promise<boolean> {
    validateRepositoryName(repository);
    validateDigest(digest);
    return blobExists(this.http, repository, digest, options.abortSignal);
  }

  /**
   * Uploads bytes, a file (its path, or `fs.createReadStream(path)` unread), a
   * reopenable source (`{ sizeInBytes, open(offset) }`, e.g.
   * `fileBlobSource(path)`) or a one-shot stream as a blob, hashing on the fly;
   * resolves to its digest and size. Bytes, files and reopenable sources
   * resume or restart after a broken connection; other streams cannot.
   *
   * ```ts
   * const { digest } = await client.uploadBlob("team/app", fs.createReadStream("layer.tar"));
   * ```
   */
  async uploadBlob(repository: string, data: UploadBlobData, options: UploadBlobOptions = {}): Promise<UploadBlobResult> {
    validateRepositoryName(repository);
    return uploadBlob(this.http, repository, data, options);
  }

  /**
   * Streams a blob in 192 KiB chunks; `content` errors with
   * DigestValidationError before `end` if the bytes do not match. To save a
   * blob to a file, `downloadBlobToFile` is faster (written off the main
   * thread, no copy through the page cache where the disk allows).
   *
   * ```ts
   * const { content } = await client.downloadBlob("team/app", digest);
   * content.pipe(fs.createWriteStream("layer.tar"));
   * ```
   */
  async downloadBlob(repository: string, digest: string, options: DownloadBlobOptions = {}): Promise<DownloadBlobResult> {
    validateRepositoryName(repository);
    validateDigest(digest);
    return downloadBlob(this.http, repository, digest, options);
  }

  /**
   * Downloads a blob straight to a file, the fastest way to save one: hashed
   * and written on a worker thread (O_DIRECT where allowed), resumed after a
   * broken connection, and renamed onto `filePath` only once the digest
   * checked out. Nothing is written but `filePath` (a link there is replaced,
   * not followed) and a temporary file beside it, removed on any failure or
   * cancellation.
   *
   * ```ts
   * const { sizeInBytes } = await client.downloadBlobToFile("team/app", layer.digest, "layer.tar");
   * ```
   */
  async downloadBlobToFile(
    repository: string,
    digest: string,
    filePath: string,
    options: DownloadBlobToFileOptions = {},
  ): Promise<DownloadBlobToFileResult> {
    validateRepositoryName(repository);
    validateDigest(digest);
    return downloadBlobToFile(this.http, repository, digest, filePath, options);
  }

  /** Uploads a manifest (an object is serialised as JSON), optionally under a tag. */
  async setManifest(repository: string, manifest: object | Uint8Array, options: SetManifestOptions = {}): Promise<SetManifestResult> {
    validateRepositoryName(repository);
    if (options.tag !== undefined) {
      validateTag(options.tag);
    }
    const content = manifest instanceof Uint8Array ? manifest : Buffer.from(JSON.stringify(manifest));
    const parsed = manifest instanceof Uint8Array ? parseManifestObject(content) : (manifest as OciManifestLike);
    const declared = typeof parsed?.mediaType === "string" ? parsed.mediaType : undefined;
    const mediaType = options.mediaType ?? declared ?? OCI_MANIFEST;
    const digest = await storeManifest(this.http, repository, content, mediaType, options.tag, options.abortSignal, parsed);
    return { digest };
  }

  /**
   * Puts the manifest a tag or digest names under another tag as well: the
   * same bytes, so the digest does not change.
   */
  async addTag(repository: string, tagOrDigest: string, tag: string, options: OperationOptions = {}): Promise<SetManifestResult> {
    validateRepositoryName(repository);
    validateTagOrDigest(tagOrDigest);
    validateTag(tag);
    const existing = await this.getManifest(repository, tagOrDigest, { abortSignal: options.abortSignal });
    const digest = await storeManifest(
      this.http,
      repository,
      existing.content,
      existing.mediaType,
      tag,
      options.abortSignal,
      existing.manifest,
    );
    if (digest !== existing.digest) {
      throw new DigestValidationError(existing.digest, digest, "manifest tagged");
    }
    return { digest };
  }

  /**
   * Decides what a clean-up with these rules would delete and keep (with the
   * reasons); changes nothing. See cleanup.ts.
   */
  planCleanup(repository: string, rules: CleanupRules, options: OperationOptions = {}): Promise<CleanupPlan> {
    return planCleanup(this, repository, rules, options);
  }

  /** Deletes what the plan lists, each entry re-checked first; every outcome reported, failures included. */
  executeCleanup(plan: CleanupPlan, options: ExecuteCleanupOptions = {}): Promise<CleanupResult> {
    return executeCleanup(this, plan, options);
  }

  /**
   * Artifacts that refer to this manifest through their `subject` (signatures,
   * SBOMs): the referrers API where the registry has it, else the fallback tag.
   */
  async listReferrers(repository: string, digest: string, options: ListReferrersOptions = {}): Promise<OciDescriptor[]> {
    validateRepositoryName(repository);
    validateDigest(digest);
    return listReferrers(this.http, repository, digest, options);
  }

  /**
   * Downloads a manifest, checked against the digest asked for and
   * `Docker-Content-Digest`. One asked for by digest is cached (it cannot
   * change); a tag is fetched each time.
   */
  async getManifest(repository: string, tagOrDigest: string, options: OperationOptions = {}): Promise<GetManifestResult> {
    validateRepositoryName(repository);
    validateTagOrDigest(tagOrDigest);
    return this.images.manifest(repository, tagOrDigest, options.abortSignal);
  }

  // --- Images: configs, sizes, referrer trees (images/, cached by digest) ---

  /**
   * The image config of an image manifest, or of an index's child for
   * `platform` (`os/architecture[/variant]`); an index without `platform`
   * fails with PlatformNotFoundError listing its platforms. Capped at 4 MiB
   * and checked against its digest.
   */
  async getImageConfig(repository: string, tagOrDigest: string, options: GetImageConfigOptions = {}): Promise<ImageConfigResult> {
    validateRepositoryName(repository);
    validateTagOrDigest(tagOrDigest);
    return this.images.imageConfig(repository, tagOrDigest, options);
  }

  /** Compressed size: an image's config and layers; an index's unique blobs over its children, with each child's size. */
  async getManifestSize(repository: string, tagOrDigest: string, options: OperationOptions = {}): Promise<ManifestSize> {
    validateRepositoryName(repository);
    validateTagOrDigest(tagOrDigest);
    const manifest = await this.images.manifest(repository, tagOrDigest, options.abortSignal);
    return manifestSize(this.images, repository, manifest, options.abortSignal);
  }

  /**
   * A repository's storage, each blob counted once over all its manifests,
   * split into shared (referenced by more than one) and exclusive bytes.
   */
  async getRepositorySize(
    repository: string,
    options: OperationOptions & { onProgress?: (progress: RepositorySizeProgress) => void } = {},
  ): Promise<RepositorySize> {
    validateRepositoryName(repository);
    const digests: string[] = [];
    for await (const manifest of this.listManifestProperties(repository, { abortSignal: options.abortSignal })) {
      digests.push(manifest.digest);
    }
    return repositorySize(this.images, repository, digests, options);
  }

  /** Referrers of a manifest and theirs (nested), each checked against its subject; mismatches set apart. */
  async getReferrerTree(repository: string, digest: string, options: OperationOptions & { depth?: number } = {}): Promise<ReferrerTree> {
    validateRepositoryName(repository);
    validateDigest(digest);
    return referrerTree(this.http, this.images, repository, digest, options);
  }

  // --- Whole-image transfer (transfers.ts, one copy between content stores each) ---

  /**
   * Pushes an image from an OCI layout directory (or a manifest and its blob
   * files): blobs several at a time (skipped when present, mounted from
   * `mountFrom` or a repository this client pushed to before, else uploaded
   * in one streaming request each), then the manifest.
   */
  async pushImage(repository: string, source: string | ImageSource, options: PushImageOptions = {}): Promise<PushImageResult> {
    validateRepositoryName(repository);
    if (options.tag !== undefined) {
      validateTag(options.tag);
    }
    const result = await pushImage(this.http, repository, source, {
      ...options,
      mountFrom: this.mountCandidates(repository, options.mountFrom),
    });
    this.rememberPushedTo(repository);
    return result;
  }

  /**
   * Pushes local files as an OCI artifact: one layer per file named by its
   * title annotation, the empty config, the manifest (under `tag`).
   */
  async pushFiles(repository: string, files: readonly ArtifactFile[], options: PushFilesOptions = {}): Promise<PushFilesResult> {
    validateRepositoryName(repository);
    if (options.tag !== undefined) {
      validateTag(options.tag);
    }
    const result = await pushFiles(this.http, repository, files, {
      ...options,
      mountFrom: this.mountCandidates(repository, options.mountFrom),
    });
    this.rememberPushedTo(repository);
    return result;
  }

  /**
   * The merged, read-only file system of an image (imageFiles/): layers
   * stream in and are cached by digest in `cacheDir`; nothing is extracted to
   * the host. For an index, `platform` picks the child.
   */
  openImageFilesystem(repository: string, tagOrDigest: string, options: OpenImageFilesystemOptions = {}): Promise<ImageFilesystem> {
    return openImageFilesystem(this, repository, tagOrDigest, options);
  }

  /** Pulls an image into an OCI layout directory; each blob appears there only once its digest checks out. */
  async pullImage(repository: string, tagOrDigest: string, layoutDir: string, options: PullImageOptions = {}): Promise<PullImageResult> {
    validateRepositoryName(repository);
    validateTagOrDigest(tagOrDigest);
    return pullImage(this.http, repository, tagOrDigest, layoutDir, options);
  }

  /**
   * Pulls one image manifest into a folder: manifest.json, config.json and
   * the layers named by their titles where safe (planFolderFiles). Pass the
   * result of getManifest to pull what was already fetched without fetching
   * it again. Files get their names only once every blob checked out.
   */
  async pullToFolder(
    repository: string,
    manifest: string | GetManifestResult,
    folder: string,
    options: PullBlobsOptions = {},
  ): Promise<PullToFolderResult> {
    validateRepositoryName(repository);
    if (typeof manifest === "string") {
      validateTagOrDigest(manifest);
    } else {
      validateDigest(manifest.digest);
    }
    return pullToFolder(this.http, repository, manifest, folder, options);
  }

  /**
   * Pulls one image manifest into a docker-archive tarball that `docker load`
   * and skopeo's `docker-archive:` read (layers as the registry holds them);
   * the file appears only once complete. Pass the result of getManifest to
   * pull what was already fetched.
   */
  async pullDockerArchive(
    repository: string,
    manifest: string | GetManifestResult,
    archivePath: string,
    options: PullDockerArchiveOptions = {},
  ): Promise<PullDockerArchiveResult> {
    validateRepositoryName(repository);
    if (typeof manifest === "string") {
      validateTagOrDigest(manifest);
    } else {
      validateDigest(manifest.digest);
    }
    return pullDockerArchive(this.http, repository, manifest, archivePath, options);
  }

  /**
   * One repository of this registry as a content store, source and target
   * of copyContent (e.g. to copy an image between registries:
   * `copyContent(a.repositoryStore("x"), b.repositoryStore("y"), "v1", { tag: "v1" })`).
   */
  repositoryStore(repository: string, options: RepositoryStoreOptions = {}): RepositoryStore {
    validateRepositoryName(repository);
    for (const from of options.mountFrom ?? []) {
      validateRepositoryName(from);
    }
    return new RepositoryStore(this.http, repository, options);
  }

  /** Repositories pushed to lately (most recent first), offered as mounts to the next push. */
  private pushedRepositories: string[] = [];

  private mountCandidates(repository: string, given: string[] | undefined): string[] {
    return given ?? this.pushedRepositories.filter((name) => name !== repository);
  }

  private rememberPushedTo(repository: string): void {
    this.pushedRepositories = [repository, ...this.pushedRepositories.filter((name) => name !== repository)].slice(0, 8);
  }

  private metadata(options: OperationOptions): Promise<MetadataDialect> {
    if (!this.dialect) {
      const kind = this.options.registryKind;
      // Shared by every caller, so it runs without any one caller's abort signal.
      const probe = (kind ? Promise.resolve(kind) : detectRegistryKind(this.http, this.parsedEndpoint.hostname)).then((detected) =>
        createDialect(detected, this.http),
      );
      this.dialect = probe;
      // A failed probe is not remembered: the next call probes again.
      probe.catch(() => {
        if (this.dialect === probe) {
          this.dialect = undefined;
        }
      });
    }
    return raceAbort(this.dialect, options.abortSignal);
  }

  private async digestOf(repository: string, tagOrDigest: string, options: OperationOptions): Promise<string> {
    return resolveDigest(this.http, repository, tagOrDigest, options.abortSignal);
  }
}

/** A manifest's `subject.digest` when it is a well-formed digest; undefined otherwise (absent, or not one). */
function subjectDigestOf(manifest: { subject?: unknown }): string | undefined {
  const subject = manifest.subject;
  const digest = typeof subject === "object" && subject !== null ? (subject as { digest?: unknown }).digest : undefined;
  if (typeof digest !== "string") {
    return undefined;
  }
  try {
    return validateDigest(digest);
  } catch {
    return undefined;
  }
}
