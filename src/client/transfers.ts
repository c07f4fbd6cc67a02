// Whole-image transfers, each one call of the copy routine (content/copy.ts)
// between two content stores: pushImage (a layout, or a manifest and its
// files, to a repository), pullImage (a repository to a layout), pullToFolder
// (a repository to a folder of named files), pullDockerArchive (a repository
// to a tarball docker load reads) and pushFiles (local files as an artifact
// to a repository). The facade validates input and calls these.

import type { ContentTarget } from "./content/contentStore";
import { type BlobTransferEvent, checkConcurrency, copyContent, type CopyOptions } from "./content/copy";
import { type PlatformChoice, selectPlatforms } from "./content/platformSubset";
import { InvalidInputError } from "./errors";
import type { RegistryHttp } from "./http/registryHttp";
import { DockerArchiveStore } from "./layout/dockerArchiveStore";
import { type ArtifactFile, fileArtifactSource, type FileArtifactOptions } from "./layout/fileArtifact";
import { FolderStore, type PulledFile } from "./layout/folderStore";
import { type ImageSource, readImageLayout } from "./layout/imageLayout";
import { LocalFilesSource } from "./layout/localFilesSource";
import { OciLayoutStore } from "./layout/ociLayoutStore";
import type { DiskWriteOptions } from "./layout/verifiedBlobWriter";
import { isIndexMediaType } from "./mediaTypes";
import type { GetManifestResult, OciDescriptor } from "./models";
import { isDigest } from "./reference";
import { RepositoryStore, type RepositoryStoreOptions } from "./registry/repositoryStore";

export type { BlobPushOutcome } from "./content/contentStore";
export type { BlobTransferEvent } from "./content/copy";

export type ImageTransferOptions = Pick<CopyOptions, "abortSignal" | "concurrency" | "onProgress" | "onBlob">;

export interface PushBlobsOptions extends ImageTransferOptions, Omit<RepositoryStoreOptions, "mountFrom"> {
  /**
   * Repositories of the same registry that may hold the blobs; each missing
   * blob is first offered as a cross-repository mount from the first of them.
   */
  mountFrom?: string[];
  /** Read buffer per file. The default value is 256 KiB (bench/README.md, "figures moved from source comments"). */
  readBufferBytes?: number;
}

export interface PushBlobsResult {
  blobs: BlobTransferEvent[];
  /** Bytes sent as blob bodies (0 when everything existed or was mounted). */
  uploadedBytes: number;
}

export type PullBlobsOptions = ImageTransferOptions & DiskWriteOptions;

export interface PullBlobsResult {
  blobs: BlobTransferEvent[];
  downloadedBytes: number;
}

export interface PushImageOptions extends PushBlobsOptions {
  /** Tag for the pushed manifest; without one it is pushed by digest. */
  tag?: string;
  /** Which manifest of the layout's index.json to push (its `org.opencontainers.image.ref.name`); needed when there are several. */
  refName?: string;
}

export interface PushImageResult extends PushBlobsResult {
  /** The manifest's digest. */
  digest: string;
}

export interface PullImageOptions extends PullBlobsOptions {
  /** Name recorded in the layout's index.json. The default value is the tag pulled, if any. */
  refName?: string;
  /**
   * For an index (multi-platform image): "all" pulls it whole; a list of
   * platforms (`os/architecture[/variant]` or child digests) pulls an index
   * of only those (a new index, with a new digest). Without it an index is
   * refused.
   */
  platforms?: PlatformChoice;
}

export interface PullImageResult extends PullBlobsResult {
  digest: string;
  mediaType: string;
  layoutDir: string;
}

export interface PullToFolderResult extends PullBlobsResult {
  digest: string;
  mediaType: string;
  folder: string;
  /** manifest.json, config.json and the layers, as named in the folder. */
  files: PulledFile[];
}

export interface PushFilesOptions extends PushBlobsOptions, Omit<FileArtifactOptions, "readBufferBytes"> {
  /** Tag for the artifact's manifest; without one it is pushed by digest. */
  tag?: string;
}

export interface PushFilesResult extends PushImageResult {
  /** The layers of the pushed manifest, one per file, in the order given. */
  layers: OciDescriptor[];
}

export async function pushImage(
  http: RegistryHttp,
  repository: string,
  image: string | ImageSource,
  options: PushImageOptions = {},
): Promise<PushImageResult> {
  checkConcurrency(options.concurrency);
  const local = typeof image === "string" ? await readImageLayout(image, options.refName) : image;
  const source = new LocalFilesSource(local, { readBufferBytes: options.readBufferBytes });
  return pushFrom(http, repository, source, options);
}

export async function pushFiles(
  http: RegistryHttp,
  repository: string,
  files: readonly ArtifactFile[],
  options: PushFilesOptions = {},
): Promise<PushFilesResult> {
  checkConcurrency(options.concurrency);
  const { source, layers } = await fileArtifactSource(files, options);
  return { ...(await pushFrom(http, repository, source, options)), layers };
}

async function pushFrom(
  http: RegistryHttp,
  repository: string,
  source: LocalFilesSource,
  options: PushImageOptions,
): Promise<PushImageResult> {
  const target = new RepositoryStore(http, repository, options);
  const copied = await copyContent(source, target, { descriptor: source.root, content: await source.fetchManifest(source.root) }, options);
  return { blobs: copied.blobs, uploadedBytes: copied.transferredBytes, digest: copied.root.digest };
}

export async function pullImage(
  http: RegistryHttp,
  repository: string,
  tagOrDigest: string,
  layoutDir: string,
  options: PullImageOptions = {},
): Promise<PullImageResult> {
  checkConcurrency(options.concurrency);
  const refName = options.refName ?? (isDigest(tagOrDigest) ? undefined : tagOrDigest);
  const source = new RepositoryStore(http, repository);
  let root: string | { descriptor: OciDescriptor; content: Uint8Array } = tagOrDigest;
  if (options.platforms !== undefined) {
    const descriptor = await source.resolve(tagOrDigest, { abortSignal: options.abortSignal });
    const content = await source.fetchManifest(descriptor, { abortSignal: options.abortSignal });
    root = isIndexMediaType(descriptor.mediaType) ? selectPlatforms({ descriptor, content }, options.platforms) : { descriptor, content };
  }
  const copied = await copyContent(source, new OciLayoutStore(layoutDir, options), root, {
    ...options,
    tag: refName,
    onManifest: (descriptor, isRoot) => (options.platforms === undefined ? refuseIndex(descriptor, isRoot, tagOrDigest) : undefined),
  });
  return {
    blobs: copied.blobs,
    downloadedBytes: copied.transferredBytes,
    digest: copied.root.digest,
    mediaType: copied.root.mediaType,
    layoutDir,
  };
}

/**
 * Pulls one image manifest (a tag or digest, or a manifest already fetched,
 * which is then not fetched again) into a folder of files named by their
 * titles (layout/folderStore.ts).
 */
export async function pullToFolder(
  http: RegistryHttp,
  repository: string,
  manifest: string | GetManifestResult,
  folder: string,
  options: PullBlobsOptions = {},
): Promise<PullToFolderResult> {
  checkConcurrency(options.concurrency);
  const target = new FolderStore(folder, options);
  return { ...(await pullOneImage(http, repository, manifest, target, options)), folder, files: target.files };
}

export interface PullDockerArchiveOptions extends PullBlobsOptions {
  /** The names docker load gives the image, such as `registry.example.com/app:v1`. */
  repoTags?: readonly string[];
}

export interface PullDockerArchiveResult extends PullBlobsResult {
  digest: string;
  mediaType: string;
  archivePath: string;
}

/**
 * Pulls one image manifest (a tag or digest, or a manifest already fetched)
 * into a docker-archive tarball at `archivePath` (layout/dockerArchiveStore.ts),
 * which appears only once complete.
 */
export async function pullDockerArchive(
  http: RegistryHttp,
  repository: string,
  manifest: string | GetManifestResult,
  archivePath: string,
  options: PullDockerArchiveOptions = {},
): Promise<PullDockerArchiveResult> {
  checkConcurrency(options.concurrency);
  const target = new DockerArchiveStore(archivePath, options);
  return { ...(await pullOneImage(http, repository, manifest, target, options)), archivePath };
}

/**
 * One image manifest (a tag or digest, or a manifest already fetched, which
 * is then not fetched again; an index is refused) from the repository into
 * a target that holds one image: a folder, a docker-archive.
 */
async function pullOneImage(
  http: RegistryHttp,
  repository: string,
  manifest: string | GetManifestResult,
  target: ContentTarget,
  options: PullBlobsOptions,
): Promise<PullBlobsResult & { digest: string; mediaType: string }> {
  const root =
    typeof manifest === "string"
      ? manifest
      : {
          descriptor: { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.content.byteLength },
          content: manifest.content,
        };
  const reference = typeof manifest === "string" ? manifest : manifest.digest;
  const copied = await copyContent(new RepositoryStore(http, repository), target, root, {
    ...options,
    onManifest: (descriptor, isRoot) => refuseIndex(descriptor, isRoot, reference),
  });
  return {
    blobs: copied.blobs,
    downloadedBytes: copied.transferredBytes,
    digest: copied.root.digest,
    mediaType: copied.root.mediaType,
  };
}

function refuseIndex(descriptor: OciDescriptor, isRoot: boolean, reference: string): void {
  if (isRoot && isIndexMediaType(descriptor.mediaType)) {
    throw new InvalidInputError("tagOrDigest", reference, "names an index (multi-platform image); pull one platform's manifest by digest");
  }
}
