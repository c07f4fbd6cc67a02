// A registry listed by ARM. It is the tree's own RegistryNode (repositories,
// manifests, tags, every command), signed in through ACR's token exchange with
// the account's session for the subscription's tenant: an ARM-audience token
// (the one the listing used, so no new consent), or an ACR-audience one where
// the registry turned ARM-audience tokens off (azureADAuthenticationAsArmPolicy;
// docs/protocols.md#arm).

import * as vscode from "vscode";
import type { SavedRegistry } from "../../connections";
import { formatBytes } from "../../format";
import { ErrorNode } from "../../tree/pagingNodes";
import { RegistryNode } from "../../tree/registryNode";
import { accessibleRow, appendField } from "../../tree/tooltips";
import type { TreeNode } from "../../tree/treeNode";
import { signInRequiredCause } from "../errors";
import type { ArmRegistry, ArmUsage } from "../arm/armModels";
import { SessionCredential } from "../sessionCredential";
import type { AzureContext } from "./azureContext";
import { rowForError } from "./azureRowNode";
import type { SubscriptionNode } from "./subscriptionNode";

/** The registry as a connection that is not saved (until pinned). */
function registryFor(arm: ArmRegistry, tenantId: string): SavedRegistry {
  return {
    id: `azure:${arm.subscriptionId}:${arm.resourceGroup}:${arm.name}`.toLowerCase(),
    // ARM's login servers are host names served over https (ACR has no plain-http endpoint).
    endpoint: `https://${arm.loginServer}`,
    loginServer: arm.loginServer,
    auth: "microsoft",
    tenantId,
  };
}

export class AzureRegistryNode extends RegistryNode {
  /** From ARM's listUsages; undefined when it could not be read. */
  usages?: readonly ArmUsage[];

  constructor(
    readonly subscription: SubscriptionNode,
    readonly arm: ArmRegistry,
    ctx: AzureContext,
  ) {
    super(registryFor(arm, subscription.tenantId), ctx.treeContext, subscription);
    const cloud = ctx.cloud();
    const armTokens = arm.armAudienceTokens?.toLowerCase() !== "disabled";
    if (!armTokens) {
      ctx.log.info(
        `${arm.loginServer} does not accept ARM-audience tokens (azureADAuthenticationAsArmPolicy is disabled); ` +
          `asking for a token for ${cloud.containerRegistryAudience} instead`,
      );
    }
    ctx.connections.useTransientCredential(
      this.registry.id,
      new SessionCredential(ctx.source(), cloud.providerId, subscription.account, subscription.tenantId),
      armTokens ? cloud.resourceManagerAudience : cloud.containerRegistryAudience,
    );
  }

  /** Where the session for the token exchange is missing, the row to sign in again replaces "Could not load". */
  override async getChildren(): Promise<TreeNode[]> {
    const children = await super.getChildren();
    return children.map((node) => {
      const signIn = node instanceof ErrorNode ? signInRequiredCause(node.error) : undefined;
      return signIn ? rowForError(this, signIn, this.subscription.account) : node;
    });
  }

  override getTreeItem(): vscode.TreeItem {
    const item = super.getTreeItem();
    const arm = this.arm;
    item.label = arm.name;
    item.description = [arm.loginServer, arm.sku, arm.location].filter(Boolean).join(" · ");
    item.iconPath = new vscode.ThemeIcon("azure");
    item.contextValue = "azureRegistry;auth:microsoft";
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown("**").appendText(arm.name).appendMarkdown("**");
    appendField(tooltip, vscode.l10n.t("Login server:"), arm.loginServer);
    appendField(tooltip, vscode.l10n.t("SKU:"), arm.sku);
    appendField(tooltip, vscode.l10n.t("Location:"), arm.location);
    appendField(tooltip, vscode.l10n.t("Resource group:"), arm.resourceGroup);
    appendField(tooltip, vscode.l10n.t("Admin user:"), arm.adminUserEnabled ? vscode.l10n.t("enabled") : vscode.l10n.t("disabled"));
    appendField(tooltip, vscode.l10n.t("Public network access:"), arm.publicNetworkAccess ?? vscode.l10n.t("unknown"));
    appendField(
      tooltip,
      vscode.l10n.t("Sign-in:"),
      arm.armAudienceTokens?.toLowerCase() === "disabled"
        ? vscode.l10n.t("ACR-audience token (ARM-audience tokens are disabled)")
        : vscode.l10n.t("ARM-audience token"),
    );
    const storage = storageText(this.usages);
    if (storage) {
      appendField(tooltip, vscode.l10n.t("Storage used:"), storage);
    }
    item.tooltip = tooltip;
    item.accessibilityInformation = accessibleRow(vscode.l10n.t("Azure container registry"), arm.name, item.description);
    return item;
  }
}

/** "1.5 GB of 100 GB included in the SKU (2%)", from the `Size` usage. */
export function storageText(usages: readonly ArmUsage[] | undefined): string | undefined {
  const size = usages?.find((u) => u.name === "Size" && u.unit === "Bytes");
  if (!size || size.currentValue === undefined) {
    return undefined;
  }
  if (!size.limit) {
    return formatBytes(size.currentValue);
  }
  const percent = Math.round((size.currentValue / size.limit) * 100);
  return vscode.l10n.t("{0} of {1} included in the SKU ({2}%)", formatBytes(size.currentValue), formatBytes(size.limit), percent);
}
