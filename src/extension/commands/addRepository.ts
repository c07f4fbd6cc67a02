// Add Repository…: a repository kept by name with its registry and shown in
// the tree even when the registry has no catalog or refuses it (Docker Hub,
// GHCR without a catalog scope). The name is validated as it is typed.

import * as vscode from "vscode";
import { validateRepositoryName } from "../../client/index";
import { revealInTree } from "../revealInTree";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { inputProblem } from "./shared/inputProblem";
import { resolveRegistry } from "./shared/itemTargets";

export function repositoryNameProblem(value: string): string | undefined {
  return inputProblem(validateRepositoryName, value.trim());
}

export async function addRepository(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<TreeNode | undefined> {
  const registry = await resolveRegistry(services, node, options);
  if (!registry) {
    return undefined;
  }
  const typed =
    options.repository ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t("Add Repository to {0}", registry.name ?? registry.loginServer),
      prompt: vscode.l10n.t("The repository's name, e.g. library/nginx or team/app"),
      ignoreFocusOut: true,
      validateInput: repositoryNameProblem,
    }));
  if (typed === undefined) {
    return undefined;
  }
  const repository = validateRepositoryName(typed.trim());
  await services.connections.addRepository(registry.id, repository);
  services.tree.changed(services.tree.getRegistryNode(registry.id));
  return revealInTree(services, registry, repository);
}
