// A folder of files named by their titles as a content target
// (content/contentStore.ts): what Pull to Folder writes (folderFileNames.ts
// has the names). Each blob is received into a verified hidden file in the
// folder (verifiedBlobWriter.ts; renames stay on one file system); only when
// the manifest comes, after every blob checked out, do the files get their
// names and manifest.json is written. A failed or cancelled copy removes
// what it staged, so it leaves no file behind.
//
// A folder holds one image manifest; an index is refused (pick a platform).

import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ContentSource, ContentTarget, PushBlobOptions, PushManifestOptions } from "../content/contentStore";
import { parseManifest } from "../content/descriptors";
import { InvalidInputError } from "../errors";
import { isIndexMediaType } from "../mediaTypes";
import type { OciDescriptor } from "../models";
import { writeFileAtomically } from "./atomicFile";
import { digestFileName, MANIFEST_FILE_NAME, planFolderFiles } from "./folderFileNames";
import { type DiskWriteOptions, VerifiedBlobWriter } from "./verifiedBlobWriter";

/** One file a pull into a folder wrote. */
export interface PulledFile {
  name: string;
  path: string;
  digest: string;
  size: number;
  kind: "manifest" | "config" | "layer";
}

export class FolderStore implements ContentTarget {
  /** The files written, manifest.json first; filled once the manifest is stored. */
  readonly files: PulledFile[] = [];
  private readonly writer: VerifiedBlobWriter;
  /** Verified blobs under hidden names, by digest, until the manifest names them. */
  private readonly staged = new Map<string, string>();

  constructor(
    readonly folder: string,
    options: DiskWriteOptions = {},
  ) {
    this.writer = new VerifiedBlobWriter(options);
  }

  /** Nothing counts as there already: every file is written from verified bytes. */
  hasBlob(): Promise<boolean> {
    return Promise.resolve(false);
  }

  async beginBlobs(blobs: readonly OciDescriptor[], concurrency: number): Promise<void> {
    await fs.promises.mkdir(this.folder, { recursive: true });
    this.writer.begin(blobs, concurrency);
  }

  endBlobs(): Promise<void> {
    return this.writer.end();
  }

  async pushBlob(descriptor: OciDescriptor, source: ContentSource, options: PushBlobOptions): Promise<"downloaded"> {
    // ".partial" is never a planned name (isSafeFileName), so a staged file cannot collide with one.
    const staged = path.join(this.folder, `.${digestFileName(descriptor.digest)}.${randomBytes(4).toString("hex")}.verified.partial`);
    await this.writer.receive(descriptor, source, staged, options);
    this.staged.set(descriptor.digest, staged);
    return "downloaded";
  }

  async pushManifest(descriptor: OciDescriptor, content: Uint8Array, options: PushManifestOptions = {}): Promise<void> {
    if (!options.root || isIndexMediaType(descriptor.mediaType)) {
      throw new InvalidInputError(
        "manifest",
        descriptor.digest,
        "is an index (multi-platform image); a folder holds one platform's manifest",
      );
    }
    const plan = planFolderFiles(parseManifest(content, descriptor.digest), this.folder);
    await fs.promises.mkdir(this.folder, { recursive: true });
    const manifestPath = path.join(this.folder, MANIFEST_FILE_NAME);
    await writeFileAtomically(manifestPath, content);
    this.files.push({
      name: MANIFEST_FILE_NAME,
      path: manifestPath,
      digest: descriptor.digest,
      size: content.byteLength,
      kind: "manifest",
    });
    for (const [i, file] of plan.entries()) {
      const staged = this.staged.get(file.descriptor.digest);
      if (!staged) {
        throw new InvalidInputError("manifest", descriptor.digest, `names ${file.descriptor.digest}, which was not received`);
      }
      const target = path.join(this.folder, file.name);
      if (plan.slice(i + 1).some((later) => later.descriptor.digest === file.descriptor.digest)) {
        // A blob two files share: copied for all but the last, which takes the verified file itself.
        const copy = `${staged}.${randomBytes(4).toString("hex")}.partial`;
        await fs.promises.copyFile(staged, copy);
        await fs.promises.rename(copy, target);
      } else {
        await fs.promises.rename(staged, target);
        this.staged.delete(file.descriptor.digest);
      }
      this.files.push({ name: file.name, path: target, digest: file.descriptor.digest, size: file.descriptor.size, kind: file.kind });
    }
  }

  async abandon(): Promise<void> {
    const staged = [...this.staged.values()];
    this.staged.clear();
    await Promise.all(staged.map((file) => fs.promises.rm(file, { force: true }).catch(() => undefined)));
  }
}
