// Tool: the connected registries, as the tree shows them. Nothing is fetched.

import * as vscode from "vscode";
import type { Services } from "../commands/shared/commandServices";
import type { ToolDefinition } from "./toolAdapter";
import { registryLabel } from "./toolRegistries";

const AUTH_TEXT: Record<string, () => string> = {
  anonymous: () => vscode.l10n.t("anonymous"),
  password: () => vscode.l10n.t("username and password or token"),
  microsoft: () => vscode.l10n.t("Microsoft account"),
  azureIdentity: () => vscode.l10n.t("Azure identity"),
  dockerConfig: () => vscode.l10n.t("Docker config credentials"),
};

export function listRegistriesTool(services: Services): ToolDefinition<Record<string, never>> {
  return {
    parse: () => ({}),
    invocationMessage: () => vscode.l10n.t("Listing the connected container registries"),
    run: async () => {
      const registries = services.connections.list();
      if (registries.length === 0) {
        return vscode.l10n.t(
          "No container registry is connected. The user connects one with the Connect Registry command of the Container Registries view.",
        );
      }
      const lines = [
        vscode.l10n.t(
          "{0} connected registries (pass the host, or the friendly name, as `registry` to the other tools):",
          registries.length,
        ),
      ];
      for (const registry of registries) {
        const added = services.connections.addedRepositories(registry.id);
        const parts = [
          vscode.l10n.t("host: {0}", registry.loginServer),
          vscode.l10n.t("endpoint: {0}", registry.endpoint),
          vscode.l10n.t("sign-in: {0}", AUTH_TEXT[registry.auth]?.() ?? registry.auth),
        ];
        if (added.length) {
          parts.push(vscode.l10n.t("repositories added by name: {0}", added.join(", ")));
        }
        lines.push(`- ${registryLabel(registry)}; ${parts.join("; ")}`);
      }
      return lines.join("\n");
    },
  };
}
