// A connected registry; its children are its repositories, a page at a time.

import * as vscode from "vscode";
import { forEachWithConcurrency, RegistryCapabilities } from "../../client/index";
import { firstPage } from "../clientPaging";
import type { SavedRegistry } from "../connections";
import { FILTERED_TOKEN, registryContext } from "./contextValues";
import { describePrefixFilter } from "./filters";
import { registryNodeId } from "./nodeIds";
import { PagedChildren } from "./pagedChildren";
import { PagedListNode } from "./pagingNodes";
import { RepositoryNode } from "./repositoryNode";
import { registryScope, RegistryScope } from "./scope";
import { accessibleRow, appendField } from "./tooltips";
import type { TreeContext, TreeNode } from "./treeNode";

/** Property reads in flight at once when a page of repositories is decorated with permissions. */
const PROPERTY_CONCURRENCY = 8;

const AUTH_DESCRIPTIONS: Record<SavedRegistry["auth"], (r: SavedRegistry) => string> = {
  anonymous: () => vscode.l10n.t("anonymous"),
  password: (r) => r.username ?? vscode.l10n.t("username and password"),
  microsoft: () => vscode.l10n.t("Microsoft account"),
  azureIdentity: () => vscode.l10n.t("Azure identity"),
  dockerConfig: () => vscode.l10n.t("Docker config"),
};

export class RegistryNode extends PagedListNode {
  readonly id: string;
  readonly scope: RegistryScope;
  readonly paged: PagedChildren<TreeNode>;
  /** Known once the first page was read. */
  capabilities?: RegistryCapabilities;
  /** Filter…: only the repositories whose names start with this. */
  private namePrefix?: string;

  constructor(
    readonly registry: SavedRegistry,
    tree: TreeContext,
    /** A node above it, when the registry is shown under another node; saved registries are roots. */
    readonly parent: TreeNode | undefined = undefined,
  ) {
    super();
    this.id = registryNodeId(registry.id, parent?.id);
    this.scope = registryScope(registry, this.id, tree);
    this.paged = new PagedChildren<TreeNode>(async (settings) => {
      const client = await this.scope.client();
      const capabilities = await tree.connections.getCapabilities(registry);
      if (!this.capabilities) {
        this.capabilities = capabilities;
        // The icon and tooltip say what kind of registry this is, known only now.
        setTimeout(() => tree.changed(this), 0);
      }
      const names = await firstPage(client.listRepositoryNames({ prefix: this.namePrefix }).byPage(settings));
      const nodes = names.map((name) => new RepositoryNode(this, this.scope, name, capabilities));
      if (capabilities.properties) {
        await forEachWithConcurrency(nodes, PROPERTY_CONCURRENCY, (node) => node.loadProperties());
      }
      return Object.assign(nodes, { continuationToken: names.continuationToken });
    }, tree.pageSize);
  }

  get prefix(): string | undefined {
    return this.namePrefix;
  }

  /** Shows only the repositories starting with `prefix` (undefined: all); the list is read again. */
  setPrefix(prefix: string | undefined): void {
    this.namePrefix = prefix || undefined;
    this.paged.reset();
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.registry.loginServer, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    const auth = AUTH_DESCRIPTIONS[this.registry.auth](this.registry);
    item.description = this.namePrefix !== undefined ? `${auth} · ${describePrefixFilter(this.namePrefix)}` : auth;
    item.iconPath = new vscode.ThemeIcon(this.capabilities?.kind === "acr" ? "azure" : "server");
    item.contextValue = registryContext(this.registry.auth) + (this.namePrefix !== undefined ? FILTERED_TOKEN : "");
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown("**").appendText(this.registry.loginServer).appendMarkdown("**");
    appendField(tooltip, vscode.l10n.t("Endpoint:"), this.registry.endpoint);
    appendField(tooltip, vscode.l10n.t("Signed in with:"), auth);
    if (this.namePrefix !== undefined) {
      appendField(tooltip, vscode.l10n.t("Showing repositories starting with:"), this.namePrefix);
    }
    if (this.capabilities) {
      appendField(tooltip, vscode.l10n.t("Kind:"), this.capabilities.kind === "acr" ? vscode.l10n.t("Azure Container Registry") : vscode.l10n.t("OCI distribution registry"));
      tooltip.appendMarkdown("\n\n").appendText(
        this.capabilities.properties
          ? vscode.l10n.t("It reports item properties, so items can be locked and their permissions changed here.")
          : vscode.l10n.t("It reports no item properties, so there are no locks or permission toggles here."),
      );
      tooltip.appendMarkdown("\n\n").appendText(
        this.capabilities.ordering ? vscode.l10n.t("Manifests are listed newest first.") : vscode.l10n.t("Manifests are listed in the registry's own order."),
      );
    }
    item.tooltip = tooltip;
    item.accessibilityInformation = accessibleRow(vscode.l10n.t("Registry"), this.registry.loginServer, item.description);
    return item;
  }
}
