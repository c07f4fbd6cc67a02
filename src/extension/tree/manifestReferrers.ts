// A manifest row's referrers (signatures, SBOMs, attestations): read once the
// row is first shown (so only for rows on screen), through the client's
// getReferrerTree (nested, each checked against its subject, cached by
// digest); shown as badges on the row and, below it, one group per artifact
// type with friendly names, each referrer a manifest row of its own with its
// referrers nested below. A referrer listed under the wrong subject is not
// shown as one: a warning row says how many were set apart.

import * as vscode from "vscode";
import { isSbomKind, isSignatureKind, type ReferrerNode, type ReferrerTree } from "../../client/index";
import { artifactKindName } from "../inspect/artifactNames";
import { shortDigest } from "../format";
import { referrerGroupNodeId, referrerNodeId } from "./nodeIds";
import type { ManifestScope } from "./scope";
import { TreeNode } from "./treeNode";

/** Makes the row of one referrer (a ManifestNode, passed in so this file does not import it). */
export type ReferrerRowFactory = (parent: TreeNode, referrer: ReferrerNode, id: string) => TreeNode;

type State = { state: "reading" } | { state: "read"; tree: ReferrerTree } | { state: "failed" };

export class ManifestReferrers {
  private current?: State;

  constructor(
    private readonly row: TreeNode,
    private readonly scope: ManifestScope,
    private readonly makeRow: ReferrerRowFactory,
    /** Known already (a referrer's own referrers, read with its subject's tree). */
    private readonly known?: ReferrerTree,
  ) {
    if (known) {
      this.current = { state: "read", tree: known };
    }
  }

  /** The tree once read; starts reading it the first time it is asked for. */
  peek(): ReferrerTree | undefined {
    if (!this.current) {
      void this.read();
    }
    return this.current?.state === "read" ? this.current.tree : undefined;
  }

  /** Whether the row has referrer children (as far as known). */
  get hasChildren(): boolean {
    const tree = this.peek();
    return !!tree && (tree.referrers.length > 0 || tree.mismatched.length > 0);
  }

  /** "signed", "SBOM", "attested": what the referrers are. */
  badges(): string[] {
    const referrers = this.peek()?.referrers ?? [];
    const badges: string[] = [];
    if (referrers.some((r) => isSignatureKind(r.kind))) {
      badges.push(vscode.l10n.t("signed"));
    }
    if (referrers.some((r) => isSbomKind(r.kind))) {
      badges.push(vscode.l10n.t("SBOM"));
    }
    if (referrers.some((r) => r.kind === "in-toto-attestation")) {
      badges.push(vscode.l10n.t("attested"));
    }
    return badges;
  }

  async children(): Promise<TreeNode[]> {
    if (!this.current || this.current.state === "reading") {
      await this.read();
    }
    const tree = this.current?.state === "read" ? this.current.tree : undefined;
    if (!tree) {
      return [];
    }
    const groups = new Map<string, ReferrerNode[]>();
    for (const referrer of tree.referrers) {
      groups.set(referrer.artifactType, [...(groups.get(referrer.artifactType) ?? []), referrer]);
    }
    const nodes: TreeNode[] = [...groups]
      .map(([artifactType, referrers]) => new ReferrerGroupNode(this.row, artifactType, referrers, this.makeRow))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (tree.mismatched.length) {
      nodes.push(new MismatchedReferrersNode(this.row, tree));
    }
    return nodes;
  }

  reset(): void {
    if (!this.known) {
      this.current = undefined;
    }
  }

  private reading?: Promise<void>;

  /** Resolves once the referrers being read (if any) are in. */
  settled(): Promise<void> {
    return this.reading ?? Promise.resolve();
  }

  private read(): Promise<void> {
    this.reading ??= (async () => {
      const reading: State = { state: "reading" };
      this.current = reading;
      try {
        const client = await this.scope.client();
        const tree = await client.getReferrerTree(this.scope.repository, this.scope.digest);
        if (this.current === reading) {
          this.current = { state: "read", tree };
          this.scope.tree.changed(this.row);
        }
      } catch (error) {
        // The row shows no referrers: a registry that cannot list them is not an error of the tree.
        this.scope.tree.log.warn(
          `Could not list the referrers of ${this.scope.repository}@${this.scope.digest}: ${(error as Error).message}`,
        );
        if (this.current === reading) {
          this.current = { state: "failed" };
        }
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }
}

/** The referrers of one artifact type, by friendly name ("Notary signature", "SPDX SBOM", else the media type). */
export class ReferrerGroupNode extends TreeNode {
  readonly id: string;
  private rows?: TreeNode[];

  constructor(
    readonly parent: TreeNode,
    readonly artifactType: string,
    readonly referrers: ReferrerNode[],
    private readonly makeRow: ReferrerRowFactory,
  ) {
    super();
    this.id = referrerGroupNodeId(parent.id, artifactType);
  }

  get name(): string {
    return artifactKindName(this.referrers[0].kind, this.artifactType);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = vscode.l10n.t("{0} referrers", this.referrers.length);
    item.iconPath = new vscode.ThemeIcon(isSignatureKind(this.referrers[0].kind) ? "verified" : "references");
    item.tooltip = new vscode.MarkdownString().appendText(this.artifactType);
    item.contextValue = "referrerGroup";
    return item;
  }

  override getChildren(): Promise<TreeNode[]> {
    this.rows ??= this.referrers.map((r) => this.makeRow(this, r, referrerNodeId(this.id, r.descriptor.digest)));
    return Promise.resolve(this.rows);
  }

  override loadedChildren(): readonly TreeNode[] {
    return this.rows ?? [];
  }

  override removeChild(child: TreeNode): boolean {
    const before = this.rows?.length ?? 0;
    this.rows = this.rows?.filter((r) => r !== child);
    return (this.rows?.length ?? 0) < before;
  }
}

/** Referrers listed for this manifest whose subject is another: set apart, with their digests in the tooltip. */
class MismatchedReferrersNode extends TreeNode {
  readonly id: string;

  constructor(
    readonly parent: TreeNode,
    private readonly tree: ReferrerTree,
  ) {
    super();
    this.id = `${parent.id}/referrers:mismatched`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(
      vscode.l10n.t("{0} listed referrers name another subject", this.tree.mismatched.length),
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon("warning");
    item.tooltip = new vscode.MarkdownString().appendText(
      this.tree.mismatched
        .map((m) =>
          vscode.l10n.t(
            "{0} names {1}",
            shortDigest(m.descriptor.digest),
            m.actualSubject ? shortDigest(m.actualSubject) : vscode.l10n.t("no subject"),
          ),
        )
        .join("\n"),
    );
    item.contextValue = "referrerMismatch";
    return item;
  }
}
