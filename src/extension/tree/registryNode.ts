// A connected registry; its children are its repositories, a page at a time.

import * as vscode from "vscode";
import {
  forEachWithConcurrency,
  NotSupportedByRegistryError,
  RegistryAuthenticationError,
  type RegistryCapabilities,
  RegistryError,
} from "../../client/index";
import { firstPage } from "../clientPaging";
import type { SavedRegistry } from "../connections";
import { FILTERED_TOKEN, registryContext } from "./contextValues";
import { describePrefixFilter } from "./filters";
import { registryNodeId } from "./nodeIds";
import { PagedChildren } from "./pagedChildren";
import { ErrorNode, PagedListNode } from "./pagingNodes";
import { PartialListNode } from "./partialListNode";
import { RepositoryNode } from "./repositoryNode";
import { registryScope, type RegistryScope } from "./scope";
import { accessibleRow, appendField } from "./tooltips";
import type { TreeContext, TreeNode } from "./treeNode";

/** What the tree assumes of a registry whose capabilities could not be read (no metadata API, no ordering). */
const PLAIN_CAPABILITIES: RegistryCapabilities = { kind: "oci", properties: false, ordering: false, deleteTagDirectly: false };

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
  /** Nodes of the repositories added by name (Add Repository…, Open Reference), kept across refreshes of the catalog. */
  private added = new Map<string, RepositoryNode>();
  private readonly tree: TreeContext;
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
    this.tree = tree;
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

  /**
   * The catalog's page, with the repositories added by name first (those the
   * catalog lists too are shown once, where the catalog has them). Where the
   * catalog is refused or missing, the added ones and a row saying why.
   */
  override async getChildren(): Promise<TreeNode[]> {
    const listed = await super.getChildren();
    const addedNames = this.tree.connections
      .addedRepositories(this.registry.id)
      .filter((name) => this.namePrefix === undefined || name.startsWith(this.namePrefix));
    const refused = listed.find(
      (n): n is ErrorNode => n instanceof ErrorNode && catalogRefused(n.error, this.registry.auth === "anonymous"),
    );
    if (addedNames.length === 0 && !refused) {
      return listed;
    }
    const capabilities = this.capabilities ?? (await this.tree.connections.getCapabilities(this.registry).catch(() => PLAIN_CAPABILITIES));
    const listedIds = new Set(listed.map((n) => n.id));
    const next = new Map<string, RepositoryNode>();
    for (const name of addedNames) {
      next.set(name, this.added.get(name) ?? new RepositoryNode(this, this.scope, name, capabilities));
    }
    this.added = next;
    const added = [...next.values()].filter((n) => !listedIds.has(n.id));
    if (refused) {
      return [...added, new PartialListNode(this, (refused.error as Error).message)];
    }
    return [...added, ...listed];
  }

  override loadedChildren(): readonly TreeNode[] {
    return [...this.added.values(), ...super.loadedChildren()];
  }

  override removeChild(child: TreeNode): boolean {
    const wasAdded = [...this.added.entries()].find(([, node]) => node === child || node.id === child.id);
    if (wasAdded) {
      this.added.delete(wasAdded[0]);
      void this.tree.connections.forgetRepository(this.registry.id, wasAdded[0]);
    }
    return super.removeChild(child) || wasAdded !== undefined;
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
    const item = new vscode.TreeItem(this.registry.name ?? this.registry.loginServer, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    const authDescription = AUTH_DESCRIPTIONS[this.registry.auth](this.registry);
    const described = this.registry.name ? `${this.registry.loginServer} · ${authDescription}` : authDescription;
    item.description = this.namePrefix !== undefined ? `${described} · ${describePrefixFilter(this.namePrefix)}` : described;
    item.iconPath = new vscode.ThemeIcon(this.capabilities?.kind === "acr" ? "azure" : "server");
    item.contextValue = registryContext(this.registry.auth) + (this.namePrefix !== undefined ? FILTERED_TOKEN : "");
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown("**").appendText(this.registry.loginServer).appendMarkdown("**");
    appendField(tooltip, vscode.l10n.t("Endpoint:"), this.registry.endpoint);
    appendField(tooltip, vscode.l10n.t("Signed in with:"), authDescription);
    if (this.namePrefix !== undefined) {
      appendField(tooltip, vscode.l10n.t("Showing repositories starting with:"), this.namePrefix);
    }
    if (this.capabilities) {
      appendField(
        tooltip,
        vscode.l10n.t("Kind:"),
        this.capabilities.kind === "acr" ? vscode.l10n.t("Azure Container Registry") : vscode.l10n.t("OCI distribution registry"),
      );
      tooltip
        .appendMarkdown("\n\n")
        .appendText(
          this.capabilities.properties
            ? vscode.l10n.t("It reports item properties, so items can be locked and their permissions changed here.")
            : vscode.l10n.t("It reports no item properties, so there are no locks or permission toggles here."),
        );
      tooltip
        .appendMarkdown("\n\n")
        .appendText(
          this.capabilities.ordering
            ? vscode.l10n.t("Manifests are listed newest first.")
            : vscode.l10n.t("Manifests are listed in the registry's own order."),
        );
    }
    item.tooltip = tooltip;
    item.accessibilityInformation = accessibleRow(
      vscode.l10n.t("Registry"),
      this.registry.name ?? this.registry.loginServer,
      item.description,
    );
    return item;
  }
}

/**
 * The registry answered but will not list repositories (403, no catalog:
 * 404/405): repositories can still be reached by name. A refused sign-in
 * counts only for anonymous access (Docker Hub gives anonymous users no
 * catalog scope); with credentials it stays an error, whose fix is new ones.
 */
function catalogRefused(error: unknown, anonymous: boolean): boolean {
  if (error instanceof RegistryAuthenticationError || (error instanceof RegistryError && error.statusCode === 401)) {
    return anonymous;
  }
  return (
    error instanceof NotSupportedByRegistryError || (error instanceof RegistryError && [403, 404, 405].includes(error.statusCode ?? 0))
  );
}
