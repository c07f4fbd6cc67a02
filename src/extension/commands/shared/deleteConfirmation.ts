// The delete confirmation shared by Delete (delete.ts) and the delete of a
// multi-selection (deleteSelection.ts): a modal naming what goes, or where a
// lock would make the registry refuse (locks.ts), one that says so and offers
// "Unlock and Delete" or "Unlock Only".

import * as vscode from "vscode";
import type { CommandOptions, Services } from "./commandServices";
import { describeLocks, type ItemLock, unlock } from "./locks";

/** Asks with a modal (or the caller's `confirm`); true to go ahead. */
async function confirmDeletion(options: CommandOptions, message: string, detail: string): Promise<boolean> {
  if (options.skipConfirmation) {
    return true;
  }
  if (options.confirm) {
    return options.confirm(message, detail);
  }
  const deleteButton = vscode.l10n.t("Delete");
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, deleteButton);
  return choice === deleteButton;
}

/**
 * The confirmation, or where something locks the item, a modal that says so
 * and offers "Unlock and Delete" or "Unlock Only". True to delete; the locks
 * that were turned off are in `unlocked`.
 */
export async function confirmDeletionOf(
  services: Services,
  options: CommandOptions,
  locks: ItemLock[],
  message: string,
  detail: string,
  unlocked: string[],
): Promise<boolean> {
  if (locks.length === 0) {
    return confirmDeletion(options, message, detail);
  }
  const lockedDetail =
    `${vscode.l10n.t("The registry refuses to delete it while it is locked:")}\n${list(describeLocks(locks))}\n\n` +
    `${vscode.l10n.t("Unlock and Delete turns these permissions back on, then deletes.")}\n\n${detail}`;
  let choice: "delete" | "unlockOnly" | undefined;
  if (options.skipConfirmation) {
    if (!options.unlock) {
      return true; // sent as asked: the registry's refusal (RegistryLockedError) is the answer
    }
    choice = "delete";
  } else if (options.confirm) {
    choice = (await options.confirm(message, lockedDetail)) ? "delete" : undefined;
  } else {
    const unlockAndDelete = vscode.l10n.t("Unlock and Delete");
    const unlockOnly = vscode.l10n.t("Unlock Only");
    const picked = await vscode.window.showWarningMessage(message, { modal: true, detail: lockedDetail }, unlockAndDelete, unlockOnly);
    choice = picked === unlockAndDelete ? "delete" : picked === unlockOnly ? "unlockOnly" : undefined;
  }
  if (!choice) {
    return false;
  }
  unlocked.push(...(await unlock(services, locks)));
  services.log.info(`Unlocked before deleting: ${unlocked.join("; ")}`);
  return choice === "delete";
}

export function list(items: string[], max = 20): string {
  const shown = items.slice(0, max).map((i) => `  • ${i}`);
  if (items.length > max) {
    shown.push(`  • ${vscode.l10n.t("… and {0} more", items.length - max)}`);
  }
  return shown.join("\n");
}
