// Permissions in the tree: contextValue tokens that `when` clauses match with
// regular expressions (`viewItem =~ /;write:on\b/`), a lock icon and a word in
// the description when writing or deleting is off, and a tooltip section.

import * as vscode from "vscode";
import type { ArtifactPermissions } from "../../client/index";

export type Permission = "read" | "write" | "delete" | "list";

export const PERMISSION_FIELDS: Record<Permission, keyof ArtifactPermissions> = {
  read: "canRead",
  write: "canWrite",
  delete: "canDelete",
  list: "canList",
};

/** `;read:on;write:off;...` for the permissions the registry reported; empty when it reports none. */
export function permissionTokens(permissions: ArtifactPermissions | undefined): string {
  if (!permissions) {
    return "";
  }
  let tokens = "";
  for (const [name, field] of Object.entries(PERMISSION_FIELDS)) {
    const value = permissions[field];
    if (value !== undefined) {
      tokens += `;${name}:${value ? "on" : "off"}`;
    }
  }
  return tokens;
}

/** Words for the description: "locked", "delete disabled". */
export function permissionBadges(permissions: ArtifactPermissions | undefined): string[] {
  const badges: string[] = [];
  if (permissions?.canWrite === false) {
    badges.push("locked");
  }
  if (permissions?.canDelete === false) {
    badges.push("delete disabled");
  }
  if (permissions?.canRead === false) {
    badges.push("read disabled");
  }
  if (permissions?.canList === false) {
    badges.push("unlisted");
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

export function appendPermissions(markdown: vscode.MarkdownString, permissions: ArtifactPermissions | undefined): void {
  if (!permissions || Object.values(PERMISSION_FIELDS).every((f) => permissions[f] === undefined)) {
    return;
  }
  const state = (value: boolean | undefined): string => (value === undefined ? "unknown" : value ? "enabled" : "**disabled**");
  markdown.appendMarkdown(
    `\n\n**Permissions:** read ${state(permissions.canRead)} · write ${state(permissions.canWrite)} · ` +
      `delete ${state(permissions.canDelete)} · list ${state(permissions.canList)}`,
  );
}

export function appendDates(markdown: vscode.MarkdownString, created?: Date, updated?: Date): void {
  if (created) {
    markdown.appendMarkdown(`\n\n**Created:** ${created.toISOString()}`);
  }
  if (updated) {
    markdown.appendMarkdown(`\n\n**Last updated:** ${updated.toISOString()}`);
  }
}

/** A registry-supplied value as Markdown inline code (backticks removed, so it cannot break out). */
export function inlineCode(text: string): string {
  return `\`${text.replace(/[`\r\n]/g, "")}\``;
}
