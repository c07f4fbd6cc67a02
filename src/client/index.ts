// The public surface of the client library, and the only door the extension
// uses. Nothing here (or below) imports `vscode`.

export { ContainerRegistryClient } from "./containerRegistryClient";
export type { ContainerRegistryClientOptions } from "./containerRegistryClient";
export type { ListReferrersOptions } from "./registry/referrers";
export type { RegistryKind } from "./dialect/detectDialect";
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
  ResponseTooLargeError,
  RegistryTlsError,
  RegistryTimeoutError,
  NotSupportedByRegistryError,
  DigestValidationError,
  InvalidInputError,
} from "./errors";
export type { RegistryErrorDetail } from "./errors";
export type { PagedAsyncIterableIterator, PageSettings, ContinuablePage } from "./paging";
export {
  validateRepositoryName,
  validateTag,
  validateDigest,
  validateTagOrDigest,
  isDigest,
  parseReference,
  formatReference,
} from "./reference";
export type { ArtifactReference } from "./reference";
export { parseEndpoint, isLoopbackHost } from "./endpoint";
export { sha256Digest, HashingStream } from "./digest";
export { redactUrl } from "./redact";
export { mapWithConcurrency, forEachWithConcurrency } from "./concurrency";
export { fileBlobSource } from "./layout/fileBlobSource";
export type { ReopenableBlobSource, UploadBlobData } from "./blobSource";
export * as MediaTypes from "./mediaTypes";
export { DEFAULT_TRANSFER_CONCURRENCY } from "./content/imageTransfer";
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
} from "./content/imageTransfer";
export { readImageLayout, layoutBlobPath } from "./layout/imageLayout";
export type { ImageSource, LocalBlob } from "./layout/imageLayout";
