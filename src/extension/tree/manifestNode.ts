// A manifest, by digest. Its children are the platform manifests of an index
// (multi-arch image), then its tags, then its referrers by artifact type
// (manifestReferrers.ts). Referrers fallback tags (`sha256-<hex>`) are not
// shown as tags: the referrers they stand for are shown under their subject.

import * as vscode from "vscode";
import {
  type ArtifactManifestProperties,
  type ArtifactTagProperties,
  mapWithConcurrency,
  MediaTypes,
  type ReferrerNode,
  type ReferrerTree,
  subjectOfFallbackTag,
} from "../../client/index";
import { firstPage } from "../clientPaging";
import type { SavedRegistry } from "../connections";
import { formatBytes, relativeTime, shortDigest, sortedTags } from "../format";
import { manifestContext } from "./contextValues";
import { isCreatedSortedParent, readCreatedDate } from "./createdDates";
import { imageFilesRows } from "./imageFilesNodes";
import { ManifestReferrers } from "./manifestReferrers";
import { manifestNodeId } from "./nodeIds";
import { PagedChildren } from "./pagedChildren";
import { pagedChildren, type RetryableParent } from "./pagingNodes";
import { appendPermissions, iconFor, permissionBadges } from "./permissions";
import { PlatformNode } from "./platformNode";
import { manifestScope, type ManifestScope, type RepositoryScope } from "./scope";
import { TagNode } from "./tagNode";
import { accessibleRow, appendDates, inlineCode } from "./tooltips";
import { TreeNode } from "./treeNode";

/** The theme color of an untagged manifest's icon. */
export const UNTAGGED_COLOR = "disabledForeground";

/** Property reads in flight at once when an index's platform sizes are added up. */
const PLATFORM_SIZE_CONCURRENCY = 4;

export class ManifestNode extends TreeNode implements RetryableParent {
  readonly id: string;
  readonly scope: ManifestScope;
  /** Tags from the registry's tag list (with their own properties), where it has one filtered by digest (ACR). */
  private readonly pagedTags?: PagedChildren<TreeNode>;
  private tagNodes?: TagNode[];
  /** An index's size: the sum of its platform manifests' sizes, read once the row is first shown. */
  private platformsSize?: { state: "reading" } | { state: "read"; bytes: number } | { state: "failed" };
  readonly referrers: ManifestReferrers;
  /** A referrer shown under its subject (its referrers were read with the subject's). */
  readonly isReferrerRow: boolean;
  /** Where the registry reports no times: the config's `created`, read once the row is first shown. */
  private configCreated?: { state: "reading" } | { state: "read"; date?: Date };
  /** The row's own reads in flight (created date, platform sizes): each ends with a redraw of the row. */
  private readonly rowReads: Promise<unknown>[] = [];
  /** An image's Files and Layers rows, made once (they keep what they read). */
  private imageRows?: TreeNode[];

  constructor(
    readonly parent: TreeNode,
    parentScope: RepositoryScope,
    public properties: ArtifactManifestProperties,
    /** For a referrer shown under its subject: its row's id and its own referrers, read with its subject's. */
    referrerRow?: { id: string; referrers: ReferrerTree },
  ) {
    super();
    this.isReferrerRow = referrerRow !== undefined;
    this.id = referrerRow?.id ?? manifestNodeId(parentScope.registryNodeId, parentScope.repository, properties.digest);
    const scope = manifestScope(parentScope, properties.digest, properties.mediaType);
    this.scope = scope;
    this.referrers = new ManifestReferrers(
      this,
      scope,
      (parent, referrer, id) =>
        new ManifestNode(parent, parentScope, referrerProperties(properties, referrer), { id, referrers: referrer }),
      referrerRow?.referrers,
    );
    if (scope.capabilities.properties) {
      this.pagedTags = new PagedChildren<TreeNode>(async (settings) => {
        const client = await scope.client();
        const page = await firstPage(client.listTagProperties(scope.repository, { digest: scope.digest }).byPage(settings));
        return Object.assign(
          page.filter((tag) => !subjectOfFallbackTag(tag.name)).map((tag) => new TagNode(this, scope, tag)),
          { continuationToken: page.continuationToken },
        );
      }, scope.tree.pageSize);
    }
  }

  get registry(): SavedRegistry {
    return this.scope.registry;
  }

  get repository(): string {
    return this.scope.repository;
  }

  get digest(): string {
    return this.properties.digest;
  }

  get isIndex(): boolean {
    return MediaTypes.isIndexMediaType(this.properties.mediaType) || this.properties.relatedArtifacts.length > 0;
  }

  /**
   * A single-platform image (not an index, not an artifact): its Files and
   * Layers rows come first among its children. Where the listing gives no
   * media type the row is still an image unless it names an artifact type.
   */
  get isImage(): boolean {
    const mediaType = this.properties.mediaType;
    return (
      !this.isIndex &&
      !this.properties.artifactType &&
      (mediaType === undefined || mediaType === MediaTypes.OCI_MANIFEST || mediaType === MediaTypes.DOCKER_MANIFEST)
    );
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

  /**
   * Starts what the row reads to draw itself (created date, platform sizes,
   * referrers) and resolves once those reads are done. A reveal waits for it:
   * a row redrawn right after it was revealed loses its selection.
   */
  async settled(): Promise<void> {
    this.getTreeItem();
    await Promise.allSettled([...this.rowReads, this.referrers.settled()]);
  }

  getTreeItem(): vscode.TreeItem {
    const p = this.properties;
    const platforms = this.platforms;
    const tags = visibleTags(p.tags);
    const hasChildren = this.isImage || platforms.length > 0 || tags.length > 0 || this.referrers.hasChildren;
    const item = new vscode.TreeItem(
      shortDigest(p.digest),
      hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = this.id;
    const platform = this.isIndex
      ? vscode.l10n.t("{0} platforms", platforms.length)
      : p.operatingSystem || p.architecture
        ? `${p.operatingSystem ?? "?"}/${p.architecture ?? "?"}`
        : p.artifactType;
    // An index's own bytes say nothing about the image: its size is that of its platforms.
    const size = this.isIndex ? this.indexSize() : p.sizeInBytes;
    item.description = [
      tags.length ? sortedTags(tags).join(", ") : vscode.l10n.t("untagged"),
      platform,
      size !== undefined ? formatBytes(size) : undefined,
      p.lastUpdatedOn ? relativeTime(p.lastUpdatedOn) : this.createdDescription(),
      ...permissionBadges(p),
      ...this.referrers.badges(),
    ]
      .filter(Boolean)
      .join(" · ");
    item.iconPath = iconFor(p, this.isIndex ? "layers" : "package");
    if (p.tags.length === 0 && item.iconPath.color === undefined) {
      // Marked: a row no tag reaches is shown dimmed (ACR lists them; /v2 lists only tagged ones).
      item.iconPath = new vscode.ThemeIcon(item.iconPath.id, new vscode.ThemeColor(UNTAGGED_COLOR));
    }
    const repositoryPermissions = this.scope.repositoryPermissions();
    const tagPermissions = this.loadedChildren().flatMap((n) => (n instanceof TagNode ? [n.properties] : []));
    item.contextValue = manifestContext({
      properties: this.scope.capabilities.properties,
      isIndex: this.isIndex,
      permissions: p,
      repositoryPermissions,
      tagPermissions,
    });
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${vscode.l10n.t("Digest:")}** `).appendCodeblock(p.digest, "text");
    tooltip.appendMarkdown(`**${vscode.l10n.t("Media type:")}** ${inlineCode(p.mediaType ?? vscode.l10n.t("unknown"))}`);
    if (p.artifactType) {
      tooltip.appendMarkdown(`\n\n**${vscode.l10n.t("Artifact type:")}** ${inlineCode(p.artifactType)}`);
    }
    if (p.tags.length) {
      tooltip.appendMarkdown(`\n\n**${vscode.l10n.t("Tags:")}** `).appendText(sortedTags(p.tags).join(", "));
    } else {
      tooltip
        .appendMarkdown("\n\n")
        .appendText(vscode.l10n.t("Untagged: no tag points at this manifest; it is reached by its digest only."));
    }
    if (this.isIndex && size !== undefined) {
      tooltip
        .appendMarkdown(`\n\n**${vscode.l10n.t("Size:")}** `)
        .appendText(vscode.l10n.t("{0} across its {1} platforms", formatBytes(size), platforms.length));
    }
    if (p.sizeInBytes !== undefined) {
      const label = this.isIndex ? vscode.l10n.t("Index manifest itself:") : vscode.l10n.t("Size:");
      tooltip.appendMarkdown(`\n\n**${label}** `).appendText(vscode.l10n.t("{0} ({1} bytes)", formatBytes(p.sizeInBytes), p.sizeInBytes));
    }
    appendDates(tooltip, p.createdOn, p.lastUpdatedOn);
    appendPermissions(tooltip, p, repositoryPermissions, tagPermissions);
    item.tooltip = tooltip;
    item.accessibilityInformation = accessibleRow(
      this.isIndex ? vscode.l10n.t("Image index") : vscode.l10n.t("Manifest"),
      shortDigest(p.digest),
      item.description,
    );
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    if (this.isImage) {
      this.imageRows ??= await imageFilesRows(this);
    }
    const platforms = [...(this.imageRows ?? []), ...this.platforms.map((platform) => new PlatformNode(this, this.scope, platform))];
    if (this.pagedTags) {
      return [...platforms, ...(await pagedChildren(this, this.pagedTags)), ...(await this.referrers.children())];
    }
    // Without a tag list filtered by digest (plain OCI), the tags the manifest listing found are all there is.
    this.tagNodes ??= sortedTags(visibleTags(this.properties.tags)).map(
      (name) =>
        new TagNode(this, this.scope, {
          registryLoginServer: this.properties.registryLoginServer,
          repositoryName: this.repository,
          name,
          digest: this.digest,
        } satisfies ArtifactTagProperties),
    );
    return [...platforms, ...this.tagNodes, ...(await this.referrers.children())];
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
    this.platformsSize = undefined;
    this.referrers.reset();
    this.configCreated = undefined;
    this.rowReads.length = 0;
    this.imageRows = undefined;
  }

  /** The image's `created` from its config, once read (registries without times only). */
  get createdFromConfig(): Date | undefined {
    return this.configCreated?.state === "read" ? this.configCreated.date : undefined;
  }

  private createdDescription(): string | undefined {
    // An index has no config of its own, and an artifact's (artifactType set) is no image config.
    if (this.properties.createdOn || this.isIndex || this.properties.artifactType) {
      return undefined;
    }
    if (!this.configCreated) {
      const reading = { state: "reading" } as const;
      this.configCreated = reading;
      const read = readCreatedDate(this.scope).then((date) => {
        if (this.configCreated === reading) {
          this.configCreated = { state: "read", date };
          // A parent sorting its rows by this date re-sorts; else only this row changes.
          this.scope.tree.changed(isCreatedSortedParent(this.parent) && this.parent.sortedByCreated ? this.parent : this);
        }
      });
      this.rowReads.push(read);
    }
    const date = this.createdFromConfig;
    return date ? vscode.l10n.t("created {0}", relativeTime(date)) : undefined;
  }

  /** The sum of the platforms' sizes once read; starts reading it the first time it is asked for. */
  private indexSize(): number | undefined {
    if (!this.platformsSize) {
      this.platformsSize = { state: "reading" };
      this.rowReads.push(this.readPlatformsSize());
    }
    return this.platformsSize.state === "read" ? this.platformsSize.bytes : undefined;
  }

  private async readPlatformsSize(): Promise<void> {
    const reading = this.platformsSize;
    try {
      const client = await this.scope.client();
      const sizes = await mapWithConcurrency(this.platforms, PLATFORM_SIZE_CONCURRENCY, async (platform) => {
        const size = (await client.getManifestProperties(this.repository, platform.digest)).sizeInBytes;
        if (size === undefined) {
          throw new Error(`no size for ${platform.digest}`);
        }
        return size;
      });
      if (this.platformsSize === reading) {
        this.platformsSize = { state: "read", bytes: sizes.reduce((sum, size) => sum + size, 0) };
        this.scope.tree.changed(this);
      }
    } catch (error) {
      // The row simply shows no size: an unreadable platform (deleted, read-locked) is not an error of the tree.
      this.scope.tree.log.warn(`Could not add up the platform sizes of ${this.repository}@${this.digest}: ${(error as Error).message}`);
      if (this.platformsSize === reading) {
        this.platformsSize = { state: "failed" };
      }
    }
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

/** Tags shown as tags: not the fallback tags that stand for referrers (shown under their subject instead). */
function visibleTags(tags: readonly string[]): string[] {
  return tags.filter((t) => !subjectOfFallbackTag(t));
}

/** The row properties of a referrer, from its descriptor and manifest (the listing never had it). */
function referrerProperties(subject: ArtifactManifestProperties, referrer: ReferrerNode): ArtifactManifestProperties {
  return {
    registryLoginServer: subject.registryLoginServer,
    repositoryName: subject.repositoryName,
    digest: referrer.descriptor.digest,
    sizeInBytes: referrer.descriptor.size,
    relatedArtifacts: [],
    tags: [],
    mediaType: referrer.manifest.mediaType,
    artifactType: referrer.artifactType,
  };
}
