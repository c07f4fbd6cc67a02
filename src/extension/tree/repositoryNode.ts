// A repository; its children are its manifests, newest first where the
// registry can order them, a page at a time.

import * as vscode from "vscode";
import type { RegistryCapabilities, RepositoryProperties } from "../../client/index";
import type { SavedRegistry } from "../connections";
import { ManifestNode } from "./manifestNode";
import { PagedListNode } from "./pagingNodes";
import { appendDates, appendPermissions, iconFor, permissionBadges, permissionTokens } from "./permissions";
import type { RegistryNode } from "./registryNode";
import { firstPage } from "../clientPaging";
import { PagedChildren, TreeContext, TreeNode } from "./treeNode";

export class RepositoryNode extends PagedListNode {
  readonly id: string;
  readonly paged: PagedChildren<TreeNode>;
  /** Read where the registry has properties (ACR); undefined elsewhere. */
  properties?: RepositoryProperties;

  constructor(
    readonly parent: RegistryNode,
    readonly name: string,
    readonly capabilities: RegistryCapabilities,
    private readonly ctx: TreeContext,
  ) {
    super();
    this.id = `${parent.id}/repository:${name}`;
    this.paged = new PagedChildren<TreeNode>(async (settings) => {
      const client = await ctx.connections.getClient(this.registry);
      const order = capabilities.ordering ? "LastUpdatedOnDescending" : undefined;
      const page = await firstPage(client.listManifestProperties(name, { order }).byPage(settings));
      return Object.assign(
        page.map((properties) => new ManifestNode(this, properties, ctx)),
        { continuationToken: page.continuationToken },
      );
    }, ctx.pageSize, (existing, repeated) => {
      // A plain registry's listing groups tags by digest a tag page at a time: a digest
      // with tags on two pages comes once per page. Its node gets the later page's tags.
      if (existing instanceof ManifestNode && repeated instanceof ManifestNode && existing.mergeTags(repeated.properties.tags)) {
        ctx.changed(existing);
      }
    });
  }

  get registry(): SavedRegistry {
    return this.parent.registry;
  }

  get registryId(): string {
    return this.registry.id;
  }

  /** Reads the repository's properties (times, counts, permissions); a failure only loses the decoration. */
  async loadProperties(): Promise<void> {
    try {
      const client = await this.ctx.connections.getClient(this.registry);
      this.properties = await client.getRepositoryProperties(this.name);
    } catch (error) {
      this.ctx.log.warn(`Could not read the properties of ${this.name}: ${(error as Error).message}`);
    }
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    const p = this.properties;
    const counts = p?.tagCount !== undefined || p?.manifestCount !== undefined ? [`${p?.manifestCount ?? "?"} manifests`, `${p?.tagCount ?? "?"} tags`] : [];
    item.description = [...counts, ...permissionBadges(p)].join(" · ") || undefined;
    item.iconPath = iconFor(p, "repo");
    item.contextValue = `repository${this.capabilities.properties ? ";props" : ""}${permissionTokens(p)}`;
    const tooltip = new vscode.MarkdownString(`**${this.registry.loginServer}/${this.name}**`);
    if (counts.length) {
      tooltip.appendMarkdown(`\n\n${counts.join(", ")}`);
    }
    appendDates(tooltip, p?.createdOn, p?.lastUpdatedOn);
    appendPermissions(tooltip, p);
    item.tooltip = tooltip;
    return item;
  }
}
