// The two nodes that are not registry items: "Load more…" at the end of a
// list with more pages, and an error node where a list could not be read
// (with retry, or re-enter credentials when signing in failed).

import * as vscode from "vscode";
import { RegistryAuthenticationError } from "../../client/index";
import { MissingCredentialsError } from "../connections";
import { errorContext, LOAD_MORE_CONTEXT } from "./contextValues";
import { errorNodeId, loadMoreNodeId } from "./nodeIds";
import type { PagedChildren } from "./pagedChildren";
import type { RegistryScope, ScopedNode } from "./scope";
import { TreeNode } from "./treeNode";

/** A node whose list can be retried or extended. */
export interface RetryableParent extends ScopedNode {
  /** Fetches the next page (Load more…). */
  loadMore(): Promise<void>;
  /** Clears the failure and reads again. */
  retry(): Promise<void>;
}

export class LoadMoreNode extends TreeNode {
  readonly id: string;

  constructor(readonly parent: RetryableParent) {
    super();
    this.id = loadMoreNodeId(parent.id);
  }

  get scope(): RegistryScope {
    return this.parent.scope;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t("Load more…"), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = LOAD_MORE_CONTEXT;
    item.iconPath = new vscode.ThemeIcon("ellipsis");
    item.tooltip = vscode.l10n.t("Fetch the next page");
    item.command = { command: "containerRegistryExplorer.loadMore", title: vscode.l10n.t("Load More"), arguments: [this] };
    item.accessibilityInformation = { label: vscode.l10n.t("Load more: fetch the next page"), role: "button" };
    return item;
  }
}

export class ErrorNode extends TreeNode {
  readonly id: string;

  constructor(
    readonly parent: RetryableParent,
    readonly error: unknown,
  ) {
    super();
    this.id = errorNodeId(parent.id);
  }

  get scope(): RegistryScope {
    return this.parent.scope;
  }

  /** Signing in failed: the fix is new credentials, not a retry. */
  get isAuthenticationFailure(): boolean {
    return this.error instanceof RegistryAuthenticationError || this.error instanceof MissingCredentialsError;
  }

  getTreeItem(): vscode.TreeItem {
    const message = this.error instanceof Error ? this.error.message : String(this.error);
    const auth = this.isAuthenticationFailure;
    const item = new vscode.TreeItem(
      auth ? vscode.l10n.t("Sign-in failed — re-enter credentials") : vscode.l10n.t("Could not load — retry"),
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = this.id;
    item.description = message;
    item.tooltip = new vscode.MarkdownString().appendText(message);
    item.iconPath = new vscode.ThemeIcon("error", new vscode.ThemeColor("list.errorForeground"));
    item.contextValue = errorContext(auth);
    item.accessibilityInformation = {
      label: vscode.l10n.t("Error: {0}. {1}", message, typeof item.label === "string" ? item.label : (item.label?.label ?? "")),
      role: "button",
    };
    item.command = auth
      ? { command: "containerRegistryExplorer.reenterCredentials", title: vscode.l10n.t("Re-enter Credentials"), arguments: [this] }
      : { command: "containerRegistryExplorer.retry", title: vscode.l10n.t("Retry"), arguments: [this] };
    return item;
  }
}

/** The loaded children, then "Load more…" when there is a next page, or the error node. */
export async function pagedChildren(owner: RetryableParent, paged: PagedChildren<TreeNode>): Promise<TreeNode[]> {
  await paged.ensureLoaded();
  const children: TreeNode[] = [...paged.items];
  if (paged.error !== undefined) {
    children.push(new ErrorNode(owner, paged.error));
  } else if (paged.hasMore) {
    children.push(new LoadMoreNode(owner));
  }
  return children;
}

/** A node whose children are one paged list (registry: repositories; repository: manifests). */
export abstract class PagedListNode extends TreeNode implements RetryableParent {
  abstract readonly paged: PagedChildren<TreeNode>;
  abstract readonly scope: RegistryScope;

  override getChildren(): Promise<TreeNode[]> {
    return pagedChildren(this, this.paged);
  }

  loadMore(): Promise<void> {
    return this.paged.loadMore();
  }

  retry(): Promise<void> {
    return this.paged.retry();
  }

  override reset(): void {
    this.paged.reset();
  }

  override loadedChildren(): readonly TreeNode[] {
    return this.paged.items;
  }

  override removeChild(child: TreeNode): boolean {
    return this.paged.remove(child);
  }
}
