// Inspect Image: the inspector's Markdown document (inspect/inspectDocuments.ts)
// shown in VS Code's Markdown preview, which follows the color theme and is
// read with the keyboard like any document. On an index with `platform`
// (programmatic callers), the platform's own image.

import * as vscode from "vscode";
import { documentUri } from "../inspect/inspectUris";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { digestOfTarget, resolveTarget } from "./shared/itemTargets";

export async function inspectImage(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<vscode.TextDocument | undefined> {
  const target = await resolveTarget(services, node, options, ["manifest", "tag"]);
  if (!target) {
    return undefined;
  }
  let digest = await digestOfTarget(services, target);
  if (options.platform !== undefined) {
    const client = await services.connections.getClient(target.registry);
    digest = (await client.getImageConfig(target.repository, digest, { platform: options.platform })).manifestDigest;
  }
  const tag = target.kind === "tag" ? target.reference : undefined;
  const uri = documentUri("inspect", { registryId: target.registry.id, repository: target.repository, digest, tag });
  // Rendered through the provider first (errors surface here, before any preview is shown
  // half-empty, and as the provider's own message: openTextDocument would wrap it in
  // "cannot open <uri>. Detail: …"); the document then opens from the provider's cache.
  const reading = new vscode.CancellationTokenSource();
  try {
    await services.inspect.provideTextDocumentContent(uri, reading.token);
  } finally {
    reading.dispose();
  }
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.commands.executeCommand("markdown.showPreview", uri);
  return document;
}
