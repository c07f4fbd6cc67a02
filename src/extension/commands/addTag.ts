// Add Tag… on a manifest or tag: the same manifest bytes under another tag
// (the digest does not change); the repository's row refreshes.

import * as vscode from "vscode";
import { formatReference, validateTag } from "../../client/index";
import { askTag, confirmTagReplacement } from "./shared/askTag";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { digestOfTarget, resolveTarget } from "./shared/itemTargets";
import { findRepositoryNode } from "./shared/nodeTargets";

export interface AddTagResult {
  reference: string;
  digest: string;
}

export async function addTag(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<AddTagResult | undefined> {
  const target = await resolveTarget(services, node, options, ["manifest", "tag"]);
  if (!target?.reference) {
    return undefined;
  }
  const digest = await digestOfTarget(services, target);
  const tag =
    options.tag ??
    (await askTag(vscode.l10n.t("Add a tag to {0}", formatReference(target.registry.loginServer, target.repository, target.reference))));
  if (tag === undefined) {
    return undefined;
  }
  validateTag(tag);
  const client = await services.connections.getClient(target.registry);
  if (
    !(await confirmTagReplacement(
      client,
      { loginServer: target.registry.loginServer, repository: target.repository },
      tag,
      digest,
      options,
    ))
  ) {
    return undefined;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t("Tagging {0}", tag) },
    () => client.addTag(target.repository, digest, tag),
  );
  const reference = formatReference(target.registry.loginServer, target.repository, tag);
  services.log.info(`Tagged ${target.repository}@${result.digest} as ${tag}`);
  const repositoryNode = findRepositoryNode(services, target);
  if (repositoryNode) {
    services.tree.refresh(repositoryNode);
  }
  vscode.window.setStatusBarMessage(vscode.l10n.t("Tagged {0}", reference), 3000);
  return { reference, digest: result.digest };
}
