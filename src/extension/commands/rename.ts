// Rename…: a registry's own name in the tree (the host stays as its description).

import * as vscode from "vscode";
import type { SavedRegistry } from "../connections";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { resolveRegistry } from "./shared/itemTargets";

/** Longer names are cut off in the tree anyway; a limit keeps the saved state small. */
const MAX_NAME_LENGTH = 100;

export async function renameRegistry(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions & { name?: string },
): Promise<SavedRegistry | undefined> {
  const registry = await resolveRegistry(services, node, options);
  if (!registry) {
    return undefined;
  }
  const validate = (value: string): string | undefined =>
    value.trim().length > MAX_NAME_LENGTH ? vscode.l10n.t("At most {0} characters", MAX_NAME_LENGTH) : undefined;
  const name =
    options.name ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t("Rename {0}", registry.name ?? registry.loginServer),
      prompt: vscode.l10n.t("A name for this registry in the tree; leave empty to show its host"),
      value: registry.name ?? "",
      validateInput: validate,
    }));
  if (name === undefined) {
    return undefined;
  }
  const problem = validate(name);
  if (problem) {
    throw new Error(problem);
  }
  return services.connections.rename(registry.id, name);
}
