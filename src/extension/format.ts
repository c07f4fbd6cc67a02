// Plain-text formatting shared by the tree, the pickers and the commands:
// sizes, short digests, relative times and a human tag order.

import * as vscode from "vscode";

export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return vscode.l10n.t("{0} B", bytes);
  }
  const units = [
    (v: string) => vscode.l10n.t("{0} KB", v),
    (v: string) => vscode.l10n.t("{0} MB", v),
    (v: string) => vscode.l10n.t("{0} GB", v),
    (v: string) => vscode.l10n.t("{0} TB", v),
  ];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return units[unit](value.toFixed(value < 10 ? 1 : 0));
}

/** `sha256:` and the first 12 hex digits: enough to tell manifests apart in a list. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(":");
  return colon < 0 ? digest.slice(0, 12) : `${digest.slice(0, colon)}:${digest.slice(colon + 1, colon + 13)}`;
}

const RELATIVE_UNITS: [number, Intl.RelativeTimeFormatUnit][] = [
  [60 * 60 * 24 * 365, "year"],
  [60 * 60 * 24 * 30, "month"],
  [60 * 60 * 24, "day"],
  [60 * 60, "hour"],
  [60, "minute"],
];

/** "5 minutes ago" in the display language of VS Code (Intl does the wording and plurals). */
export function relativeTime(date: Date, now = Date.now()): string {
  const seconds = Math.round((now - date.getTime()) / 1000);
  for (const [size, unit] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= size) {
      const count = Math.floor(Math.abs(seconds) / size);
      return new Intl.RelativeTimeFormat(vscode.env.language, { numeric: "always" }).format(seconds < 0 ? count : -count, unit);
    }
  }
  return vscode.l10n.t("just now");
}

/** A date and time for a tooltip, in the display language, with the exact ISO form beside it. */
export function absoluteTime(date: Date): string {
  const local = new Intl.DateTimeFormat(vscode.env.language, { dateStyle: "medium", timeStyle: "medium" }).format(date);
  return `${local} (${date.toISOString()})`;
}

/** Tags in a stable, human order (the registry's order is arbitrary): v2 before v10. */
export function sortedTags(tags: readonly string[]): string[] {
  return [...tags].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}
