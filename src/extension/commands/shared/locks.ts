// What keeps an item from being deleted, by ACR's rule (protocol notes, "ACR
// locks and errors"): writeEnabled=false ("locked") or deleteEnabled=false on
// the item, on its repository (which applies to everything in it), and for a
// manifest on any tag pointing at it (deleting a manifest deletes its tags).
// Delete shows these and can turn them off first ("Unlock and Delete").

import * as vscode from "vscode";
import type { ArtifactPermissions, ArtifactTagProperties, ContainerRegistryClient } from "../../../client/index";
import { deleteBlockers, type DeleteBlocker } from "../../tree/permissions";
import type { Services } from "./commandServices";
import type { ItemTarget } from "./itemTargets";
import { updatePermissions } from "./permissionUpdates";

export interface ItemLock {
  /** The item whose permissions block the delete (the target, its repository, or a tag of the manifest). */
  holder: ItemTarget;
  /** What it is, in words: "the tag registry/repo:v1". */
  label: string;
  blockers: DeleteBlocker[];
}

/**
 * The locks that would make the registry refuse deleting `target`, from the
 * permissions the registry reports (none on registries without properties).
 */
export async function findLocks(
  services: Services,
  client: ContainerRegistryClient,
  target: ItemTarget,
  own: ArtifactPermissions | undefined,
): Promise<ItemLock[]> {
  const capabilities = await services.connections.getCapabilities(target.registry);
  if (!capabilities.properties) {
    return [];
  }
  const server = target.registry.loginServer;
  const locks: ItemLock[] = [];
  const add = (holder: ItemTarget, label: string, permissions: ArtifactPermissions | undefined): void => {
    const blockers = deleteBlockers(permissions);
    if (blockers.length) {
      locks.push({ holder, label, blockers });
    }
  };
  const labels = {
    repository: () => vscode.l10n.t("the repository {0}", `${server}/${target.repository}`),
    manifest: () => vscode.l10n.t("the manifest {0}", `${server}/${target.repository}@${target.reference}`),
    tag: () => vscode.l10n.t("the tag {0}", `${server}/${target.repository}:${target.reference}`),
  };
  add({ ...target, node: undefined }, labels[target.kind](), own);
  if (target.kind !== "repository") {
    const repository = await client.getRepositoryProperties(target.repository);
    add({ registry: target.registry, repository: target.repository, kind: "repository" }, labels.repository(), repository);
  }
  if (target.kind === "manifest") {
    const tags: ArtifactTagProperties[] = [];
    for await (const tag of client.listTagProperties(target.repository, { digest: target.reference })) {
      tags.push(tag);
    }
    for (const tag of tags) {
      const holder: ItemTarget = { registry: target.registry, repository: target.repository, kind: "tag", reference: tag.name };
      add(holder, vscode.l10n.t("its tag {0}", `${server}/${target.repository}:${tag.name}`), tag);
    }
  }
  return locks;
}

function blockerWords(blocker: DeleteBlocker): string {
  switch (blocker) {
    case "locked":
    case "repositoryLocked":
      return vscode.l10n.t("locked (writing is off)");
    case "deleteDisabled":
    case "repositoryDeleteDisabled":
      return vscode.l10n.t("delete disabled");
    case "tagLocked":
      return vscode.l10n.t("a tag of it is locked");
  }
}

/** One line per lock: "the tag …: locked (writing is off), delete disabled". */
export function describeLocks(locks: readonly ItemLock[]): string[] {
  return locks.map((lock) => `${lock.label}: ${lock.blockers.map(blockerWords).join(", ")}`);
}

/** Turns the blocking permissions back on, in the registry and in the tree; returns what was unlocked. */
export async function unlock(services: Services, locks: readonly ItemLock[]): Promise<string[]> {
  for (const lock of locks) {
    const change: ArtifactPermissions = {};
    if (lock.blockers.includes("locked")) {
      change.canWrite = true;
    }
    if (lock.blockers.includes("deleteDisabled")) {
      change.canDelete = true;
    }
    await updatePermissions(services, lock.holder, change);
  }
  return locks.map((lock) => lock.label);
}
