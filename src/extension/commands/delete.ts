// Delete repository, manifest, tag: a modal that names exactly what goes (for
// a manifest, every tag pointing at it), then the node leaves the tree.

import * as vscode from "vscode";
import { formatReference } from "../../client/index";
import { ManifestNode, sortedTags } from "../tree/manifestNode";
import { RepositoryNode } from "../tree/repositoryNode";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./services";
import { findNode, findRepositoryNode, ItemTarget, resolveTarget } from "./targets";

export interface DeleteResult {
  deleted: string;
  deletedManifests: string[];
  deletedTags: string[];
}

/** Asks with a modal (or the caller's `confirm`); true to go ahead. */
export async function confirmDeletion(options: CommandOptions, message: string, detail: string): Promise<boolean> {
  if (options.skipConfirmation) {
    return true;
  }
  if (options.confirm) {
    return options.confirm(message, detail);
  }
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, "Delete");
  return choice === "Delete";
}

function list(items: string[], max = 20): string {
  const shown = items.slice(0, max).map((i) => `  • ${i}`);
  if (items.length > max) {
    shown.push(`  • … and ${items.length - max} more`);
  }
  return shown.join("\n");
}

export async function deleteRepository(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<DeleteResult | undefined> {
  const target = await resolveTarget(services, node, options, ["repository"]);
  if (!target) {
    return undefined;
  }
  const name = `${target.registry.loginServer}/${target.repository}`;
  const properties = target.node instanceof RepositoryNode ? target.node.properties : undefined;
  const counts =
    properties?.manifestCount !== undefined
      ? `all ${properties.manifestCount} manifests and ${properties.tagCount ?? "all"} tags in it`
      : "every manifest and tag in it";
  const ok = await confirmDeletion(options, `Delete the repository ${name}?`, `This deletes ${counts}. It cannot be undone.`);
  if (!ok) {
    return undefined;
  }
  const client = await services.connections.getClient(target.registry);
  const result = await withDeleteProgress(`Deleting ${name}`, options, (abortSignal) => client.deleteRepository(target.repository, { abortSignal }));
  services.log.info(`Deleted repository ${name}: ${result.deletedManifests.length} manifests, ${result.deletedTags.length} tags`);
  removeFromTree(services, target, findNode(services, target));
  return { deleted: name, ...result };
}

export async function deleteManifest(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<DeleteResult | undefined> {
  const target = await resolveTarget(services, node, options, ["manifest"]);
  if (!target?.reference) {
    return undefined;
  }
  const client = await services.connections.getClient(target.registry);
  // The tags that go with it: from the tree, or asked of the registry.
  const properties = target.node instanceof ManifestNode ? target.node.properties : await client.getManifestProperties(target.repository, target.reference);
  const digest = properties.digest;
  const reference = formatReference(target.registry.loginServer, target.repository, digest);
  const detail = properties.tags.length
    ? `Its ${properties.tags.length === 1 ? "tag goes" : `${properties.tags.length} tags go`} with it:\n${list(sortedTags(properties.tags))}\n\nThis cannot be undone.`
    : "It has no tags. This cannot be undone.";
  const ok = await confirmDeletion(options, `Delete the manifest ${reference}?`, detail);
  if (!ok) {
    return undefined;
  }
  await withDeleteProgress(`Deleting ${reference}`, options, (abortSignal) => client.deleteManifest(target.repository, digest, { abortSignal }));
  services.log.info(`Deleted manifest ${reference} and its tags ${properties.tags.join(", ") || "(none)"}`);
  removeFromTree(services, target, findNode(services, target, digest));
  return { deleted: reference, deletedManifests: [digest], deletedTags: properties.tags };
}

export async function deleteTag(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<DeleteResult | undefined> {
  const target = await resolveTarget(services, node, options, ["tag"]);
  if (!target?.reference) {
    return undefined;
  }
  const client = await services.connections.getClient(target.registry);
  const capabilities = await services.connections.getCapabilities(target.registry);
  const tagProperties = await client.getTagProperties(target.repository, target.reference);
  const reference = formatReference(target.registry.loginServer, target.repository, target.reference);
  const emulated = capabilities.deleteTagDirectly
    ? ""
    : "\n\nThis registry cannot delete a tag by itself: the tag is first moved to a small placeholder manifest, which is then deleted.";
  const ok = await confirmDeletion(
    options,
    `Delete the tag ${reference}?`,
    `Only the tag goes; the manifest ${tagProperties.digest} and its other tags stay.${emulated}\n\nThis cannot be undone.`,
  );
  if (!ok) {
    return undefined;
  }
  await withDeleteProgress(`Deleting ${reference}`, options, (abortSignal) => client.deleteTag(target.repository, target.reference!, { abortSignal }));
  services.log.info(`Deleted tag ${reference}`);
  removeFromTree(services, target, findNode(services, target, tagProperties.digest));
  return { deleted: reference, deletedManifests: [], deletedTags: [target.reference] };
}

function withDeleteProgress<T>(title: string, options: CommandOptions, run: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_progress, token) => {
      const controller = new AbortController();
      const subscriptions = [token, options.cancellationToken]
        .filter((t): t is vscode.CancellationToken => t !== undefined)
        .map((t) => t.onCancellationRequested(() => controller.abort()));
      try {
        return await run(controller.signal);
      } catch (error) {
        if (controller.signal.aborted) {
          throw new vscode.CancellationError();
        }
        throw error;
      } finally {
        subscriptions.forEach((s) => s.dispose());
      }
    }),
  );
}

function removeFromTree(services: Services, target: ItemTarget, node: TreeNode | undefined): void {
  if (node) {
    services.tree.removed(node);
    return;
  }
  const repository = findRepositoryNode(services, target);
  if (target.kind === "repository") {
    const registryNode = services.tree.getRegistryNode(target.registry.id);
    services.tree.refresh(registryNode);
  } else if (repository) {
    services.tree.refresh(repository);
  }
}
