// The rows of the Azure group that are not Azure items: what went wrong (or
// that there is nothing), each with the action that fixes it.

import * as vscode from "vscode";
import { accessibleRow } from "../../tree/tooltips";
import { TreeNode } from "../../tree/treeNode";
import { AzureSignInRequiredError, isArmError, isArmNetworkError } from "../errors";
import type { AzureAccount } from "../sessionSource";

export type AzureRowKind =
  /** Nobody signed in: Sign in to Azure. */
  | "signIn"
  /** A tenant wants a new sign-in (MFA, claims challenge): Sign in again. */
  | "tenantSignIn"
  /** A directory without subscriptions for this account: sign in with another account. */
  | "noSubscriptions"
  /** Every subscription is hidden by the filter setting: Select Subscriptions. */
  | "filtered"
  /** 403 listing registries: Retry (after a role was granted). */
  | "forbidden"
  /** ARM unreachable: Retry. */
  | "network"
  /** Anything else: Retry. */
  | "failed"
  /** A subscription without registries (no action). */
  | "empty";

export interface AzureRowOptions {
  label: string;
  description?: string;
  tooltip?: string;
  /** Where the row's action signs in (sign-in rows). */
  account?: AzureAccount;
  tenantId?: string;
  claims?: string;
}

const ACTIONS: Record<AzureRowKind, { command?: string; title: () => string; icon: string; error: boolean }> = {
  signIn: {
    command: "containerRegistryExplorer.azure.signIn",
    title: () => vscode.l10n.t("Sign in to Azure"),
    icon: "sign-in",
    error: false,
  },
  tenantSignIn: {
    command: "containerRegistryExplorer.azure.signInToTenant",
    title: () => vscode.l10n.t("Sign In Again"),
    icon: "shield",
    error: true,
  },
  noSubscriptions: {
    command: "containerRegistryExplorer.azure.signInWithAnotherAccount",
    title: () => vscode.l10n.t("Sign in with Another Account"),
    icon: "info",
    error: false,
  },
  filtered: {
    command: "containerRegistryExplorer.azure.selectSubscriptions",
    title: () => vscode.l10n.t("Select Subscriptions"),
    icon: "filter",
    error: false,
  },
  forbidden: { command: "containerRegistryExplorer.azure.retry", title: () => vscode.l10n.t("Retry"), icon: "error", error: true },
  network: { command: "containerRegistryExplorer.azure.retry", title: () => vscode.l10n.t("Retry"), icon: "error", error: true },
  failed: { command: "containerRegistryExplorer.azure.retry", title: () => vscode.l10n.t("Retry"), icon: "error", error: true },
  empty: { title: () => "", icon: "info", error: false },
};

export class AzureRowNode extends TreeNode {
  readonly id: string;

  constructor(
    readonly parent: TreeNode,
    readonly kind: AzureRowKind,
    readonly options: AzureRowOptions,
  ) {
    super();
    this.id = `${parent.id}/row:${kind}`;
  }

  getTreeItem(): vscode.TreeItem {
    const action = ACTIONS[this.kind];
    const item = new vscode.TreeItem(this.options.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.options.description;
    item.tooltip = new vscode.MarkdownString().appendText(this.options.tooltip ?? this.options.description ?? this.options.label);
    item.iconPath = new vscode.ThemeIcon(action.icon, action.error ? new vscode.ThemeColor("list.errorForeground") : undefined);
    item.contextValue = `azureRow;${this.kind}`;
    if (action.command) {
      item.command = { command: action.command, title: action.title(), arguments: [this] };
    }
    item.accessibilityInformation = accessibleRow(
      action.error ? vscode.l10n.t("Error") : vscode.l10n.t("Note"),
      this.options.label,
      this.options.description,
    );
    return item;
  }
}

/** The row for a failure under `parent`. */
export function rowForError(parent: TreeNode, error: unknown, account: AzureAccount | undefined): AzureRowNode {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof AzureSignInRequiredError) {
    if (!error.tenantId) {
      return new AzureRowNode(parent, "signIn", { label: vscode.l10n.t("Sign in to Azure…"), description: account?.label, account });
    }
    return new AzureRowNode(parent, "tenantSignIn", {
      label: vscode.l10n.t("Sign in again to this directory…"),
      description: vscode.l10n.t("it asks for a new sign-in, e.g. multi-factor authentication"),
      tooltip: message,
      account,
      tenantId: error.tenantId,
      claims: error.claims,
    });
  }
  if (isArmError(error) && error.statusCode === 401) {
    return new AzureRowNode(parent, "signIn", { label: vscode.l10n.t("Sign in to Azure…"), description: message, account });
  }
  if (isArmError(error) && error.statusCode === 403) {
    return new AzureRowNode(parent, "forbidden", {
      label: vscode.l10n.t("No permission to list registries — retry"),
      description: message,
    });
  }
  if (isArmNetworkError(error)) {
    return new AzureRowNode(parent, "network", { label: vscode.l10n.t("Could not reach Azure — retry"), description: message });
  }
  return new AzureRowNode(parent, "failed", { label: vscode.l10n.t("Could not load — retry"), description: message });
}
