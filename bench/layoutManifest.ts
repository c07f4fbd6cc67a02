// The benchmark image as a user of a per-blob API holds it: a manifest and one
// file per blob, read from the OCI layout that layout.ts generated.

import * as fs from "node:fs";
import * as path from "node:path";

export interface LayoutManifest {
  /** The manifest's exact bytes (its digest is what the registry stores). */
  bytes: Buffer;
  mediaType: string;
  /** Config first, then the layers, as the manifest lists them. */
  blobs: { digest: string; size: number }[];
}

export function blobPath(dir: string, digest: string): string {
  const [algorithm, hex] = digest.split(":");
  return path.join(dir, "blobs", algorithm, hex);
}

export function readLayoutManifest(dir: string): LayoutManifest {
  const index = JSON.parse(fs.readFileSync(path.join(dir, "index.json"), "utf8")) as { manifests: { digest: string }[] };
  const bytes = fs.readFileSync(blobPath(dir, index.manifests[0].digest));
  type Blob = { digest: string; size: number };
  const manifest = JSON.parse(bytes.toString("utf8")) as { mediaType: string; config: Blob; layers: Blob[] };
  return { bytes, mediaType: manifest.mediaType, blobs: [manifest.config, ...manifest.layers] };
}
