// Delete with several tags and manifests selected in the tree (canSelectMany):
// one confirmation that names every item (a manifest with the tags that go
// with it; locks said, with "Unlock and Delete"), then the deletes one by one,
// going on after a failure, and one report. A tag whose manifest is also
// selected goes with the manifest and is not deleted on its own.

import * as vscode from "vscode";
import { formatReference } from "../../client/index";
import { ManifestNode } from "../tree/manifestNode";
import { TagNode } from "../tree/tagNode";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { confirmDeletionOf, list } from "./shared/deleteConfirmation";
import { type ItemTarget, targetFromNode } from "./shared/itemTargets";
import { findLocks, type ItemLock } from "./shared/locks";
import { findRepositoryNode } from "./shared/nodeTargets";
import { subjectRowOfReferrer } from "./shared/referrerSubject";

export interface DeleteSelectionResult {
  deleted: string[];
  failed: { item: string; error: Error }[];
  unlocked: string[];
}

export async function deleteSelection(
  services: Services,
  nodes: readonly TreeNode[],
  options: CommandOptions,
): Promise<DeleteSelectionResult | undefined> {
  const targets = nodes
    .map(targetFromNode)
    .filter((t): t is ItemTarget => t !== undefined && t.kind !== "repository" && t.reference !== undefined);
  const manifestKeys = new Set(
    targets.filter((t) => t.kind === "manifest").map((t) => `${t.registry.id}\n${t.repository}\n${t.reference}`),
  );
  const items = targets.filter(
    (t) => t.kind === "manifest" || !(t.node instanceof TagNode && manifestKeys.has(`${t.registry.id}\n${t.repository}\n${t.node.digest}`)),
  );
  if (items.length === 0) {
    return undefined;
  }
  const names = items.map((t) => {
    const reference = formatReference(t.registry.loginServer, t.repository, t.reference!);
    const tags =
      t.node instanceof ManifestNode && t.node.properties.tags.length
        ? ` (${vscode.l10n.t("with its tags {0}", t.node.properties.tags.join(", "))})`
        : "";
    return t.kind === "manifest" ? `${vscode.l10n.t("manifest")} ${reference}${tags}` : `${vscode.l10n.t("tag")} ${reference}`;
  });
  const locks: ItemLock[] = [];
  for (const target of items) {
    const client = await services.connections.getClient(target.registry);
    const own = target.node instanceof ManifestNode || target.node instanceof TagNode ? target.node.properties : undefined;
    for (const lock of await findLocks(services, client, target, own)) {
      if (!locks.some((known) => known.label === lock.label)) {
        locks.push(lock);
      }
    }
  }
  const unlocked: string[] = [];
  const ok = await confirmDeletionOf(
    services,
    options,
    locks,
    vscode.l10n.t("Delete these {0} items?", items.length),
    `${list(names, 50)}\n\n${vscode.l10n.t("This cannot be undone.")}`,
    unlocked,
  );
  if (!ok) {
    return undefined;
  }
  const result: DeleteSelectionResult = { deleted: [], failed: [], unlocked };
  const subjects = new Set<TreeNode>();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Deleting {0} items", items.length) },
    async (progress) => {
      // Tags first: deleting a manifest first would take a selected tag of it along and fail that tag's delete.
      const ordered = [...items.filter((t) => t.kind === "tag"), ...items.filter((t) => t.kind === "manifest")];
      for (const target of ordered) {
        const name = formatReference(target.registry.loginServer, target.repository, target.reference!);
        progress.report({ message: name, increment: 100 / ordered.length });
        try {
          const client = await services.connections.getClient(target.registry);
          if (target.kind === "tag") {
            await client.deleteTag(target.repository, target.reference!);
          } else {
            await client.deleteManifest(target.repository, target.reference!);
          }
          result.deleted.push(name);
          const subject = target.node && subjectRowOfReferrer(target.node);
          if (subject) {
            subjects.add(subject);
          }
        } catch (error) {
          result.failed.push({ item: name, error: error instanceof Error ? error : new Error(String(error)) });
        }
      }
    },
  );
  services.log.info(
    `Deleted ${result.deleted.join(", ") || "nothing"}${result.failed.length ? `; failed: ${result.failed.map((f) => `${f.item}: ${f.error.message}`).join("; ")}` : ""}`,
  );
  const repositories = new Map(items.map((t) => [`${t.registry.id}\n${t.repository}`, t]));
  for (const target of repositories.values()) {
    const node = findRepositoryNode(services, target);
    if (node) {
      services.tree.refresh(node);
    }
  }
  // Deleted referrer rows: their subjects read their referrers again, as after a single delete.
  for (const subject of subjects) {
    services.tree.refresh(subject);
  }
  if (result.failed.length) {
    void vscode.window.showWarningMessage(vscode.l10n.t("{0} deleted, {1} failed", result.deleted.length, result.failed.length), {
      detail: result.failed.map((f) => `${f.item}: ${f.error.message}`).join("\n"),
    });
  }
  return result;
}
