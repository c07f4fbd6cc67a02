// Tool: runs a clean-up. prepareInvocation plans it (changing nothing) and
// asks the user with every manifest that would go; invoke deletes exactly that
// plan, and executeCleanup re-checks each entry before its delete (one whose
// tags changed since is skipped, with the reason).

import * as vscode from "vscode";
import type { CleanupPlan, CleanupResult } from "../../client/index";
import type { Services } from "../commands/shared/commandServices";
import { findRepositoryNode } from "../commands/shared/nodeTargets";
import type { SavedRegistry } from "../connections";
import { cleanupPlanText, tagsText } from "./cleanupPlanText";
import { describeCleanupRules } from "../commands/shared/cleanupRulesText";
import { type CleanupToolInput, parseCleanupInput, requireConsentToDeleteEverything } from "./cleanupToolInput";
import { NotConfirmedError } from "./notConfirmed";
import { PreparedChanges } from "./preparedChanges";
import type { ToolDefinition } from "./toolAdapter";
import { findConnectedRegistry, stillConnected } from "./toolRegistries";
import { bytesText } from "./toolText";

interface PreparedCleanup {
  registry: SavedRegistry;
  plan: CleanupPlan;
}

export function executeCleanupTool(services: Services): ToolDefinition<CleanupToolInput> {
  const prepared = new PreparedChanges<PreparedCleanup>();
  return {
    parse: (input) => requireConsentToDeleteEverything(parseCleanupInput(input)),
    invocationMessage: (input) => vscode.l10n.t("Cleaning up {0}/{1}", input.registry, input.repository),
    confirm: async (input, signal, key) => {
      const registry = findConnectedRegistry(services.connections, input.registry);
      const client = await services.connections.getClient(registry);
      const plan = await client.planCleanup(input.repository, input.rules, { abortSignal: signal });
      prepared.put(key, { registry, plan });
      if (plan.delete.length === 0) {
        return undefined;
      }
      const where = `${registry.loginServer}/${plan.repository}`;
      const lines = [
        vscode.l10n.t("Rules: {0}.", describeCleanupRules(input.rules)),
        input.deleteEveryCandidate
          ? vscode.l10n.t("These rules delete every manifest they can: only locked and index-referenced manifests stay.")
          : "",
        vscode.l10n.t("These manifests and their tags will be deleted (this cannot be undone):"),
        ...plan.delete.map((entry) => `- ${entry.digest} (${tagsText(entry.tags)})`),
        vscode.l10n.t(
          "{0} manifests are kept. {1} freed at most.",
          plan.keep.length,
          plan.bytesFreed === undefined ? vscode.l10n.t("An unknown amount") : bytesText(plan.bytesFreed),
        ),
      ].filter(Boolean);
      return {
        title: vscode.l10n.t("Delete {0} manifests in {1}?", plan.delete.length, where),
        message: lines.join("\n"),
      };
    },
    run: async (input, signal, key) => {
      const change = prepared.take(key);
      if (!change) {
        throw new NotConfirmedError();
      }
      const { registry: confirmedOn, plan } = change;
      const registry = stillConnected(services.connections, confirmedOn);
      if (plan.delete.length === 0) {
        return [vscode.l10n.t("Nothing to delete: the rules keep every manifest."), cleanupPlanText(registry, input.rules, plan)].join(
          "\n",
        );
      }
      const client = await services.connections.getClient(registry);
      const result = await client.executeCleanup(plan, { abortSignal: signal });
      const node = findRepositoryNode(services, { registry, repository: plan.repository });
      if (node) {
        services.tree.refresh(node);
      }
      services.log.info(
        `Clean-up of ${registry.loginServer}/${plan.repository} by a language model tool: ${result.deleted.length} deleted, ${result.skipped.length} skipped, ${result.failed.length} failed`,
      );
      return resultText(registry, plan, result);
    },
  };
}

function resultText(registry: SavedRegistry, plan: CleanupPlan, result: CleanupResult): string {
  const lines = [
    vscode.l10n.t(
      "Clean-up of {0}/{1} done: {2} deleted, {3} skipped, {4} failed.",
      registry.loginServer,
      plan.repository,
      result.deleted.length,
      result.skipped.length,
      result.failed.length,
    ),
  ];
  for (const digest of result.deleted) {
    lines.push(vscode.l10n.t("deleted {0}", digest));
  }
  for (const skipped of result.skipped) {
    lines.push(vscode.l10n.t("skipped {0}: {1}", skipped.digest, skipped.reason));
  }
  for (const failed of result.failed) {
    lines.push(vscode.l10n.t("failed {0}: {1}", failed.digest, failed.error.message));
  }
  return lines.join("\n");
}
