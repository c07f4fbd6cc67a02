// The row under a registry that says its repository list is partial: the
// registry has no catalog or refuses it to these credentials (Docker Hub,
// GHCR without a token scope for it), so only repositories added by name are
// shown. It offers Add Repository… as its click.

import * as vscode from "vscode";
import { PARTIAL_LIST_CONTEXT } from "./contextValues";
import type { RegistryScope, ScopedNode } from "./scope";
import { TreeNode } from "./treeNode";

export class PartialListNode extends TreeNode {
  readonly id: string;

  constructor(
    readonly parent: ScopedNode,
    /** Why the catalog is missing, in words. */
    readonly reason: string,
  ) {
    super();
    this.id = `${parent.id}/partialList`;
  }

  get scope(): RegistryScope {
    return this.parent.scope;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t("Only repositories added by name are shown"), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.reason;
    item.tooltip = new vscode.MarkdownString()
      .appendText(vscode.l10n.t("The registry does not list its repositories here: {0}", this.reason))
      .appendMarkdown("\n\n")
      .appendText(vscode.l10n.t("Add Repository… shows one by its name."));
    item.iconPath = new vscode.ThemeIcon("info");
    item.contextValue = PARTIAL_LIST_CONTEXT;
    item.command = {
      command: "containerRegistryExplorer.addRepository",
      title: vscode.l10n.t("Add Repository…"),
      arguments: [this.parent],
    };
    item.accessibilityInformation = { label: vscode.l10n.t("Partial list: {0}. Add a repository by name.", this.reason), role: "button" };
    return item;
  }
}
