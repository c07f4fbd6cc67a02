// A registry listed by ARM. It is the tree's own RegistryNode (repositories,
// manifests, tags, every command), signed in through ACR's token exchange with
// the account's session for the subscription's tenant: an ARM-audience token
// (the one the listing used, so no new consent), or an ACR-audience one where
// the registry turned ARM-audience tokens off (azureADAuthenticationAsArmPolicy).

import * as vscode from "vscode";
import type { SavedRegistry } from "../../connections";
import { formatBytes } from "../../format";
import { ErrorNode } from "../../tree/pagingNodes";
import { RegistryNode } from "../../tree/registryNode";
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
    tooltip.appendMarkdown(`**`).appendText(arm.name).appendMarkdown(`**\n\n`);
    const lines = [
      vscode.l10n.t("Login server: {0}", arm.loginServer),
      vscode.l10n.t("SKU: {0} · location: {1} · resource group: {2}", arm.sku, arm.location, arm.resourceGroup),
      vscode.l10n.t("Admin user: {0}", arm.adminUserEnabled ? vscode.l10n.t("enabled") : vscode.l10n.t("disabled")),
      vscode.l10n.t("Public network access: {0}", arm.publicNetworkAccess ?? vscode.l10n.t("unknown")),
      vscode.l10n.t("Sign-in: {0}", arm.armAudienceTokens?.toLowerCase() === "disabled" ? vscode.l10n.t("ACR-audience token (ARM-audience tokens are disabled)") : vscode.l10n.t("ARM-audience token")),
    ];
    const storage = storageLine(this.usages);
    if (storage) {
      lines.push(storage);
    }
    tooltip.appendText(lines.join("\n\n"));
    item.tooltip = tooltip;
    return item;
  }
}

/** "Storage: 1.5 GiB of 100 GiB included (2%)", from the `Size` usage. */
export function storageLine(usages: readonly ArmUsage[] | undefined): string | undefined {
  const size = usages?.find((u) => u.name === "Size" && u.unit === "Bytes");
  if (!size || size.currentValue === undefined) {
    return undefined;
  }
  if (!size.limit) {
    return vscode.l10n.t("Storage used: {0}", formatBytes(size.currentValue));
  }
  const percent = Math.round((size.currentValue / size.limit) * 100);
  return vscode.l10n.t("Storage used: {0} of {1} included in the SKU ({2}%)", formatBytes(size.currentValue), formatBytes(size.limit), percent);
}
