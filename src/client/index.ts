// The public surface of the client library, and the only door the extension
// uses. Nothing here (or below) imports `vscode`.

export { ContainerRegistryClient } from "./containerRegistryClient";
export type { ContainerRegistryClientOptions } from "./containerRegistryClient";
export type { ListReferrersOptions } from "./registry/referrers";
export type { RegistryKind } from "./dialect/detectDialect";
export { copyImage } from "./copyImage";
export type { CopyImageOptions, CopyImageResult, CopyImageSource, CopyImageTarget } from "./copyImage";
export { checkCleanupRules, rulesDeleteEveryCandidate } from "./cleanup";
export type {
  CleanupDeleteEntry,
  CleanupKeepEntry,
  CleanupKeepReason,
  CleanupPlan,
  CleanupResult,
  CleanupRules,
  ExecuteCleanupOptions,
} from "./cleanup";
export { isAzureContainerRegistryHost } from "./dialect/detectDialect";
export type { RetryOptions } from "./http/retryPolicy";
export type { RequestLogger } from "./http/requestLogPolicy";
export * from "./models";
export {
  ContainerRegistryClientError,
  RegistryError,
  RegistryAuthenticationError,
  RegistryPermissionError,
  RegistryNotFoundError,
  RegistryDeleteDisabledError,
  RegistryLockedError,
  ResponseTooLargeError,
  RegistryTlsError,
  RegistryTimeoutError,
  NotSupportedByRegistryError,
  DigestValidationError,
  InvalidInputError,
  InvalidRegistryResponseError,
  ReferrersTagConflictError,
  RegistryPagingError,
} from "./errors";
export type { RegistryErrorDetail } from "./errors";
export type { PagedAsyncIterableIterator, PageSettings, ContinuablePage } from "./paging";
export {
  validateRepositoryName,
  validateRepositoryPrefix,
  validateTag,
  validateDigest,
  validateTagOrDigest,
  isDigest,
  parseReference,
  formatReference,
} from "./reference";
export type { ArtifactReference } from "./reference";
export { parseImageReference, formatImageReference, isDockerHubHost, DOCKER_HUB_HOST, DOCKER_HUB_API_HOST } from "./imageReference";
export type { ImageReference } from "./imageReference";
export { parseEndpoint, isLoopbackHost } from "./endpoint";
export { probeRegistry, candidateOrigins, RegistryProbeError } from "./probeRegistry";
export type { RegistryProbe, RegistryAccess, ProbeOptions } from "./probeRegistry";
export { sha256Digest, HashingStream } from "./digest";
export { redactUrl } from "./redact";
export { mapWithConcurrency, forEachWithConcurrency } from "./concurrency";
export { fileBlobSource } from "./layout/fileBlobSource";
export type { ReopenableBlobSource, UploadBlobData } from "./blobSource";
export type { DownloadBlobToFileOptions, DownloadBlobToFileResult } from "./blobFileDownload";
export * as MediaTypes from "./mediaTypes";
export { DEFAULT_TRANSFER_CONCURRENCY } from "./content/copy";
export type {
  BlobPushOutcome,
  BlobTransferEvent,
  ImageTransferOptions,
  PushBlobsOptions,
  PushBlobsResult,
  PullBlobsOptions,
  PullBlobsResult,
  PushImageOptions,
  PushImageResult,
  PullImageOptions,
  PullImageResult,
  PullToFolderResult,
  PullDockerArchiveOptions,
  PullDockerArchiveResult,
  PushFilesOptions,
  PushFilesResult,
} from "./transfers";
export { readImageLayout, readLayoutIndex, layoutBlobPath, REF_NAME_ANNOTATION } from "./layout/imageLayout";
export type { ImageSource, LocalBlob } from "./layout/imageLayout";
// Content stores and the copy routine, for moving content between any two places.
export { copyContent } from "./content/copy";
export type { CopyOptions, CopyResult, CopyRoot } from "./content/copy";
export type {
  ContentSource,
  ContentTarget,
  PushBlobOptions,
  PushManifestOptions,
  SinkFillOptions,
  StoreOperationOptions,
} from "./content/contentStore";
export type { DownloadSink } from "./blobSink";
export { InvalidDescriptorError } from "./content/descriptors";
export type { RepositoryStore, RepositoryStoreOptions } from "./registry/repositoryStore";
export { OciLayoutStore } from "./layout/ociLayoutStore";
export type { OciLayoutStoreOptions } from "./layout/ociLayoutStore";
export { FolderStore } from "./layout/folderStore";
export { DockerArchiveStore, archiveBlobName } from "./layout/dockerArchiveStore";
export type { DockerArchiveStoreOptions, DockerArchiveManifestEntry } from "./layout/dockerArchiveStore";
export { selectPlatforms, platformName } from "./content/platformSubset";
export type { PlatformChoice } from "./content/platformSubset";
export type { PulledFile } from "./layout/folderStore";
export { LocalFilesSource } from "./layout/localFilesSource";
export { fileArtifactSource, FILE_LAYER_MEDIA_TYPE, DEFAULT_ARTIFACT_TYPE } from "./layout/fileArtifact";
export type { ArtifactFile, FileArtifactOptions } from "./layout/fileArtifact";
export { planFolderFiles, isSafeFileName, digestFileName, TITLE_ANNOTATION } from "./layout/folderFileNames";
export type { PlannedFile } from "./layout/folderFileNames";
export type { DiskWriteOptions } from "./layout/verifiedBlobWriter";
export { UnsafeLocalPathError } from "./layout/safePaths";
// Image files (issue 14): a read-only view of an image's file system from the registry.
export { openImageFilesystem } from "./imageFiles/openImageFilesystem";
export type { ImageFilesystemClient } from "./imageFiles/openImageFilesystem";
export { ImageFilesystem, ImageLayerView } from "./imageFiles/imageFilesystem";
export { LayerCache, DEFAULT_CACHE_MAX_BYTES } from "./imageFiles/layerCache";
export type { ReadOnlyBlobSource, CachedLayer } from "./imageFiles/layerCache";
export type { WastedFile, WastedSpaceSummary } from "./imageFiles/wastedSpace";
export {
  ImageContentError,
  UnsafeLayerEntryError,
  CorruptLayerError,
  LayerTooLargeError,
  UnsupportedLayerError,
  ImagePathError,
} from "./imageFiles/errors";
export type { ImagePathErrorCode } from "./imageFiles/errors";
export type {
  ImageFileType,
  LayerChange,
  ImageHistoryStep,
  ImageLayer,
  ImageFileStat,
  ImageDirectoryEntry,
  ReadOptions,
  ReadFileOptions,
  ImageFilesystemProgress,
  OpenImageFilesystemOptions,
  LayerChangeEntry,
} from "./imageFiles/models";
// Images: configs, sizes, referrer trees (images/).
export { PlatformNotFoundError, NotAnImageError } from "./imageErrors";
export type {
  ImageConfig,
  ImageConfigHistoryEntry,
  ImageRuntimeConfig,
  ImageConfigResult,
  GetImageConfigOptions,
  HistoryStep,
} from "./images/imageModels";
export { formatPlatform, parsePlatform } from "./platform";
export type { ImagePlatform } from "./platform";
export type { ManifestSize, PlatformSize, RepositorySize, RepositorySizeProgress } from "./images/imageSizes";
export { historySteps } from "./images/historySteps";
export { artifactKind, isSignatureKind, isSbomKind, subjectOfFallbackTag } from "./images/artifactKinds";
export type { ArtifactKind } from "./images/artifactKinds";
export type { ReferrerNode, ReferrerTree, MismatchedReferrer } from "./images/referrerTree";
export { MAX_CONFIG_BYTES } from "./images/fetchConfig";
