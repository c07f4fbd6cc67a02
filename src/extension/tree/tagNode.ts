// A tag, under the manifest it points at.

import * as vscode from "vscode";
import type { ArtifactTagProperties } from "../../client/index";
import type { SavedRegistry } from "../connections";
import type { ManifestNode } from "./manifestNode";
import { appendDates, appendPermissions, iconFor, inlineCode, permissionBadges, permissionTokens } from "./permissions";
import { shortDigest } from "../format";
import { TreeNode } from "./treeNode";

export class TagNode extends TreeNode {
  readonly id: string;

  constructor(
    readonly parent: ManifestNode,
    public properties: ArtifactTagProperties,
  ) {
    super();
    this.id = `${parent.id}/tag:${properties.name}`;
  }

  get registry(): SavedRegistry {
    return this.parent.registry;
  }

  get repository(): string {
    return this.parent.repository;
  }

  get name(): string {
    return this.properties.name;
  }

  get digest(): string {
    return this.properties.digest;
  }

  getTreeItem(): vscode.TreeItem {
    const p = this.properties;
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = [shortDigest(p.digest), ...permissionBadges(p)].join(" · ");
    item.iconPath = iconFor(p, "tag");
    item.contextValue = `tag${this.parent.parent.capabilities.properties ? ";props" : ""}${permissionTokens(p)}`;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown("**Tag:** ").appendText(`${p.registryLoginServer}/${p.repositoryName}:${p.name}`);
    tooltip.appendMarkdown("\n\n**Digest:** ").appendCodeblock(p.digest, "text");
    if (this.parent.properties.mediaType) {
      tooltip.appendMarkdown(`**Media type:** ${inlineCode(this.parent.properties.mediaType)}`);
    }
    appendDates(tooltip, p.createdOn, p.lastUpdatedOn);
    appendPermissions(tooltip, p);
    item.tooltip = tooltip;
    return item;
  }
}
