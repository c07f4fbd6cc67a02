// A tag, under the manifest it points at.

import * as vscode from "vscode";
import type { ArtifactTagProperties } from "../../client/index";
import type { SavedRegistry } from "../connections";
import { shortDigest } from "../format";
import { tagContext } from "./contextValues";
import { tagNodeId } from "./nodeIds";
import { appendPermissions, iconFor, permissionBadges } from "./permissions";
import type { ManifestScope } from "./scope";
import { accessibleRow, appendDates, appendField, inlineCode } from "./tooltips";
import { TreeNode } from "./treeNode";

export class TagNode extends TreeNode {
  readonly id: string;

  constructor(
    readonly parent: TreeNode,
    /** The manifest the tag points at. */
    readonly scope: ManifestScope,
    public properties: ArtifactTagProperties,
  ) {
    super();
    this.id = tagNodeId(scope.registryNodeId, scope.repository, scope.digest, properties.name);
  }

  get registry(): SavedRegistry {
    return this.scope.registry;
  }

  get repository(): string {
    return this.scope.repository;
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
    const repositoryPermissions = this.scope.repositoryPermissions();
    item.contextValue = tagContext({ properties: this.scope.capabilities.properties, permissions: p, repositoryPermissions });
    const tooltip = new vscode.MarkdownString();
    appendField(tooltip, vscode.l10n.t("Tag:"), `${p.registryLoginServer}/${p.repositoryName}:${p.name}`, true);
    tooltip.appendMarkdown(`\n\n**${vscode.l10n.t("Digest:")}** `).appendCodeblock(p.digest, "text");
    if (this.scope.mediaType) {
      tooltip.appendMarkdown(`**${vscode.l10n.t("Media type:")}** ${inlineCode(this.scope.mediaType)}`);
    }
    appendDates(tooltip, p.createdOn, p.lastUpdatedOn);
    appendPermissions(tooltip, p, repositoryPermissions);
    item.tooltip = tooltip;
    item.accessibilityInformation = accessibleRow(vscode.l10n.t("Tag"), p.name, item.description);
    return item;
  }
}
