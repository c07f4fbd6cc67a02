// A manifest in memory and its blobs in local files (or small ones in
// memory) as a content source (content/contentStore.ts): an image read from
// a layout by readImageLayout, or the files of a "push files as artifact"
// (fileArtifact.ts). Files are read `readBufferBytes` at a time and reopened
// at an offset when an upload resumes.

import type { ReopenableBlobSource } from "../blobSource";
import { bytesSource } from "../blobSource";
import type { ContentSource } from "../content/contentStore";
import { sha256Digest } from "../digest";
import { InvalidInputError } from "../errors";
import type { OciDescriptor } from "../models";
import { openFileSource } from "./fileBlobSource";
import type { ImageSource } from "./imageLayout";

export class LocalFilesSource implements ContentSource {
  /** The manifest's descriptor (its digest is that of the exact bytes). */
  readonly root: OciDescriptor;
  private readonly paths = new Map<string, string>();

  constructor(
    private readonly image: ImageSource,
    private readonly options: { readBufferBytes?: number; inMemoryBlobs?: ReadonlyMap<string, Uint8Array> } = {},
  ) {
    this.root = { mediaType: image.mediaType, digest: sha256Digest(image.manifest), size: image.manifest.byteLength };
    for (const blob of image.blobs) {
      this.paths.set(blob.digest, blob.path);
    }
  }

  resolve(): Promise<OciDescriptor> {
    return Promise.resolve(this.root);
  }

  fetchManifest(descriptor: OciDescriptor): Promise<Uint8Array> {
    if (descriptor.digest !== this.root.digest) {
      return Promise.reject(new InvalidInputError("manifest", descriptor.digest, "is not the manifest of these files"));
    }
    return Promise.resolve(this.image.manifest);
  }

  openBlob(descriptor: OciDescriptor): ReopenableBlobSource {
    const bytes = this.options.inMemoryBlobs?.get(descriptor.digest);
    if (bytes) {
      return bytesSource(bytes, descriptor.digest);
    }
    const file = this.paths.get(descriptor.digest);
    if (file === undefined) {
      throw new InvalidInputError("blob", descriptor.digest, "the manifest names a blob that has no file");
    }
    return openFileSource(file, descriptor.size, descriptor.digest, this.options.readBufferBytes ?? 256 * 1024);
  }
}
