// Error notifications: what failed, the registry's own message, a hint where
// one helps, and an "Open Log" action (the log has the request lines).

import * as vscode from "vscode";
import {
  DigestValidationError,
  InvalidInputError,
  NotSupportedByRegistryError,
  RegistryAuthenticationError,
  RegistryDeleteDisabledError,
  RegistryError,
  RegistryLockedError,
  RegistryNotFoundError,
  RegistryPermissionError,
} from "../client/index";
import { MissingCredentialsError } from "./connections";
import type { Log } from "./log";

/** One sentence for the user about what to do next, where the error type says it. */
export function hintFor(error: unknown): string | undefined {
  if (error instanceof RegistryDeleteDisabledError) {
    return vscode.l10n.t(
      "This registry has deletion turned off, so nothing was deleted. An administrator can enable it (CNCF distribution: storage.delete.enabled: true in the registry's config).",
    );
  }
  if (error instanceof RegistryLockedError) {
    return vscode.l10n.t(
      "The item or its repository is locked (writing or deleting is turned off), so nothing was changed. Unlock it first; Delete from the Command Palette offers Unlock and Delete.",
    );
  }
  if (error instanceof RegistryPermissionError) {
    return vscode.l10n.t("The credentials lack this permission, or the item is locked (its write or delete permission is off).");
  }
  if (error instanceof RegistryAuthenticationError || error instanceof MissingCredentialsError) {
    return vscode.l10n.t("Re-enter the credentials for this registry.");
  }
  if (error instanceof RegistryNotFoundError) {
    return vscode.l10n.t("It may have been deleted meanwhile; refresh the tree.");
  }
  if (error instanceof DigestValidationError) {
    return vscode.l10n.t("The content did not match its digest; nothing was kept.");
  }
  return undefined;
}

export function errorMessage(what: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const hint = hintFor(error);
  return `${vscode.l10n.t("{0} failed: {1}", what, message)}${hint ? ` ${hint}` : ""}`;
}

/** Logs the failure and shows it (not awaited: the notification stays until dismissed). */
export function showError(log: Log, what: string, error: unknown): void {
  log.error(`${what} failed`, error);
  const expected =
    error instanceof RegistryError ||
    error instanceof NotSupportedByRegistryError ||
    error instanceof InvalidInputError ||
    error instanceof DigestValidationError ||
    error instanceof MissingCredentialsError;
  if (!expected && error instanceof Error && error.stack) {
    log.error(error.stack);
  }
  const openLog = vscode.l10n.t("Open Log");
  void vscode.window.showErrorMessage(errorMessage(what, error), openLog).then((choice) => {
    if (choice === openLog) {
      log.show();
    }
  });
}
