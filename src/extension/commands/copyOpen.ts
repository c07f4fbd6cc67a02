// Copy reference and digest, open a manifest as read-only JSON, refresh, and
// the tree's own actions (load more, retry, open log).

import * as vscode from "vscode";
import { formatReference, isDigest } from "../../client/index";
import { ManifestDocuments } from "../manifestDocuments";
import { ErrorNode, LoadMoreNode } from "../tree/pagingNodes";
import { RegistryNode } from "../tree/registryNode";
import { RepositoryNode } from "../tree/repositoryNode";
import { TagNode } from "../tree/tagNode";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./services";
import { ItemTarget, resolveTarget } from "./targets";

/** The digest a target stands for; a tag is resolved with the registry. */
async function digestOf(services: Services, target: ItemTarget): Promise<string> {
  if (target.node instanceof TagNode) {
    return target.node.digest;
  }
  if (target.reference && isDigest(target.reference)) {
    return target.reference;
  }
  const client = await services.connections.getClient(target.registry);
  return (await client.getTagProperties(target.repository, target.reference!)).digest;
}

export async function copyReference(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<string | undefined> {
  const target = await resolveTarget(services, node, options, ["repository", "manifest", "tag"]);
  if (!target) {
    return undefined;
  }
  const text =
    target.kind === "repository"
      ? `${target.registry.loginServer}/${target.repository}`
      : formatReference(target.registry.loginServer, target.repository, target.reference!);
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(`Copied ${text}`, 3000);
  return text;
}

export async function copyDigest(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<string | undefined> {
  const target = await resolveTarget(services, node, options, ["manifest", "tag"]);
  if (!target) {
    return undefined;
  }
  const digest = await digestOf(services, target);
  await vscode.env.clipboard.writeText(digest);
  vscode.window.setStatusBarMessage(`Copied ${digest}`, 3000);
  return digest;
}

export async function openManifest(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<vscode.TextDocument | undefined> {
  const target = await resolveTarget(services, node, options, ["manifest", "tag"]);
  if (!target) {
    return undefined;
  }
  const digest = await digestOf(services, target);
  const uri = ManifestDocuments.uriFor(target.registry.id, target.repository, digest);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: true });
  return document;
}

export async function refresh(services: Services, node: TreeNode | undefined): Promise<void> {
  if (node instanceof RegistryNode) {
    // Refreshing a registry also reads its credentials again (a new sign-in, an edited Docker config).
    services.connections.forgetClient(node.registry.id);
  }
  if (node instanceof RepositoryNode && node.capabilities.properties) {
    await node.loadProperties();
  }
  services.tree.refresh(node);
}

export async function loadMore(services: Services, node: TreeNode | undefined): Promise<void> {
  if (node instanceof LoadMoreNode) {
    await node.parent.loadMore();
    services.tree.changed(node.parent);
  }
}

export async function retry(services: Services, node: TreeNode | undefined): Promise<void> {
  if (node instanceof ErrorNode) {
    // A new client re-reads credentials that may have been fixed meanwhile (Docker config, a new sign-in).
    services.connections.forgetClient(node.scope.registry.id);
    await node.parent.retry();
    services.tree.changed(node.parent);
  }
}
