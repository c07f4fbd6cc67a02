// The clean-up tools' input: a repository and the Clean Up command's rules
// (keepLatest, olderThan, tagPattern, untaggedOnly), checked by the library's
// own checkCleanupRules. As the command's form does, at least one rule is
// needed; rules that delete every candidate (keepLatest 0 alone) also need
// deleteEveryCandidate: true, the tool's form of the command's second
// confirmation (executing only; a plan changes nothing).

import * as vscode from "vscode";
import { checkCleanupRules, type CleanupRules, rulesDeleteEveryCandidate, validateRepositoryName } from "../../client/index";
import { optionalBoolean, optionalInteger, optionalString, requiredString, ToolInputError, type ToolInput } from "./toolInput";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CleanupToolInput {
  registry: string;
  repository: string;
  rules: CleanupRules;
  deleteEveryCandidate: boolean;
}

export function parseCleanupInput(input: ToolInput): CleanupToolInput {
  const olderThanText = optionalString(input, "olderThan");
  const olderThanDays = optionalInteger(input, "olderThanDays", 0, 100_000);
  if (olderThanText !== undefined && olderThanDays !== undefined) {
    throw new ToolInputError(vscode.l10n.t("Give olderThan or olderThanDays, not both."));
  }
  let olderThan: Date | undefined;
  if (olderThanText !== undefined) {
    olderThan = parseDate(olderThanText);
    if (!olderThan) {
      throw new ToolInputError(
        vscode.l10n.t("olderThan must be a date such as 2024-01-31 or 2024-01-31T12:00:00Z, not {0}.", JSON.stringify(olderThanText)),
      );
    }
  } else if (olderThanDays !== undefined) {
    olderThan = new Date(Date.now() - olderThanDays * DAY_MS);
  }
  const rules: CleanupRules = {
    keepLatest: optionalInteger(input, "keepLatest", 0, 100_000),
    olderThan,
    tagPattern: optionalString(input, "tagPattern"),
    untaggedOnly: optionalBoolean(input, "untaggedOnly") || undefined,
  };
  if (rules.keepLatest === undefined && rules.olderThan === undefined && rules.tagPattern === undefined && !rules.untaggedOnly) {
    throw new ToolInputError(vscode.l10n.t("Give at least one rule: keepLatest, olderThan or olderThanDays, tagPattern, or untaggedOnly."));
  }
  checkCleanupRules(rules);
  return {
    registry: requiredString(input, "registry"),
    repository: validateRepositoryName(requiredString(input, "repository")),
    rules,
    deleteEveryCandidate: optionalBoolean(input, "deleteEveryCandidate") === true,
  };
}

/** Executing: rules that delete every candidate are refused unless the input says that is meant. */
export function requireConsentToDeleteEverything(input: CleanupToolInput): CleanupToolInput {
  if (rulesDeleteEveryCandidate(input.rules) && !input.deleteEveryCandidate) {
    throw new ToolInputError(
      vscode.l10n.t(
        "keepLatest 0 with no other rule deletes every manifest that is not locked or referenced by an index. Ask the user first; pass deleteEveryCandidate: true only if they want exactly that.",
      ),
    );
  }
  return input;
}

/** `2024-01-31` or an ISO 8601 time (`2024-01-31T12:00:00Z`); undefined for anything else. */
function parseDate(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text)) {
    return undefined;
  }
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
