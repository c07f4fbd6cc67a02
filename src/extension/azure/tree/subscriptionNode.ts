// A subscription; its children are its container registries (ARM's
// Microsoft.ContainerRegistry/registries list, every nextLink page), each
// decorated with its usages (storage used against the SKU's included storage).

import * as vscode from "vscode";
import { forEachWithConcurrency } from "../../../client/index";
import { accessibleRow } from "../../tree/tooltips";
import type { TreeNode } from "../../tree/treeNode";
import { armConnection } from "../armAccess";
import type { ArmSubscription } from "../arm/armModels";
import type { AzureContext } from "./azureContext";
import { AzureListNode } from "./azureListNode";
import { AzureRegistryNode } from "./azureRegistryNode";
import { AzureRowNode } from "./azureRowNode";
import type { TenantNode } from "./tenantNode";

/** Usage reads in flight at once (one ARM call per registry). */
const USAGE_CONCURRENCY = 4;

export class SubscriptionNode extends AzureListNode {
  readonly id: string;

  constructor(
    readonly parent: TenantNode,
    readonly subscription: ArmSubscription,
    private readonly ctx: AzureContext,
  ) {
    super();
    this.id = `${parent.id}/subscription:${subscription.subscriptionId}`;
  }

  get account() {
    return this.parent.account;
  }

  get tenantId(): string {
    return this.parent.tenantId;
  }

  protected async load(): Promise<TreeNode[]> {
    const arm = await this.ctx.arm();
    const connection = await armConnection(this.ctx.source(), this.ctx.cloud(), this.account, this.tenantId);
    const registries = await arm.listRegistries(connection, this.subscription.subscriptionId);
    if (registries.length === 0) {
      return [new AzureRowNode(this, "empty", { label: vscode.l10n.t("No container registries") })];
    }
    const nodes = registries
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((registry) => new AzureRegistryNode(this, registry, this.ctx));
    await forEachWithConcurrency(nodes, USAGE_CONCURRENCY, async (node) => {
      try {
        node.usages = await arm.listUsages(connection, node.arm);
      } catch (error) {
        // Only the decoration is lost; the registry still expands.
        this.ctx.log.warn(`Could not read the usages of ${node.arm.name}: ${(error as Error).message}`);
      }
    });
    return nodes;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.subscription.displayName, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.subscription.state && this.subscription.state !== "Enabled" ? this.subscription.state : undefined;
    item.iconPath = new vscode.ThemeIcon("key");
    item.contextValue = "azureSubscription";
    item.tooltip = new vscode.MarkdownString().appendText(
      vscode.l10n.t("Subscription {0} ({1})", this.subscription.displayName, this.subscription.subscriptionId),
    );
    item.accessibilityInformation = accessibleRow(vscode.l10n.t("Subscription"), this.subscription.displayName, item.description);
    return item;
  }
}
