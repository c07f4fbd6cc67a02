// A repository; its children are its manifests, newest first where the
// registry can order them, a page at a time.

import * as vscode from "vscode";
import { type RegistryCapabilities, type RepositoryProperties, subjectOfFallbackTag } from "../../client/index";
import { firstPage } from "../clientPaging";
import type { SavedRegistry } from "../connections";
import { FILTERED_TOKEN, repositoryContext } from "./contextValues";
import { byCreatedDescending, type CreatedSortedParent } from "./createdDates";
import { describeManifestFilter, manifestMatches, type ManifestFilter } from "./filters";
import { ManifestNode } from "./manifestNode";
import { repositoryNodeId } from "./nodeIds";
import { PagedChildren } from "./pagedChildren";
import { NoteNode } from "./noteNode";
import { PagedListNode } from "./pagingNodes";
import { appendPermissions, iconFor, permissionBadges } from "./permissions";
import { type RegistryScope, repositoryScope, type RepositoryScope } from "./scope";
import { accessibleRow, appendDates } from "./tooltips";
import type { TreeNode } from "./treeNode";

/** Pages read at most for one filtered load before "Load more…" is shown instead. */
const FILTERED_PAGES_PER_LOAD = 10;

export class RepositoryNode extends PagedListNode implements CreatedSortedParent {
  readonly id: string;
  readonly scope: RepositoryScope;
  readonly paged: PagedChildren<TreeNode>;
  /** Read where the registry has properties (ACR); undefined elsewhere. */
  properties?: RepositoryProperties;
  /** Sort By Created: the loaded rows, newest image first by their configs' `created` (createdDates.ts). */
  sortedByCreated = false;
  /** Filter…: the manifests shown (tags matching a pattern, or untagged only). */
  filter?: ManifestFilter;

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
    this.paged = new PagedChildren<TreeNode>(
      async (settings) => {
        const client = await scope.client();
        const order = capabilities.ordering ? "LastUpdatedOnDescending" : undefined;
        const filter = this.filter;
        if (filter?.kind === "untagged" && !capabilities.properties) {
          // docs/protocols.md#acr-metadata-api: only ACR's _manifests lists untagged manifests; /v2 lists tags.
          return [
            new NoteNode(
              this,
              vscode.l10n.t("This registry's API lists manifests only through their tags: untagged ones are invisible here"),
              "untagged",
            ),
          ];
        }
        let continuationToken = settings.continuationToken;
        const shown: ManifestNode[] = [];
        // A filter may leave a page empty: read on, up to a few pages, so that "Load more…" is not all there is.
        for (let pages = 0; pages < (filter ? FILTERED_PAGES_PER_LOAD : 1); pages++) {
          const page = await firstPage(client.listManifestProperties(name, { order }).byPage({ ...settings, continuationToken }));
          // A referrers fallback index (tagged only `sha256-<hex>`) is shown as the referrers under its subject.
          const listed = page.filter((properties) => !isFallbackIndex(properties.tags));
          const wanted = filter ? listed.filter((properties) => manifestMatches(filter, properties.tags)) : listed;
          shown.push(...wanted.map((properties) => new ManifestNode(this, scope, properties)));
          continuationToken = page.continuationToken;
          if (shown.length > 0 || continuationToken === undefined) {
            break;
          }
        }
        return Object.assign(shown, { continuationToken });
      },
      tree.pageSize,
      (existing, repeated) => {
        // A plain registry's listing groups tags by digest a tag page at a time: a digest
        // with tags on two pages comes once per page. Its node gets the later page's tags.
        if (existing instanceof ManifestNode && repeated instanceof ManifestNode && existing.mergeTags(repeated.properties.tags)) {
          tree.changed(existing);
        }
      },
    );
  }

  override async getChildren(): Promise<TreeNode[]> {
    const rows = await super.getChildren();
    if (!this.sortedByCreated) {
      return rows;
    }
    // Only manifest rows move; "Load more…" and an error row stay last.
    const manifests = rows.filter((r): r is ManifestNode => r instanceof ManifestNode);
    return [
      ...byCreatedDescending(manifests, (m) => m.properties.createdOn ?? m.createdFromConfig),
      ...rows.filter((r) => !(r instanceof ManifestNode)),
    ];
  }

  get registry(): SavedRegistry {
    return this.scope.registry;
  }

  get capabilities(): RegistryCapabilities {
    return this.scope.capabilities;
  }

  /** Shows only the manifests the filter keeps (undefined: all); the list is read again. */
  setFilter(filter: ManifestFilter | undefined): void {
    this.filter = filter;
    this.paged.reset();
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
    const filter = this.filter ? [describeManifestFilter(this.filter)] : [];
    item.description = [...counts, ...permissionBadges(p), ...sorted, ...filter].join(" · ") || undefined;
    item.iconPath = iconFor(p, "repo");
    item.contextValue =
      repositoryContext({ properties: this.capabilities.properties, permissions: p }) + (this.filter ? FILTERED_TOKEN : "");
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown("**").appendText(`${this.registry.loginServer}/${this.name}`).appendMarkdown("**");
    if (counts.length) {
      tooltip.appendMarkdown("\n\n").appendText(counts.join(", "));
    }
    appendDates(tooltip, p?.createdOn, p?.lastUpdatedOn);
    appendPermissions(tooltip, p);
    if (!this.capabilities.properties) {
      tooltip
        .appendMarkdown("\n\n")
        .appendText(vscode.l10n.t("Untagged manifests are invisible to this registry's API: only tagged ones are listed."));
    }
    item.tooltip = tooltip;
    item.accessibilityInformation = accessibleRow(vscode.l10n.t("Repository"), this.name, item.description);
    return item;
  }
}

function isFallbackIndex(tags: readonly string[]): boolean {
  return tags.length > 0 && tags.every((t) => subjectOfFallbackTag(t) !== undefined);
}
