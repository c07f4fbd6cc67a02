// Open Manifest: the manifest as a read-only JSON document (manifestDocuments.ts).

import * as vscode from "vscode";
import { ManifestDocuments } from "../manifestDocuments";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { digestOfTarget, resolveTarget } from "./shared/itemTargets";

export async function openManifest(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<vscode.TextDocument | undefined> {
  const target = await resolveTarget(services, node, options, ["manifest", "tag"]);
  if (!target) {
    return undefined;
  }
  const digest = await digestOfTarget(services, target);
  const uri = ManifestDocuments.uriFor(target.registry.id, target.repository, digest);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: true });
  return document;
}
