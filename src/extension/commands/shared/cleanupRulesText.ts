// The clean-up rules in words, one wording for the Clean Up command's preview
// and for the clean-up tools' plans and confirmations.

import * as vscode from "vscode";
import type { CleanupRules } from "../../../client/index";

export function describeCleanupRules(rules: CleanupRules): string {
  return [
    rules.keepLatest !== undefined ? vscode.l10n.t("keep the {0} newest", rules.keepLatest) : "",
    rules.olderThan ? vscode.l10n.t("only those older than {0}", rules.olderThan.toISOString()) : "",
    rules.tagPattern !== undefined ? vscode.l10n.t("only those whose tags all match {0}", String(rules.tagPattern)) : "",
    rules.untaggedOnly ? vscode.l10n.t("untagged only") : "",
  ]
    .filter(Boolean)
    .join(", ");
}
