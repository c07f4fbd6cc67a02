// A clean-up plan as plain text: every manifest to delete and every one kept
// with its reason, the bytes freed at most.

import * as vscode from "vscode";
import type { CleanupPlan, CleanupRules } from "../../client/index";
import type { SavedRegistry } from "../connections";
import { describeCleanupRules } from "../commands/shared/cleanupRulesText";
import { bytesText } from "./toolText";

export function cleanupPlanText(registry: SavedRegistry, rules: CleanupRules, plan: CleanupPlan): string {
  const lines = [
    vscode.l10n.t(
      "Clean-up plan for {0}/{1} (rules: {2}). Nothing has been deleted.",
      registry.loginServer,
      plan.repository,
      describeCleanupRules(rules),
    ),
    vscode.l10n.t(
      "To delete ({0}, newest first; {1} freed at most):",
      plan.delete.length,
      plan.bytesFreed === undefined ? vscode.l10n.t("an unknown amount") : bytesText(plan.bytesFreed),
    ),
  ];
  for (const entry of plan.delete) {
    lines.push(`- ${entry.digest}; ${tagsText(entry.tags)}${timeText(entry.lastUpdatedOn)}${sizeText(entry.sizeInBytes)}`);
  }
  lines.push(vscode.l10n.t("To keep ({0}):", plan.keep.length));
  for (const entry of plan.keep) {
    lines.push(`- ${entry.digest}; ${tagsText(entry.tags)}; ${vscode.l10n.t("kept: {0} ({1})", entry.reason, entry.detail)}`);
  }
  return lines.join("\n");
}

export function tagsText(tags: string[]): string {
  return tags.length ? vscode.l10n.t("tags: {0}", tags.join(", ")) : vscode.l10n.t("untagged");
}

function timeText(date: Date | undefined): string {
  return date ? `; ${vscode.l10n.t("last updated: {0}", date.toISOString())}` : "";
}

function sizeText(size: number | undefined): string {
  return size === undefined ? "" : `; ${vscode.l10n.t("size: {0}", bytesText(size))}`;
}
