// A row that only says something about the list it is in (e.g. that the
// registry's API cannot show what a filter asks for); it has no actions.

import * as vscode from "vscode";
import type { RegistryScope } from "./scope";
import { TreeNode } from "./treeNode";

export const NOTE_CONTEXT = "note";

export class NoteNode extends TreeNode {
  readonly id: string;

  constructor(
    readonly parent: TreeNode & { scope: RegistryScope },
    readonly text: string,
    name: string,
  ) {
    super();
    this.id = `${parent.id}/note:${name}`;
  }

  get scope(): RegistryScope {
    return this.parent.scope;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon("info");
    item.contextValue = NOTE_CONTEXT;
    item.tooltip = this.text;
    item.accessibilityInformation = { label: this.text };
    return item;
  }
}
