// Tool: what a clean-up with these rules would delete and keep; changes nothing.

import * as vscode from "vscode";
import type { Services } from "../commands/shared/commandServices";
import { cleanupPlanText } from "./cleanupPlanText";
import { type CleanupToolInput, parseCleanupInput } from "./cleanupToolInput";
import type { ToolDefinition } from "./toolAdapter";
import { findConnectedRegistry } from "./toolRegistries";

export function planCleanupTool(services: Services): ToolDefinition<CleanupToolInput> {
  return {
    parse: parseCleanupInput,
    invocationMessage: (input) => vscode.l10n.t("Planning a clean-up of {0}/{1}", input.registry, input.repository),
    run: async (input, signal) => {
      const registry = findConnectedRegistry(services.connections, input.registry);
      const client = await services.connections.getClient(registry);
      const plan = await client.planCleanup(input.repository, input.rules, { abortSignal: signal });
      return cleanupPlanText(registry, input.rules, plan);
    },
  };
}
