// Pieces of the tree's Markdown tooltips: dates, and registry-supplied text
// that must not break out of its Markdown.

import * as vscode from "vscode";
import { absoluteTime } from "../format";

export function appendDates(markdown: vscode.MarkdownString, created?: Date, updated?: Date): void {
  if (created) {
    markdown.appendMarkdown(`\n\n**${vscode.l10n.t("Created:")}** `).appendText(absoluteTime(created));
  }
  if (updated) {
    markdown.appendMarkdown(`\n\n**${vscode.l10n.t("Last updated:")}** `).appendText(absoluteTime(updated));
  }
}

/** A registry-supplied value as Markdown inline code (backticks removed, so it cannot break out). */
export function inlineCode(text: string): string {
  return `\`${text.replace(/[`\r\n]/g, "")}\``;
}

/** A bold label and a plain-text value (escaped: registry-supplied text stays text). */
export function appendField(markdown: vscode.MarkdownString, label: string, value: string, first = false): vscode.MarkdownString {
  return markdown.appendMarkdown(`${first ? "" : "\n\n"}**${label}** `).appendText(value);
}

/**
 * What a screen reader says for a row: the kind of item, its label, and the
 * description in words (" · " separators read as pauses, not as symbols).
 */
export function accessibleRow(kind: string, label: string, description?: string): vscode.AccessibilityInformation {
  const details = description ? `, ${description.split(" · ").join(", ")}` : "";
  return { label: `${kind} ${label}${details}` };
}
