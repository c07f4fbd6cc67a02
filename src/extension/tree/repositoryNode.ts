// A repository; its children are its manifests, newest first where the
// registry can order them, a page at a time.

import * as vscode from "vscode";
import { type RegistryCapabilities, type RepositoryProperties, subjectOfFallbackTag } from "../../client/index";
import { firstPage } from "../clientPaging";
import type { SavedRegistry } from "../connections";
import { repositoryContext } from "./contextValues";
import { byCreatedDescending, type CreatedSortedParent } from "./createdDates";
import { ManifestNode } from "./manifestNode";
import { repositoryNodeId } from "./nodeIds";
import { PagedChildren } from "./pagedChildren";
import { PagedListNode } from "./pagingNodes";
import { appendPermissions, iconFor, permissionBadges } from "./permissions";
import { RegistryScope, repositoryScope, RepositoryScope } from "./scope";
import { accessibleRow, appendDates } from "./tooltips";
import type { TreeNode } from "./treeNode";

export class RepositoryNode extends PagedListNode implements CreatedSortedParent {
  readonly id: string;
  readonly scope: RepositoryScope;
  readonly paged: PagedChildren<TreeNode>;
  /** Read where the registry has properties (ACR); undefined elsewhere. */
  properties?: RepositoryProperties;
  /** Sort By Created: the loaded rows, newest image first by their configs' `created` (createdDates.ts). */
  sortedByCreated = false;

  constructor(
    readonly parent: TreeNode,
    parentScope: RegistryScope,
    readonly name: string,
    capabilities: RegistryCapabilities,
  ) {
    super();
    this.id = repositoryNodeId(parentScope.registryNodeId, name);
    const scope = repositoryScope(parentScope, name, capabilities, () => this.properties);
    this.scope = scope;
    const tree = scope.tree;
    this.paged = new PagedChildren<TreeNode>(async (settings) => {
      const client = await scope.client();
      const order = capabilities.ordering ? "LastUpdatedOnDescending" : undefined;
      const page = await firstPage(client.listManifestProperties(name, { order }).byPage(settings));
      return Object.assign(
        // A referrers fallback index (tagged only `sha256-<hex>`) is shown as the referrers under its subject.
        page.filter((properties) => !isFallbackIndex(properties.tags)).map((properties) => new ManifestNode(this, scope, properties)),
        { continuationToken: page.continuationToken },
      );
    }, tree.pageSize, (existing, repeated) => {
      // A plain registry's listing groups tags by digest a tag page at a time: a digest
      // with tags on two pages comes once per page. Its node gets the later page's tags.
      if (existing instanceof ManifestNode && repeated instanceof ManifestNode && existing.mergeTags(repeated.properties.tags)) {
        tree.changed(existing);
      }
    });
  }

  override async getChildren(): Promise<TreeNode[]> {
    const rows = await super.getChildren();
    if (!this.sortedByCreated) {
      return rows;
    }
    // Only manifest rows move; "Load more…" and an error row stay last.
    const manifests = rows.filter((r): r is ManifestNode => r instanceof ManifestNode);
    return [...byCreatedDescending(manifests, (m) => m.properties.createdOn ?? m.createdFromConfig), ...rows.filter((r) => !(r instanceof ManifestNode))];
  }

  get registry(): SavedRegistry {
    return this.scope.registry;
  }

  get capabilities(): RegistryCapabilities {
    return this.scope.capabilities;
  }

  /** Reads the repository's properties (times, counts, permissions); a failure only loses the decoration. */
  async loadProperties(): Promise<void> {
    try {
      const client = await this.scope.client();
      this.properties = await client.getRepositoryProperties(this.name);
    } catch (error) {
      this.scope.tree.log.warn(`Could not read the properties of ${this.name}: ${(error as Error).message}`);
    }
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    const p = this.properties;
    const counts =
      p?.tagCount !== undefined || p?.manifestCount !== undefined
        ? [vscode.l10n.t("{0} manifests", p?.manifestCount ?? "?"), vscode.l10n.t("{0} tags", p?.tagCount ?? "?")]
        : [];
    const sorted = this.sortedByCreated ? [vscode.l10n.t("loaded rows sorted by created")] : [];
    item.description = [...counts, ...permissionBadges(p), ...sorted].join(" · ") || undefined;
    item.iconPath = iconFor(p, "repo");
    item.contextValue = repositoryContext({ properties: this.capabilities.properties, permissions: p });
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown("**").appendText(`${this.registry.loginServer}/${this.name}`).appendMarkdown("**");
    if (counts.length) {
      tooltip.appendMarkdown("\n\n").appendText(counts.join(", "));
    }
    appendDates(tooltip, p?.createdOn, p?.lastUpdatedOn);
    appendPermissions(tooltip, p);
    item.tooltip = tooltip;
    item.accessibilityInformation = accessibleRow(vscode.l10n.t("Repository"), this.name, item.description);
    return item;
  }
}

function isFallbackIndex(tags: readonly string[]): boolean {
  return tags.length > 0 && tags.every((t) => subjectOfFallbackTag(t) !== undefined);
}
