// A docker-archive tarball (what `docker save` writes and `docker load`,
// skopeo's `docker-archive:` and podman read) as a content target
// (content/contentStore.ts). The tarball holds:
// - `manifest.json`: `[{ Config, RepoTags, Layers }]`, the file docker load
//   reads (moby image/tarexport "manifest.json");
// - every blob at `blobs/sha256/<hex>`, plus `oci-layout` and `index.json`,
//   the layout `docker save` has written since Docker 25, so the same file is
//   also an `oci-archive:` (for an OCI-typed image: skopeo's oci transport
//   skips manifests of docker media types in index.json).
//
// Layers are stored as the registry holds them (gzip or zstd compressed, or
// plain tar), byte for byte and verified by digest, not recompressed: docker
// load decompresses each layer file before it checks the config's diff_ids
// (moby tarexport load.go, archive.DecompressStream), and so does skopeo, so
// no bytes need rewriting and the archive stays as small as the image.
//
// A tar is written in order, while copyContent delivers blobs several at a
// time: each blob is first received into a verified file in a hidden staging
// folder beside the archive (verifiedBlobWriter.ts); when the manifest comes,
// the tarball is streamed from those files (tar-stream; no layer is held in
// memory) into a temporary file, which is renamed to the archive's name only
// once complete. A failed or cancelled copy removes the staging folder and
// the temporary file.

import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import * as tar from "tar-stream";
import type { ContentSource, ContentTarget, PushBlobOptions, PushManifestOptions } from "../content/contentStore";
import { parseManifest } from "../content/descriptors";
import { InvalidInputError } from "../errors";
import { isIndexMediaType, OCI_INDEX } from "../mediaTypes";
import type { OciDescriptor } from "../models";
import { parseReference, splitDigest } from "../reference";
import { REF_NAME_ANNOTATION } from "./imageLayout";
import { lstatNoLink } from "./safePaths";
import { type DiskWriteOptions, VerifiedBlobWriter } from "./verifiedBlobWriter";

export interface DockerArchiveStoreOptions extends DiskWriteOptions {
  /**
   * The names docker load gives the image (`RepoTags`), such as
   * `registry.example.com/app:v1`. Without any the image loads untagged.
   */
  repoTags?: readonly string[];
}

/** One entry of docker-archive's manifest.json (moby image/tarexport). */
export interface DockerArchiveManifestEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

export class DockerArchiveStore implements ContentTarget {
  private readonly writer: VerifiedBlobWriter;
  private readonly repoTags: string[];
  private stagingDir?: string;
  private tempArchive?: string;
  /** Verified blobs in the staging folder, by digest. */
  private readonly staged = new Map<string, string>();

  constructor(
    readonly archivePath: string,
    options: DockerArchiveStoreOptions = {},
  ) {
    this.writer = new VerifiedBlobWriter(options);
    this.repoTags = [...(options.repoTags ?? [])];
    for (const repoTag of this.repoTags) {
      // A full reference with a tag and no digest (docker load tags the image with each).
      const parsed = parseReference(repoTag);
      if (parsed.tag === undefined || parsed.digest !== undefined) {
        throw new InvalidInputError("repoTags", repoTag, "needs a tag and no digest (host/repository:tag)");
      }
    }
  }

  /** Nothing is there already: the archive is written whole from verified bytes. */
  hasBlob(): Promise<boolean> {
    return Promise.resolve(false);
  }

  async beginBlobs(blobs: readonly OciDescriptor[], concurrency: number): Promise<void> {
    await this.ensureStaging();
    this.writer.begin(blobs, concurrency);
  }

  endBlobs(): Promise<void> {
    return this.writer.end();
  }

  async pushBlob(descriptor: OciDescriptor, source: ContentSource, options: PushBlobOptions): Promise<"downloaded"> {
    const staging = await this.ensureStaging();
    const file = path.join(staging, splitDigest(descriptor.digest).join("-"));
    await this.writer.receive(descriptor, source, file, options);
    this.staged.set(descriptor.digest, file);
    return "downloaded";
  }

  /** Writes the archive once the image's manifest comes (its blobs are all staged and verified). */
  async pushManifest(descriptor: OciDescriptor, content: Uint8Array, options: PushManifestOptions = {}): Promise<void> {
    if (!options.root || isIndexMediaType(descriptor.mediaType)) {
      throw new InvalidInputError(
        "manifest",
        descriptor.digest,
        "is an index (multi-platform image); a docker-archive holds one platform's image",
      );
    }
    const manifest = parseManifest(content, descriptor.digest);
    if (!manifest.config) {
      throw new InvalidInputError("manifest", descriptor.digest, "has no config; docker load needs an image's config");
    }
    const blobs = [manifest.config, ...(manifest.layers ?? [])];
    for (const blob of blobs) {
      if (!this.staged.has(blob.digest)) {
        throw new InvalidInputError("manifest", descriptor.digest, `names ${blob.digest}, which was not received`);
      }
    }
    const entry: DockerArchiveManifestEntry = {
      Config: archiveBlobName(manifest.config.digest),
      RepoTags: this.repoTags,
      Layers: (manifest.layers ?? []).map((layer) => archiveBlobName(layer.digest)),
    };
    const rootDescriptor: OciDescriptor = {
      mediaType: descriptor.mediaType,
      digest: descriptor.digest,
      size: content.byteLength,
      ...(this.repoTags.length > 0 ? { annotations: { [REF_NAME_ANNOTATION]: this.repoTags[0] } } : {}),
    };
    await this.writeArchive(descriptor.digest, content, [...new Set(blobs.map((b) => b.digest))], entry, rootDescriptor);
  }

  async abandon(): Promise<void> {
    await this.cleanUp();
  }

  private async writeArchive(
    manifestDigest: string,
    manifest: Uint8Array,
    blobDigests: string[],
    entry: DockerArchiveManifestEntry,
    rootDescriptor: OciDescriptor,
  ): Promise<void> {
    const folder = path.dirname(this.archivePath);
    // The archive's name must not be a link (it would be replaced, not followed, but say so rather than surprise).
    await lstatNoLink(this.archivePath, "file");
    const temp = path.join(folder, `.${path.basename(this.archivePath)}.${randomBytes(4).toString("hex")}.partial`);
    this.tempArchive = temp;
    const pack = tar.pack();
    // O_EXCL: a link planted at the temporary name is not followed.
    const written = pipeline(pack, fs.createWriteStream(temp, { flags: "wx" }));
    // Until `written` is awaited, its rejection is the one the entry writes below see too.
    written.catch(() => undefined);
    try {
      const mtime = new Date(0);
      const addBytes = (name: string, bytes: Uint8Array): Promise<void> =>
        new Promise((resolve, reject) =>
          pack.entry({ name, mtime, mode: 0o644 }, Buffer.from(bytes), (error) => (error ? reject(error) : resolve())),
        );
      await addBytes("oci-layout", Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" })));
      await addBytes("index.json", Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [rootDescriptor] })));
      await addBytes(archiveBlobName(manifestDigest), manifest);
      for (const digest of blobDigests) {
        const file = this.staged.get(digest)!;
        const size = (await fs.promises.stat(file)).size;
        const sink = pack.entry({ name: archiveBlobName(digest), size, mtime, mode: 0o644 });
        await pipeline(fs.createReadStream(file), sink);
      }
      await addBytes("manifest.json", Buffer.from(JSON.stringify([entry])));
      pack.finalize();
      await written;
      await fsyncFile(temp);
      await fs.promises.rename(temp, this.archivePath);
      this.tempArchive = undefined;
    } catch (error) {
      pack.destroy();
      throw error;
    } finally {
      await this.cleanUp();
    }
  }

  private async ensureStaging(): Promise<string> {
    if (!this.stagingDir) {
      const folder = path.dirname(this.archivePath);
      await fs.promises.mkdir(folder, { recursive: true });
      // Beside the archive, so staging stays inside the chosen folder and on its file system.
      this.stagingDir = await fs.promises.mkdtemp(path.join(folder, `.${path.basename(this.archivePath)}.staging-`));
    }
    return this.stagingDir;
  }

  private async cleanUp(): Promise<void> {
    const staging = this.stagingDir;
    const temp = this.tempArchive;
    this.stagingDir = undefined;
    this.tempArchive = undefined;
    this.staged.clear();
    await Promise.all([
      staging ? fs.promises.rm(staging, { recursive: true, force: true }).catch(() => undefined) : undefined,
      temp ? fs.promises.rm(temp, { force: true }).catch(() => undefined) : undefined,
    ]);
  }
}

/** Where a blob lives inside the archive (the layout `docker save` writes since Docker 25). */
export function archiveBlobName(digest: string): string {
  const [algorithm, hex] = splitDigest(digest);
  return `blobs/${algorithm}/${hex}`;
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
