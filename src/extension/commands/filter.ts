// Filter… and Clear Filter on a registry row (repositories by name prefix)
// and a repository row (manifests by tag pattern, or untagged only). The
// input is checked as it is typed, and again before it is applied.

import * as vscode from "vscode";
import { validateRepositoryPrefix } from "../../client/index";
import { tagGlob, untaggedOnly, type ManifestFilter } from "../tree/filters";
import { RegistryNode } from "../tree/registryNode";
import { RepositoryNode } from "../tree/repositoryNode";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { inputProblem } from "./shared/inputProblem";

export async function filter(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<void> {
  if (node instanceof RegistryNode) {
    await filterRegistry(services, node, options);
  } else if (node instanceof RepositoryNode) {
    await filterRepository(services, node, options);
  } else {
    throw new Error(vscode.l10n.t("Filter works on a registry or a repository in the tree."));
  }
}

async function filterRegistry(services: Services, node: RegistryNode, options: CommandOptions): Promise<void> {
  const prefix =
    options.prefix ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t("Filter repositories of {0}", node.registry.loginServer),
      prompt: vscode.l10n.t("Show the repositories whose names start with this (empty: all)"),
      placeHolder: vscode.l10n.t("for example team/ or team/app"),
      value: node.prefix ?? "",
      validateInput: (value) => inputProblem(validateRepositoryPrefix, value),
    }));
  if (prefix === undefined) {
    return;
  }
  validateRepositoryPrefix(prefix);
  node.setPrefix(prefix);
  services.tree.changed(node);
}

async function filterRepository(services: Services, node: RepositoryNode, options: CommandOptions): Promise<void> {
  let chosen: ManifestFilter | undefined;
  if (options.untaggedOnly) {
    chosen = untaggedOnly();
  } else if (options.tagPattern !== undefined) {
    chosen = tagGlob(options.tagPattern);
  } else {
    const byTag = { label: vscode.l10n.t("Tags matching a pattern…"), detail: vscode.l10n.t("for example v1.* or *-rc?") };
    const untagged = {
      label: vscode.l10n.t("Untagged manifests only"),
      detail: node.capabilities.properties ? undefined : vscode.l10n.t("this registry's API does not list them"),
    };
    const picked = await vscode.window.showQuickPick([byTag, untagged], { title: vscode.l10n.t("Filter manifests of {0}", node.name) });
    if (!picked) {
      return;
    }
    if (picked === untagged) {
      chosen = untaggedOnly();
    } else {
      const pattern = await vscode.window.showInputBox({
        title: vscode.l10n.t("Filter manifests of {0} by tag", node.name),
        prompt: vscode.l10n.t("Show the manifests with a tag matching this pattern (* any characters, ? one)"),
        value: node.filter?.kind === "tags" ? node.filter.pattern : "",
        validateInput: (value) => inputProblem(tagGlob, value),
      });
      if (pattern === undefined) {
        return;
      }
      chosen = tagGlob(pattern);
    }
  }
  node.setFilter(chosen);
  services.tree.changed(node);
}

export function clearFilter(services: Services, node: TreeNode | undefined): Promise<void> {
  if (node instanceof RegistryNode) {
    node.setPrefix(undefined);
  } else if (node instanceof RepositoryNode) {
    node.setFilter(undefined);
  } else {
    return Promise.reject(new Error(vscode.l10n.t("Clear Filter works on a filtered registry or repository in the tree.")));
  }
  services.tree.changed(node);
  return Promise.resolve();
}
