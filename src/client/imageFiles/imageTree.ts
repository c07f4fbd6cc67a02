// The merged file system of an image, built entry by entry in layer order
// with the rules of image-spec layer.md: a later layer's entry replaces an
// earlier one (a directory over a directory merges), `.wh.<name>` deletes
// <name> of lower layers, `.wh..wh..opq` hides everything lower layers put in
// its directory, and a whiteout never hides what its own layer wrote
// ("Whiteouts": "only apply to resources in lower/parent layers"), which is
// why every node remembers the layer that last wrote it. Missing parent
// directories are created as the runtimes do (0755).

import type { ImageFileType, LayerEntry } from "./layerEntry";

export type LayerChange = "added" | "changed" | "deleted";

/** What one layer did to one path; a deletion carries the type and size of what it hid. */
export interface LayerChangeRecord {
  change: LayerChange;
  type: ImageFileType;
  size: number;
}

export type ChangeRecorder = Map<string, LayerChangeRecord>;

export interface FileContent {
  layerIndex: number;
  dataOffset: number;
  size: number;
}

export interface TreeNode {
  name: string;
  type: ImageFileType;
  size: number;
  mode: number;
  mtimeMs: number;
  uid: number;
  gid: number;
  linkTarget?: string;
  /** The layer that last wrote this entry (-1: the implicit root). */
  layerIndex: number;
  /** Where a file's (or a hard link's target's) bytes are. */
  content?: FileContent;
  children?: Map<string, TreeNode>;
  /** In a single layer's view: what the layer did to this path. */
  change?: LayerChange;
}

const IMPLICIT_DIRECTORY_MODE = 0o755;

export function newDirectory(name: string, layerIndex: number, mtimeMs = 0): TreeNode {
  return { name, type: "directory", size: 0, mode: IMPLICIT_DIRECTORY_MODE, mtimeMs, uid: 0, gid: 0, layerIndex, children: new Map() };
}

export class ImageTree {
  readonly root: TreeNode = newDirectory("", -1);
  /** Entries applied so far. */
  entryCount = 0;

  /**
   * Applies one entry of layer `layerIndex`. `changes`, when given, receives
   * what the entry did (the per-layer view: added, changed, deleted).
   */
  apply(layerIndex: number, entry: LayerEntry, changes?: ChangeRecorder): void {
    this.entryCount++;
    const components = entry.path === "" ? [] : entry.path.split("/");
    if (entry.whiteout === "file") {
      this.whiteout(layerIndex, components, changes);
      return;
    }
    if (entry.whiteout === "opaque") {
      const dir = this.ensureDirectory(components, layerIndex, entry.mtimeMs);
      this.hideLower(dir, layerIndex, entry.path, changes);
      return;
    }
    if (components.length === 0) {
      // The root's own entry ("./"): only its metadata.
      if (entry.type === "directory") {
        Object.assign(this.root, { mode: entry.mode, mtimeMs: entry.mtimeMs, uid: entry.uid, gid: entry.gid });
      }
      return;
    }
    const name = components[components.length - 1];
    const parent = this.ensureDirectory(components.slice(0, -1), layerIndex, entry.mtimeMs);
    const existing = parent.children!.get(name);
    if (changes) {
      const already = changes.get(entry.path)?.change;
      const change = already === "deleted" || (existing && existing.layerIndex < layerIndex) ? "changed" : (already ?? "added");
      changes.set(entry.path, { change, type: entry.type, size: entry.size });
    }
    if (entry.type === "directory" && existing?.type === "directory") {
      Object.assign(existing, { mode: entry.mode, mtimeMs: entry.mtimeMs, uid: entry.uid, gid: entry.gid, layerIndex });
      return;
    }
    const node: TreeNode = {
      name,
      type: entry.type,
      size: entry.size,
      mode: entry.mode,
      mtimeMs: entry.mtimeMs,
      uid: entry.uid,
      gid: entry.gid,
      layerIndex,
    };
    if (entry.linkTarget !== undefined) {
      node.linkTarget = entry.linkTarget;
    }
    if (entry.type === "directory") {
      node.children = new Map();
    } else if (entry.type === "file") {
      node.content = { layerIndex, dataOffset: entry.dataOffset, size: entry.size };
    } else if (entry.type === "hardlink") {
      // A hard link names an entry already in the image (this layer or a lower one), literally: no symlink is followed.
      const target = this.lookupLiteral(entry.linkTarget!.split("/"));
      if (target?.content) {
        node.content = target.content;
        node.size = target.content.size;
      }
    }
    parent.children!.set(name, node);
  }

  /** The node at `components` without following any symlink. */
  lookupLiteral(components: string[]): TreeNode | undefined {
    let node: TreeNode | undefined = this.root;
    for (const name of components) {
      node = node?.children?.get(name);
      if (!node) {
        return undefined;
      }
    }
    return node;
  }

  private whiteout(layerIndex: number, components: string[], changes?: ChangeRecorder): void {
    const name = components[components.length - 1];
    const parent = this.lookupLiteral(components.slice(0, -1));
    const victim = parent?.children?.get(name);
    if (victim && victim.layerIndex < layerIndex) {
      parent!.children!.delete(name);
    }
    changes?.set(components.join("/"), { change: "deleted", type: victim?.type ?? "other", size: victim?.size ?? 0 });
  }

  private hideLower(dir: TreeNode, layerIndex: number, dirPath: string, changes?: ChangeRecorder): void {
    for (const [name, child] of dir.children!) {
      const childPath = dirPath === "" ? name : `${dirPath}/${name}`;
      if (child.layerIndex < layerIndex) {
        dir.children!.delete(name);
        changes?.set(childPath, { change: "deleted", type: child.type, size: child.size });
      } else if (child.children) {
        this.hideLower(child, layerIndex, childPath, changes);
      }
    }
  }

  private ensureDirectory(components: string[], layerIndex: number, mtimeMs: number): TreeNode {
    let node = this.root;
    for (const name of components) {
      let child = node.children!.get(name);
      if (!child || child.type !== "directory") {
        // A lower layer's file or symlink in the way is replaced, as overlayfs shows an upper directory over a lower non-directory.
        child = newDirectory(name, layerIndex, mtimeMs);
        node.children!.set(name, child);
      }
      node = child;
    }
    return node;
  }
}
