// An OCI image layout directory (image-spec image-layout.md) as a content
// store (content/contentStore.ts): `oci-layout`, `index.json`, and every blob
// at `blobs/<algorithm>/<hex>`. As a target, each blob appears under its
// name only once verified (verifiedBlobWriter.ts), manifests are written
// whole (atomicFile.ts), and the root manifest enters index.json last, so
// the index never names an image the layout does not hold. skopeo
// (`oci:<dir>`), oras and crane read what it writes.

import * as fs from "node:fs";
import type { ReopenableBlobSource } from "../blobSource";
import type { ContentSource, ContentTarget, PushBlobOptions, PushManifestOptions } from "../content/contentStore";
import { digestOf } from "../digest";
import { DigestValidationError, InvalidInputError } from "../errors";
import type { OciDescriptor } from "../models";
import { splitDigest } from "../reference";
import { writeFileAtomically } from "./atomicFile";
import { openFileSource } from "./fileBlobSource";
import { addToLayoutIndex, ensureLayout, layoutBlobPath, readLayoutIndex, REF_NAME_ANNOTATION } from "./imageLayout";
import { ensureRealDirectory } from "./safePaths";
import { type DiskWriteOptions, VerifiedBlobWriter } from "./verifiedBlobWriter";

export interface OciLayoutStoreOptions extends DiskWriteOptions {
  /**
   * Read buffer per blob file when the layout is a source. The default value
   * is 256 KiB (fewer, larger reads; bench/README.md has the figures).
   */
  readBufferBytes?: number;
}

export class OciLayoutStore implements ContentSource, ContentTarget {
  private readonly writer: VerifiedBlobWriter;

  constructor(
    readonly layoutDir: string,
    private readonly options: OciLayoutStoreOptions = {},
  ) {
    this.writer = new VerifiedBlobWriter(options);
  }

  // --- source ---------------------------------------------------------------

  /** The manifest of index.json named `reference` (its `org.opencontainers.image.ref.name`) or with that digest. */
  async resolve(reference: string): Promise<OciDescriptor> {
    const index = await readLayoutIndex(this.layoutDir);
    const found = (index.manifests ?? []).filter((d) => d.annotations?.[REF_NAME_ANNOTATION] === reference || d.digest === reference);
    if (found.length !== 1) {
      throw new InvalidInputError(
        "reference",
        reference,
        `index.json of ${this.layoutDir} has ${found.length} manifests of that name or digest`,
      );
    }
    return found[0];
  }

  async fetchManifest(descriptor: OciDescriptor): Promise<Uint8Array> {
    const content = await fs.promises.readFile(layoutBlobPath(this.layoutDir, descriptor.digest));
    const actual = digestOf(content, splitDigest(descriptor.digest)[0]);
    if (actual !== descriptor.digest) {
      throw new DigestValidationError(descriptor.digest, actual, `manifest in ${this.layoutDir}`);
    }
    return content;
  }

  openBlob(descriptor: OciDescriptor): ReopenableBlobSource {
    return openFileSource(
      layoutBlobPath(this.layoutDir, descriptor.digest),
      descriptor.size,
      descriptor.digest,
      this.options.readBufferBytes ?? 256 * 1024,
    );
  }

  // --- target ---------------------------------------------------------------

  /**
   * A blob file under its final name was verified before it got that name;
   * its size must match too. A link there is not a blob this layout holds
   * (it is not followed; the verified file replaces it).
   */
  async hasBlob(descriptor: OciDescriptor): Promise<boolean> {
    const stats = await fs.promises.lstat(layoutBlobPath(this.layoutDir, descriptor.digest)).catch(() => undefined);
    return stats !== undefined && stats.isFile() && stats.size === descriptor.size;
  }

  async beginBlobs(blobs: readonly OciDescriptor[], concurrency: number): Promise<void> {
    await ensureLayout(this.layoutDir);
    this.writer.begin(blobs, concurrency);
  }

  endBlobs(): Promise<void> {
    return this.writer.end();
  }

  async pushBlob(descriptor: OciDescriptor, source: ContentSource, options: PushBlobOptions): Promise<"downloaded"> {
    await this.blobDirectory(descriptor.digest);
    await this.writer.receive(descriptor, source, layoutBlobPath(this.layoutDir, descriptor.digest), options);
    return "downloaded";
  }

  /** Writes the manifest blob; the root one (`root`) also enters index.json, named `tag` when given. */
  async pushManifest(descriptor: OciDescriptor, content: Uint8Array, options: PushManifestOptions = {}): Promise<void> {
    await ensureLayout(this.layoutDir);
    await this.blobDirectory(descriptor.digest);
    await writeFileAtomically(layoutBlobPath(this.layoutDir, descriptor.digest), content);
    if (options.root) {
      await addToLayoutIndex(
        this.layoutDir,
        { mediaType: descriptor.mediaType, digest: descriptor.digest, size: content.byteLength },
        options.tag,
      );
    }
  }

  /** `blobs/<algorithm>`, a real directory inside the layout (safePaths.ts). */
  private blobDirectory(digest: string): Promise<string> {
    return ensureRealDirectory(this.layoutDir, "blobs", splitDigest(digest)[0]);
  }
}
