// Public data shapes of the client library. Names and types follow the JS
// client `@azure/container-registry` so its users feel at home; fields a
// generic OCI registry cannot report are optional and left undefined rather
// than invented.

import type { AbortSignalLike } from "@azure/abort-controller";

/** Options every operation accepts. */
export interface OperationOptions {
  abortSignal?: AbortSignalLike;
}

/** What a registry can do beyond the OCI distribution API; probed once per client. */
export interface RegistryCapabilities {
  /** `"acr"` speaks Azure's `/acr/v1` metadata API; `"oci"` is any other registry. */
  kind: "acr" | "oci";
  /** Repository, manifest and tag properties (times, permissions) can be read and changed. */
  properties: boolean;
  /** Manifests and tags can be listed ordered by last-updated time by the server. */
  ordering: boolean;
  /** A tag can be deleted on its own. CNCF distribution 2.8 cannot (it is emulated, see deleteTag). */
  deleteTagDirectly: boolean;
}

/** The four permissions a registry attaches to repositories, manifests and tags. */
export interface ArtifactPermissions {
  canDelete?: boolean;
  canWrite?: boolean;
  canList?: boolean;
  canRead?: boolean;
}

export interface RepositoryProperties extends ArtifactPermissions {
  registryLoginServer: string;
  name: string;
  createdOn?: Date;
  lastUpdatedOn?: Date;
  manifestCount?: number;
  tagCount?: number;
}

export type ArtifactArchitecture = string;
export type ArtifactOperatingSystem = string;

/** A platform manifest inside an index (multi-arch image). */
export interface ArtifactManifestPlatform {
  digest: string;
  architecture?: ArtifactArchitecture;
  operatingSystem?: ArtifactOperatingSystem;
}

export interface ArtifactManifestProperties extends ArtifactPermissions {
  registryLoginServer: string;
  repositoryName: string;
  digest: string;
  sizeInBytes?: number;
  createdOn?: Date;
  lastUpdatedOn?: Date;
  architecture?: ArtifactArchitecture;
  operatingSystem?: ArtifactOperatingSystem;
  /** Platform manifests of an index; empty for a single manifest. */
  relatedArtifacts: ArtifactManifestPlatform[];
  tags: string[];
  mediaType?: string;
  configMediaType?: string;
  artifactType?: string;
}

export interface ArtifactTagProperties extends ArtifactPermissions {
  registryLoginServer: string;
  repositoryName: string;
  name: string;
  digest: string;
  createdOn?: Date;
  lastUpdatedOn?: Date;
}

export type ArtifactManifestOrder = "LastUpdatedOnDescending" | "LastUpdatedOnAscending";
export type ArtifactTagOrder = ArtifactManifestOrder;

export interface ListManifestPropertiesOptions extends OperationOptions {
  order?: ArtifactManifestOrder;
}

export interface ListTagPropertiesOptions extends OperationOptions {
  order?: ArtifactTagOrder;
  /** Only tags pointing at this manifest digest. */
  digest?: string;
}

/** The changeable attributes sent in an update; only the fields given change. */
export type UpdatePropertiesOptions = ArtifactPermissions & OperationOptions;

export interface DeleteRepositoryResult {
  deletedManifests: string[];
  deletedTags: string[];
}

/** Bytes moved so far; `totalBytes` when known. */
export interface TransferProgress {
  transferredBytes: number;
  totalBytes?: number;
}

export interface TransferOptions extends OperationOptions {
  onProgress?: (progress: TransferProgress) => void;
}

export interface UploadBlobOptions extends TransferOptions {
  /** Size of the data when it is a stream and known in advance; enables progress percentages. */
  sizeInBytes?: number;
}

export interface UploadBlobResult {
  digest: string;
  sizeInBytes: number;
}

export interface DownloadBlobOptions extends TransferOptions {
  /**
   * Free received buffers (the connection's reads, the body's records) once
   * they are parsed and copied into the stream's chunks, rather than at the
   * next garbage collection (http/bufferRelease.ts). Set it to false with an
   * HTTP client that keeps or shares the buffers of the bodies it returns.
   * The default value is true.
   */
  releaseBuffers?: boolean;
}

export interface DownloadBlobResult {
  digest: string;
  sizeInBytes?: number;
  /** The blob's bytes; errors with DigestValidationError if they do not match `digest`. */
  content: NodeJS.ReadableStream;
}

export interface SetManifestOptions extends OperationOptions {
  tag?: string;
  /** Defaults to the manifest's own `mediaType` field, else the OCI image manifest type. */
  mediaType?: string;
}

export interface SetManifestResult {
  digest: string;
}

export interface GetManifestResult {
  digest: string;
  mediaType: string;
  /** The parsed JSON document. */
  manifest: OciManifestLike;
  /** The exact bytes, as served and verified. */
  content: Uint8Array;
}

/** An OCI content descriptor (image-spec descriptor.md). */
export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
  platform?: { architecture: string; os: string; variant?: string; "os.version"?: string };
  urls?: string[];
}

/** Any manifest or index; the fields the library reads are typed, the rest kept. */
export interface OciManifestLike {
  schemaVersion?: number;
  mediaType?: string;
  artifactType?: string;
  config?: OciDescriptor;
  layers?: OciDescriptor[];
  manifests?: OciDescriptor[];
  subject?: OciDescriptor;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** Username and password (or token) for Basic auth and the distribution token service. */
export interface UsernamePasswordCredential {
  username: string;
  password: string;
}
