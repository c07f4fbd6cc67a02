// How ACR's changeable attributes show in the tree: which ones block a delete
// (docs/protocols.md#acr-properties: writeEnabled=false blocks
// updates and deletes, deleteEnabled=false blocks deletes, and a repository's
// attributes apply to everything in it), a lock icon and words for the
// description, and the tooltip's permissions section.

import * as vscode from "vscode";
import type { ArtifactPermissions } from "../../client/index";

export type Permission = "read" | "write" | "delete" | "list";

export const PERMISSION_FIELDS: Record<Permission, keyof ArtifactPermissions> = {
  read: "canRead",
  write: "canWrite",
  delete: "canDelete",
  list: "canList",
};

/** Why the registry would refuse to delete an item; empty when nothing known blocks it. */
export type DeleteBlocker = "locked" | "deleteDisabled" | "repositoryLocked" | "repositoryDeleteDisabled" | "tagLocked";

/**
 * @param tags For a manifest, the permissions of the tags known to point at it:
 * deleting a manifest deletes its tags, so a locked tag blocks it too.
 */
export function deleteBlockers(
  own: ArtifactPermissions | undefined,
  repository?: ArtifactPermissions,
  tags: readonly ArtifactPermissions[] = [],
): DeleteBlocker[] {
  const blockers: DeleteBlocker[] = [];
  if (own?.canWrite === false) {
    blockers.push("locked");
  }
  if (own?.canDelete === false) {
    blockers.push("deleteDisabled");
  }
  if (repository?.canWrite === false) {
    blockers.push("repositoryLocked");
  }
  if (repository?.canDelete === false) {
    blockers.push("repositoryDeleteDisabled");
  }
  if (tags.some((tag) => tag.canWrite === false || tag.canDelete === false)) {
    blockers.push("tagLocked");
  }
  return blockers;
}

/** One sentence per blocker, for tooltips and the delete confirmation. */
export function deleteBlockerText(blocker: DeleteBlocker): string {
  switch (blocker) {
    case "locked":
      return vscode.l10n.t("It is locked (writing is off), so it cannot be deleted or changed. Unlock it first.");
    case "deleteDisabled":
      return vscode.l10n.t("Deleting it is turned off. Enable delete first.");
    case "repositoryLocked":
      return vscode.l10n.t("Its repository is locked, which protects everything in it. Unlock the repository first.");
    case "repositoryDeleteDisabled":
      return vscode.l10n.t("Deleting is turned off for its repository and everything in it. Enable delete on the repository first.");
    case "tagLocked":
      return vscode.l10n.t(
        "A tag that points at it is locked or cannot be deleted, and deleting the manifest deletes its tags. Unlock that tag first.",
      );
  }
}

/** Words for the description: "locked", "delete disabled". */
export function permissionBadges(permissions: ArtifactPermissions | undefined): string[] {
  const badges: string[] = [];
  if (permissions?.canWrite === false) {
    badges.push(vscode.l10n.t("locked"));
  }
  if (permissions?.canDelete === false) {
    badges.push(vscode.l10n.t("delete disabled"));
  }
  if (permissions?.canRead === false) {
    badges.push(vscode.l10n.t("read disabled"));
  }
  if (permissions?.canList === false) {
    badges.push(vscode.l10n.t("unlisted"));
  }
  return badges;
}

/** The lock icon where writing or deleting is off, else the node's own icon. */
export function iconFor(permissions: ArtifactPermissions | undefined, icon: string): vscode.ThemeIcon {
  if (permissions?.canWrite === false || permissions?.canDelete === false) {
    return new vscode.ThemeIcon("lock", new vscode.ThemeColor("list.warningForeground"));
  }
  return new vscode.ThemeIcon(icon);
}

/** The permissions line, then why the item cannot be deleted, if something blocks it. */
export function appendPermissions(
  markdown: vscode.MarkdownString,
  permissions: ArtifactPermissions | undefined,
  repository?: ArtifactPermissions,
  tags?: readonly ArtifactPermissions[],
): void {
  if (permissions && Object.values(PERMISSION_FIELDS).some((f) => permissions[f] !== undefined)) {
    const state = (value: boolean | undefined): string =>
      value === undefined ? vscode.l10n.t("unknown") : value ? vscode.l10n.t("enabled") : `**${vscode.l10n.t("disabled")}**`;
    markdown.appendMarkdown(
      "\n\n" +
        vscode.l10n.t(
          "**Permissions:** read {0} · write {1} · delete {2} · list {3}",
          state(permissions.canRead),
          state(permissions.canWrite),
          state(permissions.canDelete),
          state(permissions.canList),
        ),
    );
  }
  const blockers = deleteBlockers(permissions, repository, tags);
  if (blockers.length) {
    // Our own sentences (no registry text), so Markdown rather than escaped text.
    markdown.appendMarkdown(`\n\n**${vscode.l10n.t("Cannot be deleted:")}** ${blockers.map(deleteBlockerText).join(" ")}`);
  }
}
