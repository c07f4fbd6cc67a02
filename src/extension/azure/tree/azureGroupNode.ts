// The "Azure" group at the top of the tree: the signed-in accounts (when
// there are several) or the one account's directories (tenants).

import * as vscode from "vscode";
import { accessibleRow } from "../../tree/tooltips";
import type { TreeNode } from "../../tree/treeNode";
import type { AzureAccount } from "../sessionSource";
import type { AzureContext } from "./azureContext";
import { AzureListNode } from "./azureListNode";
import { AzureRowNode } from "./azureRowNode";
import { listTenantNodes } from "./tenantNode";

export class AzureGroupNode extends AzureListNode {
  readonly id = "azure";
  readonly parent = undefined;
  /** The only account, once known (its sign-in rows use it). */
  account: AzureAccount | undefined;

  constructor(private readonly ctx: AzureContext) {
    super();
  }

  protected async load(): Promise<TreeNode[]> {
    const cloud = this.ctx.cloud();
    const accounts = await this.ctx.source().getAccounts(cloud.providerId, [`${cloud.resourceManagerAudience}/.default`]);
    const account = accounts.length === 1 ? accounts[0] : undefined;
    if (account?.id !== this.account?.id) {
      this.account = account;
      // The group's description names the account, known only now.
      setTimeout(() => this.ctx.treeContext.changed(this), 0);
    }
    if (accounts.length === 0) {
      return [
        new AzureRowNode(this, "signIn", {
          label: vscode.l10n.t("Sign in to Azure…"),
          description: cloud.name === "Azure" ? undefined : cloud.name,
        }),
      ];
    }
    if (accounts.length === 1) {
      return listTenantNodes(this, accounts[0], this.ctx);
    }
    return [...accounts].sort((a, b) => a.label.localeCompare(b.label)).map((account) => new AccountNode(this, account, this.ctx));
  }

  getTreeItem(): vscode.TreeItem {
    const cloud = safeCloudName(this.ctx);
    const item = new vscode.TreeItem(vscode.l10n.t("Azure"), vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.description = this.account?.label ?? (cloud === "Azure" ? undefined : cloud);
    item.iconPath = new vscode.ThemeIcon("azure");
    item.contextValue = "azureGroup";
    item.tooltip = vscode.l10n.t("Container registries in your Azure subscriptions ({0})", cloud);
    item.accessibilityInformation = accessibleRow(vscode.l10n.t("Group"), vscode.l10n.t("Azure"), item.description);
    return item;
  }
}

/** One of several signed-in accounts. */
export class AccountNode extends AzureListNode {
  readonly id: string;

  constructor(
    readonly parent: AzureGroupNode,
    readonly account: AzureAccount,
    private readonly ctx: AzureContext,
  ) {
    super();
    this.id = `${parent.id}/account:${account.id}`;
  }

  protected load(): Promise<TreeNode[]> {
    return listTenantNodes(this, this.account, this.ctx);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.account.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon("account");
    item.contextValue = "azureAccount";
    item.accessibilityInformation = accessibleRow(vscode.l10n.t("Account"), this.account.label);
    return item;
  }
}

function safeCloudName(ctx: AzureContext): string {
  try {
    return ctx.cloud().name;
  } catch {
    return "Azure";
  }
}
