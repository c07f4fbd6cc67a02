// Tar entry names made safe before they reach the tree. OCI image-spec
// layer.md "Changesets": entries are paths relative to the root. A leading
// `/` or `./` is neutralised (GNU tar strips it too); `..`, NUL bytes and
// paths over PATH_MAX are refused, since no legitimate layer needs them and
// a client that extracts them would write outside its folder.

import { UnsafeLayerEntryError } from "./errors";

/** Linux PATH_MAX; a longer name is not something any file system could hold. */
export const MAX_PATH_BYTES = 4096;

/** image-spec layer.md "Whiteouts". */
export const WHITEOUT_PREFIX = ".wh.";
export const OPAQUE_WHITEOUT = ".wh..wh..opq";

/** A name shown in a message: quoted, control characters escaped, cut at 200 characters. */
export function printableName(name: string): string {
  return JSON.stringify(name.length > 200 ? name.slice(0, 200) + "…" : name);
}

/**
 * The entry's path as components below the image root (`[]` is the root
 * itself), or an UnsafeLayerEntryError.
 */
export function entryComponents(rawName: string, layerDigest: string): string[] {
  const refuse = (why: string): never => {
    throw new UnsafeLayerEntryError(`Layer ${layerDigest} has an entry ${printableName(rawName)} that ${why}`, {
      layerDigest,
      entryPath: printableName(rawName),
    });
  };
  if (rawName.includes("\0")) {
    refuse("contains a NUL byte");
  }
  if (Buffer.byteLength(rawName) > MAX_PATH_BYTES) {
    refuse(`is longer than ${MAX_PATH_BYTES} bytes`);
  }
  const components: string[] = [];
  for (const part of rawName.split("/")) {
    if (part === "" || part === ".") {
      continue;
    }
    if (part === "..") {
      refuse("climbs out of its directory with '..'");
    }
    components.push(part);
  }
  return components;
}

export type WhiteoutKind = { kind: "opaque" } | { kind: "whiteout"; hiddenName: string } | undefined;

/** Whether an entry's last component marks a deletion, and of what. */
export function whiteoutOf(name: string, layerDigest: string): WhiteoutKind {
  if (name === OPAQUE_WHITEOUT) {
    return { kind: "opaque" };
  }
  if (!name.startsWith(WHITEOUT_PREFIX)) {
    return undefined;
  }
  const hiddenName = name.slice(WHITEOUT_PREFIX.length);
  if (hiddenName === "" || hiddenName === "." || hiddenName === "..") {
    throw new UnsafeLayerEntryError(`Layer ${layerDigest} has a whiteout ${printableName(name)} that names no entry`, {
      layerDigest,
      entryPath: printableName(name),
    });
  }
  return { kind: "whiteout", hiddenName };
}

/** Components of a path given by a caller (`/etc/os-release`, `etc`, `/`); `..` is kept for the resolver. */
export function callerComponents(path: string): string[] {
  return path.split("/").filter((part) => part !== "" && part !== ".");
}
