// The base of every node in the registries tree. Nodes are small classes that
// keep their children (so expansion and in-place updates find the same object)
// and build their TreeItem on request; what a node needs from above comes in
// its scope object (scope.ts), not by walking its parents.

import type * as vscode from "vscode";
import type { Connections } from "../connections";
import type { Log } from "../log";
import type { TreeImageFiles } from "./imageFilesSource";

/** What nodes need from the outside. */
export interface TreeContext {
  readonly connections: Connections;
  readonly log: Log;
  /** The `containerRegistryExplorer.pageSize` setting. */
  readonly pageSize: () => number;
  /** The image-files feature, loaded on first use (an image's Files or Layers row expanded). */
  imageFiles(): Promise<TreeImageFiles>;
  /** Tells the view that this node (or the whole tree) changed. */
  changed(node?: TreeNode): void;
}

export abstract class TreeNode {
  /** Stable across refreshes: derived from the registry id and the item's name or digest. */
  abstract readonly id: string;
  abstract readonly parent: TreeNode | undefined;
  abstract getTreeItem(): vscode.TreeItem;

  getChildren(): Promise<TreeNode[]> {
    return Promise.resolve([]);
  }

  /** Forgets cached children so the next getChildren reads them again. */
  reset(): void {}

  /** The children read so far, without fetching anything. */
  loadedChildren(): readonly TreeNode[] {
    return [];
  }

  /** Removes a child after it was deleted; false when this node does not hold it. */
  removeChild(_child: TreeNode): boolean {
    return false;
  }
}
