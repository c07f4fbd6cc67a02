// Delete repository, manifest, tag: a modal that names exactly what goes (for
// a manifest, every tag pointing at it), then the node leaves the tree. Where
// a lock would make the registry refuse (shared/locks.ts), the modal says so
// and offers to unlock first.

import * as vscode from "vscode";
import { formatReference } from "../../client/index";
import { abortSignalFor } from "../cancellation";
import { sortedTags } from "../format";
import { ManifestNode } from "../tree/manifestNode";
import { RepositoryNode } from "../tree/repositoryNode";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { type ItemTarget, resolveTarget } from "./shared/itemTargets";
import { confirmDeletionOf, list } from "./shared/deleteConfirmation";
import { findLocks } from "./shared/locks";
import { findNode, findRepositoryNode } from "./shared/nodeTargets";
import { subjectRowOfReferrer } from "./shared/referrerSubject";

export interface DeleteResult {
  deleted: string;
  deletedManifests: string[];
  deletedTags: string[];
  /** What was unlocked first ("Unlock and Delete"), in words. */
  unlocked: string[];
}

export async function deleteRepository(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<DeleteResult | undefined> {
  const target = await resolveTarget(services, node, options, ["repository"]);
  if (!target) {
    return undefined;
  }
  const name = `${target.registry.loginServer}/${target.repository}`;
  const client = await services.connections.getClient(target.registry);
  const capabilities = await services.connections.getCapabilities(target.registry);
  const properties = capabilities.properties ? await client.getRepositoryProperties(target.repository) : undefined;
  const locks = await findLocks(services, client, target, properties);
  const unlocked: string[] = [];
  const counts =
    properties?.manifestCount !== undefined
      ? vscode.l10n.t("all {0} manifests and {1} tags in it", properties.manifestCount, properties.tagCount ?? vscode.l10n.t("all"))
      : vscode.l10n.t("every manifest and tag in it");
  const ok = await confirmDeletionOf(
    services,
    options,
    locks,
    vscode.l10n.t("Delete the repository {0}?", name),
    vscode.l10n.t("This deletes {0}. It cannot be undone.", counts),
    unlocked,
  );
  if (!ok) {
    return undefined;
  }
  const result = await withDeleteProgress(vscode.l10n.t("Deleting {0}", name), options, (abortSignal) =>
    client.deleteRepository(target.repository, { abortSignal }),
  );
  services.log.info(`Deleted repository ${name}: ${result.deletedManifests.length} manifests, ${result.deletedTags.length} tags`);
  await removeFromTree(services, target, findNode(services, target));
  return { deleted: name, ...result, unlocked };
}

export async function deleteManifest(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<DeleteResult | undefined> {
  const target = await resolveTarget(services, node, options, ["manifest"]);
  if (!target?.reference) {
    return undefined;
  }
  const client = await services.connections.getClient(target.registry);
  // The tags that go with it: from the tree, or asked of the registry.
  const properties =
    target.node instanceof ManifestNode ? target.node.properties : await client.getManifestProperties(target.repository, target.reference);
  const digest = properties.digest;
  const reference = formatReference(target.registry.loginServer, target.repository, digest);
  const detail = properties.tags.length
    ? (properties.tags.length === 1
        ? vscode.l10n.t("Its tag goes with it:")
        : vscode.l10n.t("Its {0} tags go with it:", properties.tags.length)) +
      `\n${list(sortedTags(properties.tags))}\n\n${vscode.l10n.t("This cannot be undone.")}`
    : vscode.l10n.t("It has no tags. This cannot be undone.");
  const locks = await findLocks(services, client, { ...target, reference: digest }, properties);
  const unlocked: string[] = [];
  const ok = await confirmDeletionOf(services, options, locks, vscode.l10n.t("Delete the manifest {0}?", reference), detail, unlocked);
  if (!ok) {
    return undefined;
  }
  await withDeleteProgress(vscode.l10n.t("Deleting {0}", reference), options, (abortSignal) =>
    client.deleteManifest(target.repository, digest, { abortSignal }),
  );
  services.log.info(`Deleted manifest ${reference} and its tags ${properties.tags.join(", ") || "(none)"}`);
  await removeFromTree(services, target, findNode(services, target, digest));
  return { deleted: reference, deletedManifests: [digest], deletedTags: properties.tags, unlocked };
}

export async function deleteTag(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<DeleteResult | undefined> {
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
    : "\n\n" +
      vscode.l10n.t(
        "This registry cannot delete a tag by itself: the tag is first moved to a small placeholder manifest, which is then deleted.",
      );
  const locks = await findLocks(services, client, target, tagProperties);
  const unlocked: string[] = [];
  const ok = await confirmDeletionOf(
    services,
    options,
    locks,
    vscode.l10n.t("Delete the tag {0}?", reference),
    vscode.l10n.t("Only the tag goes; the manifest {0} and its other tags stay.", tagProperties.digest) +
      `${emulated}\n\n${vscode.l10n.t("This cannot be undone.")}`,
    unlocked,
  );
  if (!ok) {
    return undefined;
  }
  await withDeleteProgress(vscode.l10n.t("Deleting {0}", reference), options, (abortSignal) =>
    client.deleteTag(target.repository, target.reference!, { abortSignal }),
  );
  services.log.info(`Deleted tag ${reference}`);
  await removeFromTree(services, target, findNode(services, target, tagProperties.digest));
  return { deleted: reference, deletedManifests: [], deletedTags: [target.reference], unlocked };
}

function withDeleteProgress<T>(title: string, options: CommandOptions, run: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_progress, token) => {
      const abort = abortSignalFor(token, options.cancellationToken);
      try {
        return await run(abort.signal);
      } catch (error) {
        if (abort.signal.aborted) {
          throw new vscode.CancellationError();
        }
        throw error;
      } finally {
        abort.dispose();
      }
    }),
  );
}

async function removeFromTree(services: Services, target: ItemTarget, node: TreeNode | undefined): Promise<void> {
  if (target.kind !== "repository") {
    await recountRepository(services, target);
  }
  const subject = node && subjectRowOfReferrer(node);
  if (subject) {
    services.tree.refresh(subject);
    return;
  }
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

/** The repository row's manifest and tag counts (ACR) read again, so they match what is left. */
async function recountRepository(services: Services, target: ItemTarget): Promise<void> {
  const repository = findRepositoryNode(services, target);
  if (repository instanceof RepositoryNode && repository.capabilities.properties) {
    await repository.loadProperties();
    services.tree.changed(repository);
  }
}
