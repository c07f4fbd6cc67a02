// A node of the Azure group whose children are read once (ARM lists are
// short and come whole, the SDK following nextLink), kept until a refresh,
// and replaced by a row with an action when reading them fails.

import { TreeNode } from "../../tree/treeNode";
import type { AzureAccount } from "../sessionSource";
import { rowForError } from "./azureRowNode";

export abstract class AzureListNode extends TreeNode {
  private loading?: Promise<TreeNode[]>;
  private loaded: readonly TreeNode[] = [];
  /** Bumped by reset: a listing started before it does not overwrite the newer one. */
  private generation = 0;

  /** The account sign-in rows under this node sign in with. */
  abstract readonly account: AzureAccount | undefined;

  protected abstract load(): Promise<TreeNode[]>;

  override getChildren(): Promise<TreeNode[]> {
    if (!this.loading) {
      const generation = this.generation;
      this.loading = this.load()
        .catch((error: unknown) => [rowForError(this, error, this.account)])
        .then((children) => {
          if (generation === this.generation) {
            this.loaded = children;
          }
          return children;
        });
    }
    return this.loading;
  }

  override reset(): void {
    this.generation++;
    this.loading = undefined;
    this.loaded = [];
  }

  override loadedChildren(): readonly TreeNode[] {
    return this.loaded;
  }
}
