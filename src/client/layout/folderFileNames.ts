// The names the files of a pulled image get in a folder: manifest.json (the
// exact bytes), config.json, and one file per layer, named from its
// `org.opencontainers.image.title` annotation (what oras writes) where that
// is a safe single file name inside the folder, else by digest
// (sha256-<hex>). Titles come from the registry and are not trusted.

import * as path from "node:path";
import type { OciDescriptor, OciManifestLike } from "../models";

/** The annotation image-spec reserves for a file's name (annotations.md). */
export const TITLE_ANNOTATION = "org.opencontainers.image.title";
export const MANIFEST_FILE_NAME = "manifest.json";
export const CONFIG_FILE_NAME = "config.json";

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX_NAME_BYTES = 255;

export interface PlannedFile {
  name: string;
  kind: "config" | "layer";
  descriptor: OciDescriptor;
}

/**
 * Whether a name from the registry can be used as a file name directly
 * inside `folder`: one path component, no separators or traversal, nothing
 * Windows cannot store, not one of our temporary names, and nothing that
 * would resolve outside the folder.
 */
export function isSafeFileName(name: unknown, folder: string): name is string {
  if (typeof name !== "string" || name.length === 0 || Buffer.byteLength(name) > MAX_NAME_BYTES) {
    return false;
  }
  if (name === "." || name === ".." || name.trim() !== name || /[. ]$/.test(name)) {
    return false;
  }
  // Separators of every platform, NUL and control characters, and what Windows reserves.
  if (/[/\\<>:"|?*]/.test(name) || hasControlCharacter(name) || WINDOWS_RESERVED.test(name)) {
    return false;
  }
  // Temporary files look like ".<name>.<random>.partial".
  if (name.endsWith(".partial")) {
    return false;
  }
  const resolvedFolder = path.resolve(folder);
  const resolved = path.resolve(resolvedFolder, name);
  return path.dirname(resolved) === resolvedFolder && path.basename(resolved) === name;
}

function hasControlCharacter(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) {
      return true;
    }
  }
  return false;
}

/** `sha256:abc…` -> `sha256-abc…` (a colon is not allowed in Windows file names). */
export function digestFileName(digest: string): string {
  return digest.replace(/:/g, "-");
}

/** Names the files of an image manifest's config and layers; titles only where safe and unique, everything else by digest. */
export function planFolderFiles(manifest: OciManifestLike, folder: string): PlannedFile[] {
  const plan: PlannedFile[] = [];
  const taken = new Set([MANIFEST_FILE_NAME]);
  const config = manifest.config;
  if (config) {
    plan.push({ name: CONFIG_FILE_NAME, kind: "config", descriptor: config });
    taken.add(CONFIG_FILE_NAME);
  }
  for (const layer of manifest.layers ?? []) {
    const title = layer.annotations?.[TITLE_ANNOTATION];
    let name = isSafeFileName(title, folder) && !taken.has(title.toLowerCase()) ? title : digestFileName(layer.digest);
    if (taken.has(name.toLowerCase())) {
      // The same blob twice (or a title equal to another's digest name): one file is enough.
      if (plan.some((p) => p.name === name && p.descriptor.digest === layer.digest)) {
        continue;
      }
      name = `${digestFileName(layer.digest)}-${plan.length}`;
    }
    taken.add(name.toLowerCase());
    plan.push({ name, kind: "layer", descriptor: layer });
  }
  return plan;
}
