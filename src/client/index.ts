// The public surface of the client library, and the only door the extension
// uses. Nothing here (or below) imports `vscode`.

export { ContainerRegistryClient } from "./containerRegistryClient";
export type { ContainerRegistryClientOptions } from "./containerRegistryClient";
export type { ListReferrersOptions } from "./referrers";
export type { RegistryKind } from "./dialect/detectDialect";
export { isAzureContainerRegistryHost } from "./dialect/detectDialect";
export type { RetryOptions } from "./http/retryPolicy";
export type { RequestLogger } from "./http/requestLogPolicy";
export * from "./models";
export {
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
  InvalidRegistryResponseError,
  ReferrersTagConflictError,
  RegistryPagingError,
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
export { fileBlobSource } from "./transfer/blobSource";
export type { ReopenableBlobSource, UploadBlobData } from "./transfer/blobSource";
export * as MediaTypes from "./mediaTypes";
export { DEFAULT_TRANSFER_CONCURRENCY } from "./transfer/imageTransfer";
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
} from "./transfer/imageTransfer";
export { readImageLayout, layoutBlobPath } from "./transfer/imageLayout";
export type { ImageSource, LocalBlob } from "./transfer/imageLayout";
