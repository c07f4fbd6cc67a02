// What the tree's image rows (Files, Layers, a layer, a file or folder) need
// from the image-files feature (src/extension/imageFiles/treeImageFiles.ts):
// the image opened and mounted as Browse Files mounts it, one layer alone, and
// listings. Only this interface is known here, so the tree does not load the
// feature until an image row is expanded.

import type * as vscode from "vscode";
import type { ImageFileStat } from "../../client/index";
import type { SavedRegistry } from "../connections";
import type { ManifestScope } from "./scope";
import type { TreeNode } from "./treeNode";

/** The row of one image (a manifest that is an image, or a platform of an index): where Files and Layers hang. */
export interface ImageRow extends TreeNode {
  readonly registry: SavedRegistry;
  readonly repository: string;
  /** The image manifest's digest (a platform's own). */
  readonly digest: string;
  readonly scope: ManifestScope;
}

/** A mounted view (the whole image, or one layer) as the rows read it. */
export interface TreeImageView {
  readDirectory(path: string): Promise<ImageFileStat[]>;
  /** Follows symlinks (inside the image only). */
  stat(path: string): Promise<ImageFileStat>;
}

export interface TreeImageFiles {
  /**
   * The image's merged view, opened with the cancellable progress of Browse
   * Files and mounted under the same `cre-image:` root (so a file opens as
   * the same document); resolves once every layer is merged. Rejects with
   * vscode.CancellationError when the user cancels.
   */
  openImage(row: ImageRow): Promise<vscode.Uri>;
  /** Layer `layer` alone (what it added, changed and deleted), mounted as Browse Layer mounts it; opens the image first. */
  openLayer(row: ImageRow, layer: number): Promise<vscode.Uri>;
  /** The view mounted at `root`. */
  view(root: vscode.Uri): Promise<TreeImageView>;
}
