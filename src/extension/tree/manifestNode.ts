// A manifest, by digest. Its children are the platform manifests of an index
// (multi-arch image), then its tags.

import * as vscode from "vscode";
import { ArtifactManifestProperties, ArtifactTagProperties, MediaTypes } from "../../client/index";
import type { SavedRegistry } from "../connections";
import { firstPage } from "../clientPaging";
import { formatBytes, relativeTime, shortDigest, sortedTags } from "../format";
import { pagedChildren, RetryableParent } from "./pagingNodes";
import { appendDates, appendPermissions, iconFor, inlineCode, permissionBadges, permissionTokens } from "./permissions";
import type { RepositoryNode } from "./repositoryNode";
import { TagNode } from "./tagNode";
import { PagedChildren, TreeContext, TreeNode } from "./treeNode";

export class ManifestNode extends TreeNode implements RetryableParent {
  readonly id: string;
  /** Tags from the registry's tag list (with their own properties), where it has one filtered by digest (ACR). */
  private readonly pagedTags?: PagedChildren<TreeNode>;
  private tagNodes?: TagNode[];

  constructor(
    readonly parent: RepositoryNode,
    public properties: ArtifactManifestProperties,
    ctx: TreeContext,
  ) {
    super();
    this.id = `${parent.id}/manifest:${properties.digest}`;
    if (parent.capabilities.properties) {
      this.pagedTags = new PagedChildren<TreeNode>(async (settings) => {
        const client = await ctx.connections.getClient(this.registry);
        const page = await firstPage(client.listTagProperties(this.repository, { digest: this.digest }).byPage(settings));
        return Object.assign(
          page.map((tag) => new TagNode(this, tag)),
          { continuationToken: page.continuationToken },
        );
      }, ctx.pageSize);
    }
  }

  get registry(): SavedRegistry {
    return this.parent.registry;
  }

  get registryId(): string {
    return this.registry.id;
  }

  get repository(): string {
    return this.parent.name;
  }

  get digest(): string {
    return this.properties.digest;
  }

  get isIndex(): boolean {
    return MediaTypes.isIndexMediaType(this.properties.mediaType) || this.properties.relatedArtifacts.length > 0;
  }

  /** The index's platform manifests, once per digest (an index may list one twice; a node id is per digest). */
  get platforms(): ArtifactManifestProperties["relatedArtifacts"] {
    const seen = new Set<string>();
    return this.properties.relatedArtifacts.filter((p) => !seen.has(p.digest) && seen.add(p.digest));
  }

  /**
   * Adds tags found for this digest on a later page of the listing (a plain
   * registry groups tags by digest one tag page at a time). True when any were new.
   */
  mergeTags(tags: readonly string[]): boolean {
    const added = tags.filter((t) => !this.properties.tags.includes(t));
    if (added.length === 0) {
      return false;
    }
    this.properties = { ...this.properties, tags: [...this.properties.tags, ...added] };
    this.tagNodes = undefined;
    return true;
  }

  getTreeItem(): vscode.TreeItem {
    const p = this.properties;
    const platforms = this.platforms;
    const hasChildren = platforms.length > 0 || p.tags.length > 0;
    const item = new vscode.TreeItem(shortDigest(p.digest), hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const platform = this.isIndex
      ? `${platforms.length} platforms`
      : p.operatingSystem || p.architecture
        ? `${p.operatingSystem ?? "?"}/${p.architecture ?? "?"}`
        : p.artifactType;
    item.description = [
      p.tags.length ? sortedTags(p.tags).join(", ") : "untagged",
      platform,
      p.sizeInBytes !== undefined ? formatBytes(p.sizeInBytes) : undefined,
      p.lastUpdatedOn ? relativeTime(p.lastUpdatedOn) : undefined,
      ...permissionBadges(p),
    ]
      .filter(Boolean)
      .join(" · ");
    item.iconPath = iconFor(p, this.isIndex ? "layers" : "package");
    item.contextValue = `manifest${this.parent.capabilities.properties ? ";props" : ""}${this.isIndex ? ";index" : ""}${permissionTokens(p)}`;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown("**Digest:** ").appendCodeblock(p.digest, "text");
    tooltip.appendMarkdown(`**Media type:** ${inlineCode(p.mediaType ?? "unknown")}`);
    if (p.artifactType) {
      tooltip.appendMarkdown(`\n\n**Artifact type:** ${inlineCode(p.artifactType)}`);
    }
    if (p.tags.length) {
      tooltip.appendMarkdown("\n\n**Tags:** ").appendText(sortedTags(p.tags).join(", "));
    }
    if (p.sizeInBytes !== undefined) {
      tooltip.appendMarkdown(`\n\n**Size:** ${formatBytes(p.sizeInBytes)} (${p.sizeInBytes} bytes)`);
    }
    appendDates(tooltip, p.createdOn, p.lastUpdatedOn);
    appendPermissions(tooltip, p);
    item.tooltip = tooltip;
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const platforms = this.platforms.map((platform) => new PlatformNode(this, platform));
    if (this.pagedTags) {
      return [...platforms, ...(await pagedChildren(this, this.pagedTags))];
    }
    // Without a tag list filtered by digest (plain OCI), the tags the manifest listing found are all there is.
    this.tagNodes ??= sortedTags(this.properties.tags).map(
      (name) =>
        new TagNode(this, {
          registryLoginServer: this.properties.registryLoginServer,
          repositoryName: this.repository,
          name,
          digest: this.digest,
        } satisfies ArtifactTagProperties),
    );
    return [...platforms, ...this.tagNodes];
  }

  loadMore(): Promise<void> {
    return this.pagedTags?.loadMore() ?? Promise.resolve();
  }

  retry(): Promise<void> {
    return this.pagedTags?.retry() ?? Promise.resolve();
  }

  override reset(): void {
    this.pagedTags?.reset();
    this.tagNodes = undefined;
  }

  override loadedChildren(): readonly TreeNode[] {
    return this.pagedTags?.items ?? this.tagNodes ?? [];
  }

  override removeChild(child: TreeNode): boolean {
    if (!(child instanceof TagNode)) {
      return false;
    }
    this.properties = { ...this.properties, tags: this.properties.tags.filter((t) => t !== child.name) };
    this.tagNodes = this.tagNodes?.filter((n) => n.name !== child.name);
    this.pagedTags?.remove(child);
    return true;
  }
}

/** A platform manifest of an index: its own digest, architecture and OS. */
export class PlatformNode extends TreeNode {
  readonly id: string;

  constructor(
    readonly parent: ManifestNode,
    readonly platform: ArtifactManifestProperties["relatedArtifacts"][number],
  ) {
    super();
    this.id = `${parent.id}/platform:${platform.digest}`;
  }

  get registry(): SavedRegistry {
    return this.parent.registry;
  }

  get repository(): string {
    return this.parent.repository;
  }

  get digest(): string {
    return this.platform.digest;
  }

  getTreeItem(): vscode.TreeItem {
    const label = `${this.platform.operatingSystem ?? "unknown"}/${this.platform.architecture ?? "unknown"}`;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = shortDigest(this.platform.digest);
    item.iconPath = new vscode.ThemeIcon("vm");
    item.contextValue = "platform";
    item.tooltip = new vscode.MarkdownString("**Platform manifest**\n\n**Digest:** ").appendCodeblock(this.platform.digest, "text");
    return item;
  }
}
