// A directory (Microsoft Entra tenant) of an account; its children are the
// subscriptions it gives access to, listed with a session for that tenant
// (VS Code's `VSCODE_TENANT:<id>` scope), and narrowed by the filter setting.

import * as vscode from "vscode";
import { accessibleRow } from "../../tree/tooltips";
import type { TreeNode } from "../../tree/treeNode";
import { armConnection } from "../armAccess";
import type { ArmSubscription, ArmTenant } from "../arm/armModels";
import type { AzureAccount } from "../sessionSource";
import type { AzureContext } from "./azureContext";
import { AzureListNode } from "./azureListNode";
import { AzureRowNode } from "./azureRowNode";
import { SubscriptionNode } from "./subscriptionNode";

/** The account's tenants, listed with its home-tenant session. */
export async function listTenantNodes(parent: TreeNode, account: AzureAccount, ctx: AzureContext): Promise<TreeNode[]> {
  const arm = await ctx.arm();
  const tenants = await arm.listTenants(await armConnection(ctx.source(), ctx.cloud(), account));
  return tenants.sort((a, b) => tenantLabel(a).localeCompare(tenantLabel(b))).map((tenant) => new TenantNode(parent, account, tenant, ctx));
}

function tenantLabel(tenant: ArmTenant): string {
  return tenant.displayName ?? tenant.defaultDomain ?? tenant.tenantId;
}

export class TenantNode extends AzureListNode {
  readonly id: string;
  /** Every subscription last listed, before the filter (for Select Subscriptions). */
  subscriptions: readonly ArmSubscription[] = [];

  constructor(
    readonly parent: TreeNode,
    readonly account: AzureAccount,
    readonly tenant: ArmTenant,
    private readonly ctx: AzureContext,
  ) {
    super();
    this.id = `azure/account:${account.id}/tenant:${tenant.tenantId}`;
  }

  get tenantId(): string {
    return this.tenant.tenantId;
  }

  protected async load(): Promise<TreeNode[]> {
    const arm = await this.ctx.arm();
    const listed = await arm.listSubscriptions(await armConnection(this.ctx.source(), this.ctx.cloud(), this.account, this.tenantId));
    // ARM lists the subscriptions of the token's tenant; a stray one of another tenant belongs under that one.
    this.subscriptions = listed
      .filter((s) => !s.tenantId || s.tenantId === this.tenantId)
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
    if (this.subscriptions.length === 0) {
      return [
        new AzureRowNode(this, "noSubscriptions", {
          label: vscode.l10n.t("No subscriptions in this directory"),
          description: this.account.label,
          account: this.account,
        }),
      ];
    }
    const filter = this.ctx.subscriptionFilter();
    const shown = filter.size ? this.subscriptions.filter((s) => filter.has(s.subscriptionId.toLowerCase())) : this.subscriptions;
    if (shown.length === 0) {
      return [
        new AzureRowNode(this, "filtered", {
          label: vscode.l10n.t("{0} subscriptions hidden by the filter", this.subscriptions.length),
          description: vscode.l10n.t("select subscriptions"),
        }),
      ];
    }
    return shown.map((subscription) => new SubscriptionNode(this, subscription, this.ctx));
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(tenantLabel(this.tenant), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.tenant.defaultDomain !== tenantLabel(this.tenant) ? this.tenant.defaultDomain : undefined;
    item.iconPath = new vscode.ThemeIcon("organization");
    item.contextValue = "azureTenant";
    item.tooltip = new vscode.MarkdownString().appendText(vscode.l10n.t("Directory {0} ({1})", tenantLabel(this.tenant), this.tenantId));
    item.accessibilityInformation = accessibleRow(vscode.l10n.t("Directory"), tenantLabel(this.tenant), item.description);
    return item;
  }
}
