// Paths inside a folder the library writes to (an OCI layout, a pull
// folder), which may already hold symbolic links put there by someone else
// (issue 11): a `blobs/sha256` that points elsewhere would take every blob
// out of the folder, a dangling `oci-layout` link would create its target,
// an `index.json` link would read another file's content into the layout.
// The folder the user chose is taken as it is (it may itself be a link);
// below it, nothing is followed: each directory the library makes or uses
// must be a real directory, and each file it reads or replaces must not be
// a link. Files are created with O_EXCL (`wx`), which does not follow a link
// at the name either.

import * as fs from "node:fs";
import * as path from "node:path";
import { ContainerRegistryClientError } from "../errors";

/** A path inside the folder written to is a symbolic link (or not what it should be); nothing was written through it. */
export class UnsafeLocalPathError extends ContainerRegistryClientError {
  override name = "UnsafeLocalPathError";
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`Refusing to use ${path}: ${reason}`);
  }
}

/** The stats of `file` without following a link; undefined when it does not exist; a link is refused. */
export async function lstatNoLink(file: string, expect: "file" | "directory"): Promise<fs.Stats | undefined> {
  let stats: fs.Stats;
  try {
    stats = await fs.promises.lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return undefined;
    }
    throw error;
  }
  if (stats.isSymbolicLink()) {
    throw new UnsafeLocalPathError(file, "it is a symbolic link, and the library does not follow links inside the folder it writes to");
  }
  if (expect === "directory" ? !stats.isDirectory() : !stats.isFile()) {
    throw new UnsafeLocalPathError(file, `it is not a ${expect}`);
  }
  return stats;
}

/**
 * Makes `root/<components…>` as real directories (root itself may be a
 * link the user chose), refusing any component that is a link. Resolves to
 * the directory's path.
 */
export async function ensureRealDirectory(root: string, ...components: string[]): Promise<string> {
  await fs.promises.mkdir(root, { recursive: true });
  let current = root;
  for (const component of components) {
    current = path.join(current, component);
    if (!(await lstatNoLink(current, "directory"))) {
      try {
        await fs.promises.mkdir(current);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
          throw error;
        }
      }
      // Made by us, or by someone else in between: either way it must be a real directory now.
      await lstatNoLink(current, "directory");
    }
  }
  return current;
}

/** The folder's real path (links and spellings resolved), the key under which its updates are serialised. */
export async function realFolder(folder: string): Promise<string> {
  return fs.promises.realpath(folder);
}
