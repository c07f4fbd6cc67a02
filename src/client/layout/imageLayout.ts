// OCI image layout on disk (image-spec image-layout.md): `oci-layout`,
// `index.json`, and every blob at `blobs/<algorithm>/<hex>`. Whole-image push
// reads one; whole-image pull writes one, which skopeo (`oci:<dir>`), oras and
// crane read as well.

import * as fs from "node:fs";
import * as path from "node:path";
import { InvalidInputError } from "../errors";
import type { OciDescriptor, OciManifestLike } from "../models";
import { isIndexMediaType, OCI_INDEX, OCI_MANIFEST } from "../mediaTypes";
import { splitDigest, validateDigest } from "../reference";
import { dedupe } from "../content/descriptors";
import { serializeUpdates, writeFileAtomically } from "./atomicFile";
import { ensureRealDirectory, lstatNoLink, realFolder } from "./safePaths";

/** The annotation image-spec uses for a manifest's name (tag) in `index.json`. */
export const REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

/** One image as read from a layout: its manifest and where each of its blobs lives. */
export interface ImageSource {
  /** The manifest's exact bytes (pushed as they are, so the digest is kept). */
  manifest: Uint8Array;
  mediaType: string;
  /** Config first, then layers in manifest order. */
  blobs: LocalBlob[];
}

/** A blob in a local file, with the descriptor that names it. */
export interface LocalBlob {
  digest: string;
  size: number;
  mediaType?: string;
  path: string;
}

export function layoutBlobPath(layoutDir: string, digest: string): string {
  const [algorithm, hex] = splitDigest(digest);
  return path.join(layoutDir, "blobs", algorithm, hex);
}

/**
 * Reads the image manifest named `refName` (or the only one) from an OCI
 * image layout. Indexes (multi-platform images) are refused: push each
 * platform's manifest, then the index.
 */
export async function readImageLayout(layoutDir: string, refName?: string): Promise<ImageSource> {
  const index = await readLayoutIndex(layoutDir);
  const candidates = (index.manifests ?? []).filter(
    (descriptor) => refName === undefined || descriptor.annotations?.[REF_NAME_ANNOTATION] === refName,
  );
  if (candidates.length !== 1) {
    throw new InvalidInputError(
      "layoutDir",
      layoutDir,
      refName === undefined
        ? `index.json lists ${candidates.length} manifests; name the one to push (refName)`
        : `index.json has ${candidates.length} manifests named ${refName}`,
    );
  }
  const descriptor = candidates[0];
  validateDigest(descriptor.digest);
  if (isIndexMediaType(descriptor.mediaType)) {
    throw new InvalidInputError("layoutDir", layoutDir, "the manifest is an index; push its images one by one");
  }
  const manifest = await fs.promises.readFile(layoutBlobPath(layoutDir, descriptor.digest));
  const parsed = JSON.parse(manifest.toString("utf8")) as OciManifestLike;
  const descriptors: OciDescriptor[] = [...(parsed.config ? [parsed.config] : []), ...(parsed.layers ?? [])];
  const blobs = descriptors.map((d) => {
    validateDigest(d.digest);
    return { digest: d.digest, size: d.size, mediaType: d.mediaType, path: layoutBlobPath(layoutDir, d.digest) };
  });
  return { manifest, mediaType: parsed.mediaType ?? descriptor.mediaType ?? OCI_MANIFEST, blobs: dedupe(blobs) };
}

/** The layout's index.json. */
export async function readLayoutIndex(layoutDir: string): Promise<OciManifestLike> {
  return JSON.parse(await fs.promises.readFile(path.join(layoutDir, "index.json"), "utf8")) as OciManifestLike;
}

/** Creates `oci-layout` and an empty `blobs/sha256` when missing; refuses links among them and at index.json (safePaths.ts). */
export async function ensureLayout(layoutDir: string): Promise<void> {
  await ensureRealDirectory(layoutDir, "blobs", "sha256");
  const marker = path.join(layoutDir, "oci-layout");
  if (!(await lstatNoLink(marker, "file"))) {
    // O_EXCL: never through a link at that name (a dangling one would create its target).
    await fs.promises
      .writeFile(marker, JSON.stringify({ imageLayoutVersion: "1.0.0" }), { flag: "wx" })
      .catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") {
          throw error;
        }
      });
    await lstatNoLink(marker, "file");
  }
  // Checked now as well as when it is written, so that a pull refuses before it downloads anything.
  await lstatNoLink(path.join(layoutDir, "index.json"), "file");
}

/**
 * Adds (or replaces, by name) the manifest in `index.json`. Written to a
 * temporary name and renamed, so a reader never sees half an index.
 */
export async function addToLayoutIndex(layoutDir: string, descriptor: OciDescriptor, refName?: string): Promise<void> {
  const indexPath = path.join(layoutDir, "index.json");
  // One queue per folder, whatever its spelling (relative, trailing slash, through a link).
  return serializeUpdates(path.join(await realFolder(layoutDir), "index.json"), async () => {
    let index: OciManifestLike = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] };
    if (await lstatNoLink(indexPath, "file")) {
      index = JSON.parse(await fs.promises.readFile(indexPath, "utf8")) as OciManifestLike;
    }
    const entry: OciDescriptor = refName
      ? { ...descriptor, annotations: { ...descriptor.annotations, [REF_NAME_ANNOTATION]: refName } }
      : descriptor;
    const manifests = (index.manifests ?? []).filter((m) =>
      refName ? m.annotations?.[REF_NAME_ANNOTATION] !== refName : m.digest !== descriptor.digest,
    );
    index.manifests = [...manifests, entry];
    await writeFileAtomically(indexPath, JSON.stringify(index));
  });
}
