// Local files as an OCI artifact (image-spec manifest.md, "Guidelines for
// Artifact Usage"): one layer per file with its name in the
// `org.opencontainers.image.title` annotation (as oras pushes files), the
// empty config (`application/vnd.oci.empty.v1+json`, "Guidance for an Empty
// Descriptor"; so `artifactType` says what the artifact is), and the
// manifest, built in memory. Each file is hashed first: the manifest names
// every blob by digest, and a blob the registry has is then not sent.

import * as fs from "node:fs";
import * as path from "node:path";
import { InvalidInputError } from "../errors";
import { OCI_EMPTY, OCI_EMPTY_DIGEST, OCI_MANIFEST } from "../mediaTypes";
import type { OciDescriptor } from "../models";
import { TITLE_ANNOTATION } from "./folderFileNames";
import { LocalFilesSource } from "./localFilesSource";
import { hashFile } from "./verifiedFile";

/** What oras uses for files, and for an artifact without a type of its own. */
export const FILE_LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar";
export const DEFAULT_ARTIFACT_TYPE = "application/vnd.unknown.artifact.v1";

export interface FileArtifactOptions {
  /** The artifact's type. The default value is `application/vnd.unknown.artifact.v1`. */
  artifactType?: string;
  /** Manifest annotations. */
  annotations?: Record<string, string>;
  /** Read buffer per file while uploading. The default value is 256 KiB. */
  readBufferBytes?: number;
}

export interface ArtifactFile {
  path: string;
  /** The file's name in the artifact (its title). The default value is the file's base name. */
  name?: string;
}

/** Hashes the files and builds the artifact's manifest; the source then reads the files again to send them. */
export async function fileArtifactSource(
  files: readonly ArtifactFile[],
  options: FileArtifactOptions = {},
): Promise<{ source: LocalFilesSource; layers: OciDescriptor[] }> {
  const names = files.map((file) => file.name ?? path.basename(file.path));
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new InvalidInputError("files", duplicate, "two files have this name; an artifact's files need distinct names");
  }
  const layers: OciDescriptor[] = [];
  const blobs = [];
  for (const [i, file] of files.entries()) {
    const stats = await fs.promises.stat(file.path);
    if (!stats.isFile()) {
      throw new InvalidInputError("filePath", file.path, "is not a regular file");
    }
    const digest = await hashFile(file.path, "sha256:");
    layers.push({ mediaType: FILE_LAYER_MEDIA_TYPE, digest, size: stats.size, annotations: { [TITLE_ANNOTATION]: names[i] } });
    blobs.push({ digest, size: stats.size, mediaType: FILE_LAYER_MEDIA_TYPE, path: file.path });
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: options.artifactType ?? DEFAULT_ARTIFACT_TYPE,
    config: { mediaType: OCI_EMPTY, digest: OCI_EMPTY_DIGEST, size: 2, data: "e30=" },
    layers,
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
  const source = new LocalFilesSource(
    { manifest: Buffer.from(JSON.stringify(manifest)), mediaType: OCI_MANIFEST, blobs },
    { readBufferBytes: options.readBufferBytes, inMemoryBlobs: new Map([[OCI_EMPTY_DIGEST, Buffer.from("{}")]]) },
  );
  return { source, layers };
}
