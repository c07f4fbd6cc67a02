// Drag a manifest or tag onto a repository or registry node to copy it there
// (Copy Image To… with the destination given by the drop): it asks for the
// tag (and, for a registry, the repository) and confirms before copying.

import * as vscode from "vscode";
import { showError } from "../notify";
import { isCancellation } from "../cancellation";
import { ManifestNode } from "../tree/manifestNode";
import { PlatformNode } from "../tree/platformNode";
import { RegistryNode } from "../tree/registryNode";
import { RepositoryNode } from "../tree/repositoryNode";
import { TagNode } from "../tree/tagNode";
import type { TreeNode } from "../tree/treeNode";
import { copyImageTo, type CopyImageCommandResult } from "./copyImage";
import type { CommandOptions, Services } from "./shared/commandServices";
import { targetFromNode } from "./shared/itemTargets";

/** The tree's own drag type (VS Code's rule: application/vnd.code.tree.<view id, lowercase>). */
export const TREE_DRAG_MIME = "application/vnd.code.tree.containerregistryexplorer.registries";

export class RegistryDragAndDropController implements vscode.TreeDragAndDropController<TreeNode> {
  readonly dragMimeTypes = [TREE_DRAG_MIME];
  readonly dropMimeTypes = [TREE_DRAG_MIME];
  /**
   * What a drop's prompts are answered with (tag, confirm, ...), for
   * programmatic callers and tests; empty for the user, who is asked.
   */
  dropOptions: CommandOptions = {};
  /** The outcome of the last drop, for the same callers. */
  lastDrop?: Promise<CopyImageCommandResult | undefined>;

  constructor(private readonly servicesOf: () => Services) {}

  private get services(): Services {
    return this.servicesOf();
  }

  handleDrag(source: readonly TreeNode[], dataTransfer: vscode.DataTransfer): void {
    const images = source.filter((node) => node instanceof ManifestNode || node instanceof TagNode || node instanceof PlatformNode);
    if (images.length > 0) {
      dataTransfer.set(TREE_DRAG_MIME, new vscode.DataTransferItem(images));
    }
  }

  async handleDrop(target: TreeNode | undefined, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    const item = dataTransfer.get(TREE_DRAG_MIME);
    const dragged = Array.isArray(item?.value) ? (item.value as TreeNode[]) : [];
    const destination =
      target instanceof RepositoryNode
        ? { registry: target.registry, repository: target.name }
        : target instanceof RegistryNode
          ? { registry: target.registry }
          : undefined;
    if (!destination || dragged.length === 0) {
      return;
    }
    this.lastDrop = this.copyAll(dragged, destination, token);
    await this.lastDrop;
  }

  private async copyAll(
    dragged: TreeNode[],
    destination: { registry: RegistryNode["registry"]; repository?: string },
    token: vscode.CancellationToken,
  ): Promise<CopyImageCommandResult | undefined> {
    const options = { ...this.dropOptions, cancellationToken: this.dropOptions.cancellationToken ?? token };
    const programmatic = Object.keys(this.dropOptions).length > 0;
    let last: CopyImageCommandResult | undefined;
    for (const node of dragged) {
      const source = targetFromNode(node);
      if (!source?.reference) {
        continue;
      }
      try {
        last = await copyImageTo(this.services, source, destination, options);
      } catch (error) {
        if (programmatic) {
          throw error;
        }
        if (!isCancellation(error)) {
          showError(this.services.log, vscode.l10n.t("Copy image"), error);
        }
        return undefined;
      }
    }
    return last;
  }
}
