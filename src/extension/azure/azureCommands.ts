// The Azure group's commands: sign in (from the view title, the Connect
// dialog, or a "sign in" row), sign in again to a tenant, retry a row, pin a
// registry as an ordinary connection, choose subscriptions, hide the group.
// Tree rows pass themselves; programmatic callers (tests) pass an options
// object and get errors as rejections, as with the other commands.

import * as vscode from "vscode";
import type { Services } from "../commands/shared/commandServices";
import { isPlainObject } from "../commands/shared/commandServices";
import { showError } from "../notify";
import { isCancellation } from "../cancellation";
import { TreeNode } from "../tree/treeNode";
import type { AzureFeature } from "./azureFeature";
import { SUBSCRIPTIONS_SETTING } from "./azureSettings";
import { type AzureAccount, tenantScope } from "./sessionSource";
import { AzureRegistryNode } from "./tree/azureRegistryNode";
import { AzureRowNode } from "./tree/azureRowNode";
import { TenantNode } from "./tree/tenantNode";

interface AzureCommandOptions {
  /** Sign in: let the user pick another account. */
  chooseAccount?: boolean;
  /** Select Subscriptions: the ids to show instead of asking (empty: all). */
  subscriptionIds?: string[];
}

type Handler = (node: TreeNode | undefined, options: AzureCommandOptions) => Promise<unknown>;

/** What failed, for the log and the error notification. */
const TITLES: Record<string, () => string> = {
  "containerRegistryExplorer.azure.signIn": () => vscode.l10n.t("Signing in to Azure"),
  "containerRegistryExplorer.azure.signInWithAnotherAccount": () => vscode.l10n.t("Signing in to Azure"),
  "containerRegistryExplorer.azure.signInToTenant": () => vscode.l10n.t("Signing in to the directory"),
  "containerRegistryExplorer.azure.pin": () => vscode.l10n.t("Pinning the registry"),
  "containerRegistryExplorer.azure.selectSubscriptions": () => vscode.l10n.t("Selecting subscriptions"),
};

export function registerAzureCommands(services: Services, azure: AzureFeature): vscode.Disposable[] {
  const signIn = async (options: AzureCommandOptions, account?: AzureAccount): Promise<boolean> => {
    await azure.show();
    const cloud = azure.cloud();
    const session = await azure.source().getSession({
      providerId: cloud.providerId,
      scopes: [`${cloud.resourceManagerAudience}/.default`],
      account,
      mode: "interactive",
      chooseAccount: options.chooseAccount,
    });
    services.tree.refresh(azure.group);
    return session !== undefined;
  };

  const handlers: Record<string, Handler> = {
    "containerRegistryExplorer.azure.signIn": (node, options) =>
      signIn(options, node instanceof AzureRowNode ? node.options.account : undefined),
    "containerRegistryExplorer.azure.signInWithAnotherAccount": (_node, options) => signIn({ ...options, chooseAccount: true }),
    "containerRegistryExplorer.azure.signInToTenant": async (node) => {
      if (!(node instanceof AzureRowNode) || !node.options.tenantId) {
        return false;
      }
      const cloud = azure.cloud();
      // A fresh sign-in for that tenant: VS Code's forceNewSession, which goes through MFA / the claims challenge.
      const session = await azure.source().getSession({
        providerId: cloud.providerId,
        scopes: [`${cloud.resourceManagerAudience}/.default`, tenantScope(node.options.tenantId)],
        account: node.options.account,
        mode: "reauthenticate",
        claims: node.options.claims,
      });
      services.tree.refresh(node.parent);
      return session !== undefined;
    },
    "containerRegistryExplorer.azure.retry": async (node) => {
      if (node instanceof AzureRowNode) {
        services.tree.refresh(node.parent);
      }
    },
    "containerRegistryExplorer.azure.pin": async (node) => {
      if (!(node instanceof AzureRegistryNode)) {
        throw new Error(vscode.l10n.t("Pin works on a registry of the Azure group"));
      }
      const saved = await services.connections.add({
        endpoint: node.registry.endpoint,
        auth: "microsoft",
        tenantId: node.registry.tenantId,
      });
      services.tree.refresh(services.tree.getRegistryNode(saved.id));
      return saved;
    },
    "containerRegistryExplorer.azure.selectSubscriptions": (_node, options) => selectSubscriptions(azure, options.subscriptionIds),
    "containerRegistryExplorer.azure.hide": async () => azure.hide(),
  };
  return Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      const node = args[0] instanceof TreeNode ? args[0] : undefined;
      const options = [args[1], node ? undefined : args[0]].find(isPlainObject) as AzureCommandOptions | undefined;
      try {
        return await handler(node, options ?? {});
      } catch (error) {
        if (options) {
          throw error;
        }
        if (!isCancellation(error)) {
          showError(services.log, TITLES[id]?.() ?? id, error);
        }
        return undefined;
      }
    }),
  );
}

/** Writes the filter setting: the given ids, or the user's picks among the subscriptions listed so far. */
async function selectSubscriptions(azure: AzureFeature, given: string[] | undefined): Promise<string[] | undefined> {
  let ids = given;
  if (!ids) {
    const tenants = azure.loadedNodes().filter((n): n is TenantNode => n instanceof TenantNode);
    const current = azure.subscriptionFilter();
    const items = tenants.flatMap((tenant) =>
      tenant.subscriptions.map((s) => ({
        label: s.displayName,
        description: `${s.subscriptionId} · ${tenant.tenant.displayName ?? tenant.tenantId}`,
        picked: current.size === 0 || current.has(s.subscriptionId.toLowerCase()),
        id: s.subscriptionId,
      })),
    );
    if (items.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t("Expand the Azure directories first: their subscriptions are listed here once read."),
      );
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: vscode.l10n.t("Subscriptions to show in the Azure group"),
    });
    if (!picked) {
      return undefined;
    }
    ids = picked.length === items.length ? [] : picked.map((p) => p.id);
  }
  await vscode.workspace.getConfiguration().update(SUBSCRIPTIONS_SETTING, ids, vscode.ConfigurationTarget.Global);
  return ids;
}
