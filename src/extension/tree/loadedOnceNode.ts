// A node whose children are read once, on first expansion, and kept: a
// failure becomes one error row (Retry reads again) and a cancellation a
// "Cancelled" row (a click, or expanding the row again, reads again), so
// expanding never throws into VS Code.

import type * as vscode from "vscode";
import { isCancellation } from "../cancellation";
import { CancelledNode } from "./cancelledNode";
import { ErrorNode, type RetryableParent } from "./pagingNodes";
import type { RegistryScope } from "./scope";
import { TreeNode } from "./treeNode";

export abstract class LoadedOnceNode extends TreeNode implements RetryableParent {
  abstract readonly scope: RegistryScope;
  private loading?: Promise<TreeNode[]>;
  private loaded?: TreeNode[];

  /** Reads the children; called again only after retry() or reset(). */
  protected abstract load(): Promise<TreeNode[]>;

  override getChildren(): Promise<TreeNode[]> {
    if (!this.loading) {
      const loading: Promise<TreeNode[]> = this.load().then(
        (children) => children,
        (error: unknown) => [isCancellation(error) ? new CancelledNode(this, error) : new ErrorNode(this, error)],
      );
      this.loading = loading;
      void loading.then((children) => {
        if (this.loading === loading) {
          this.loaded = children;
        }
      });
    }
    return this.loading;
  }

  loadMore(): Promise<void> {
    return Promise.resolve();
  }

  retry(): Promise<void> {
    this.reset();
    return Promise.resolve();
  }

  override reset(): void {
    this.loading = undefined;
    this.loaded = undefined;
  }

  /** The last read was cancelled: expanding the row again (retryCancelledOnExpand) reads again. */
  get wasCancelled(): boolean {
    return this.loaded?.length === 1 && this.loaded[0] instanceof CancelledNode;
  }

  override loadedChildren(): readonly TreeNode[] {
    return this.loaded ?? [];
  }
}

/** Expanding a row whose last read was cancelled reads it again (VS Code would show the cached "Cancelled" row). */
export function retryCancelledOnExpand(treeView: vscode.TreeView<TreeNode>, changed: (node: TreeNode) => void): vscode.Disposable {
  return treeView.onDidExpandElement(({ element }) => {
    if (element instanceof LoadedOnceNode && element.wasCancelled) {
      element.reset();
      changed(element);
    }
  });
}
