// A connected registry; its children are its repositories, a page at a time.

import * as vscode from "vscode";
import { forEachWithConcurrency, RegistryCapabilities } from "../../client/index";
import type { SavedRegistry } from "../connections";
import { PagedListNode } from "./pagingNodes";
import { RepositoryNode } from "./repositoryNode";
import { firstPage, PagedChildren, TreeContext, TreeNode } from "./treeNode";

/** Property reads in flight at once when a page of repositories is decorated with permissions. */
const PROPERTY_CONCURRENCY = 8;

const AUTH_DESCRIPTIONS: Record<SavedRegistry["auth"], (r: SavedRegistry) => string> = {
  anonymous: () => "anonymous",
  password: (r) => r.username ?? "username and password",
  microsoft: () => "Microsoft account",
  azureIdentity: () => "Azure identity",
  dockerConfig: () => "Docker config",
};

export class RegistryNode extends PagedListNode {
  readonly id: string;
  readonly parent = undefined;
  readonly paged: PagedChildren<TreeNode>;
  /** Known once the first page was read. */
  capabilities?: RegistryCapabilities;

  constructor(
    readonly registry: SavedRegistry,
    ctx: TreeContext,
  ) {
    super();
    this.id = `registry:${registry.id}`;
    this.paged = new PagedChildren<TreeNode>(async (settings) => {
      const client = await ctx.connections.getClient(registry);
      const capabilities = await ctx.connections.getCapabilities(registry);
      if (!this.capabilities) {
        this.capabilities = capabilities;
        // The icon and tooltip say what kind of registry this is, known only now.
        setTimeout(() => ctx.changed(this), 0);
      }
      const names = await firstPage(client.listRepositoryNames().byPage(settings));
      const nodes = names.map((name) => new RepositoryNode(this, name, capabilities, ctx));
      if (capabilities.properties) {
        await forEachWithConcurrency(nodes, PROPERTY_CONCURRENCY, (node) => node.loadProperties());
      }
      return Object.assign(nodes, { continuationToken: names.continuationToken });
    }, ctx.pageSize);
  }

  get registryId(): string {
    return this.registry.id;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.registry.loginServer, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = AUTH_DESCRIPTIONS[this.registry.auth](this.registry);
    item.iconPath = new vscode.ThemeIcon(this.capabilities?.kind === "acr" ? "azure" : "server");
    item.contextValue = `registry;auth:${this.registry.auth}`;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${this.registry.loginServer}**\n\n`);
    tooltip.appendText(`Endpoint: ${this.registry.endpoint}`);
    tooltip.appendMarkdown(`\n\n`);
    tooltip.appendText(`Signed in with: ${item.description}`);
    if (this.capabilities) {
      tooltip.appendMarkdown(
        `\n\nKind: ${this.capabilities.kind === "acr" ? "Azure Container Registry" : "OCI distribution"}` +
          ` · properties ${this.capabilities.properties ? "yes" : "no"} · ordering ${this.capabilities.ordering ? "yes" : "no"}`,
      );
    }
    item.tooltip = tooltip;
    return item;
  }
}
