// A platform manifest of an index: its own digest, architecture and OS, and
// under it the image's Files and Layers rows (imageFilesNodes.ts).

import * as vscode from "vscode";
import type { ArtifactManifestProperties } from "../../client/index";
import type { SavedRegistry } from "../connections";
import { shortDigest } from "../format";
import { PLATFORM_CONTEXT } from "./contextValues";
import { imageFilesRows } from "./imageFilesNodes";
import { platformNodeId } from "./nodeIds";
import type { ManifestScope } from "./scope";
import { accessibleRow } from "./tooltips";
import { TreeNode } from "./treeNode";

export class PlatformNode extends TreeNode {
  readonly id: string;
  private imageRows?: TreeNode[];

  constructor(
    readonly parent: TreeNode,
    /** The index that lists this platform. */
    readonly scope: ManifestScope,
    readonly platform: ArtifactManifestProperties["relatedArtifacts"][number],
  ) {
    super();
    this.id = platformNodeId(scope.registryNodeId, scope.repository, scope.digest, platform.digest);
  }

  get registry(): SavedRegistry {
    return this.scope.registry;
  }

  get repository(): string {
    return this.scope.repository;
  }

  get digest(): string {
    return this.platform.digest;
  }

  getTreeItem(): vscode.TreeItem {
    const unknown = vscode.l10n.t("unknown");
    const label = `${this.platform.operatingSystem ?? unknown}/${this.platform.architecture ?? unknown}`;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = shortDigest(this.platform.digest);
    item.iconPath = new vscode.ThemeIcon("vm");
    item.contextValue = PLATFORM_CONTEXT;
    item.tooltip = new vscode.MarkdownString(
      `**${vscode.l10n.t("Platform manifest")}**\n\n**${vscode.l10n.t("Digest:")}** `,
    ).appendCodeblock(this.platform.digest, "text");
    item.accessibilityInformation = accessibleRow(vscode.l10n.t("Platform manifest"), label, item.description);
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    this.imageRows ??= await imageFilesRows(this);
    return this.imageRows;
  }

  override reset(): void {
    this.imageRows = undefined;
  }
}
