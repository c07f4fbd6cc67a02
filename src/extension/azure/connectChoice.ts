// The first step of Connect Registry: type an address (Enter takes what was
// typed), pick a host from the Docker config, or "Sign in to Azure", which
// shows the Azure group instead of connecting one registry by address.

import * as vscode from "vscode";
import { parseEndpoint } from "../../client/index";

export interface HostChoice extends vscode.QuickPickItem {
  host: string;
}

interface Choice extends vscode.QuickPickItem {
  host?: string;
  azure?: boolean;
  invalid?: boolean;
}

/** `retry`: the address typed before and why it failed (the connect dialog coming back to this step). */
export function pickEndpointOrAzure(
  hosts: readonly HostChoice[],
  retry?: { value: string; error?: string },
): Promise<{ endpoint: string } | "azure" | undefined> {
  const pick = vscode.window.createQuickPick<Choice>();
  pick.title = vscode.l10n.t("Connect Registry");
  pick.placeholder = vscode.l10n.t("Registry address: myregistry.azurecr.io, ghcr.io, localhost:5000, or a URL (https:// is assumed)");
  pick.ignoreFocusOut = true;
  const azure: Choice = {
    label: `$(azure) ${vscode.l10n.t("Sign in to Azure…")}`,
    description: vscode.l10n.t("browse the registries of your Azure subscriptions"),
    alwaysShow: true,
    azure: true,
  };
  const update = (): void => {
    const value = pick.value.trim();
    const typed: Choice[] = [];
    if (value) {
      let problem: string | undefined;
      try {
        parseEndpoint(value, true);
      } catch (error) {
        problem = (error as Error).message;
      }
      typed.push({
        label: `$(plug) ${value}`,
        description: problem ?? vscode.l10n.t("connect to this address"),
        alwaysShow: true,
        host: value,
        invalid: !!problem,
        detail: retry?.error && value === retry.value.trim() ? `$(error) ${retry.error}` : undefined,
      });
    }
    pick.items = [...typed, ...hosts, azure];
  };
  if (retry) {
    pick.value = retry.value;
  }
  update();
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: { endpoint: string } | "azure" | undefined): void => {
      done = true;
      resolve(result);
      pick.dispose();
    };
    pick.onDidChangeValue(update);
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      if (chosen?.azure) {
        finish("azure");
      } else if (chosen?.host && !chosen.invalid) {
        finish({ endpoint: chosen.host });
      }
    });
    pick.onDidHide(() => {
      if (!done) {
        finish(undefined);
      }
    });
    pick.show();
  });
}
