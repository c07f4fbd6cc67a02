// Path resolution inside the image only. A symlink's absolute target means
// the image's root, `..` stops at the root (as in a chroot), and at most 40
// symlinks are followed (Linux's MAXSYMLINKS): the host's file system is never
// consulted, whatever the links say.

import { callerComponents } from "./entryPath";
import { ImagePathError } from "./errors";
import type { ImageTree, TreeNode } from "./imageTree";

export const MAX_SYMLINK_HOPS = 40;

export interface Resolved {
  node: TreeNode;
  /** The canonical path of the node, from the root (`/` for the root). */
  path: string;
}

export function resolvePath(tree: ImageTree, path: string, followFinalSymlink: boolean): Resolved {
  if (path.includes("\0")) {
    throw new ImagePathError("ENOENT", JSON.stringify(path), "No such file or directory in the image");
  }
  const stack: TreeNode[] = [tree.root];
  const pending = callerComponents(path);
  let hops = 0;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name === "..") {
      if (stack.length > 1) {
        stack.pop();
      }
      continue;
    }
    const current = stack[stack.length - 1];
    if (current.type !== "directory") {
      throw new ImagePathError("ENOTDIR", path, "Not a directory in the image");
    }
    const child = current.children!.get(name);
    if (!child) {
      throw new ImagePathError("ENOENT", path, "No such file or directory in the image");
    }
    if (child.type === "symlink" && (pending.length > 0 || followFinalSymlink)) {
      if (++hops > MAX_SYMLINK_HOPS) {
        throw new ImagePathError("ELOOP", path, `More than ${MAX_SYMLINK_HOPS} symbolic links in the image`);
      }
      const target = child.linkTarget ?? "";
      if (target.startsWith("/")) {
        stack.length = 1;
      }
      pending.unshift(...callerComponents(target));
      continue;
    }
    stack.push(child);
  }
  return {
    node: stack[stack.length - 1],
    path:
      "/" +
      stack
        .slice(1)
        .map((node) => node.name)
        .join("/"),
  };
}
