// Wasted Space: the image's layers (size, the step that made them) and the
// files later layers overwrote or deleted with the bytes they still cost, as
// a Markdown document (read from the cached layer indexes, no more requests).

import * as vscode from "vscode";
import type { ImageFilesystem, WastedSpaceSummary } from "../../client/index";
import type { CommandOptions, Services } from "../commands/shared/commandServices";
import { formatBytes } from "../format";
import type { TreeNode } from "../tree/treeNode";
import { imageMountsFor } from "./imageFilesFeature";
import { layerSummary } from "./layerSummary";
import { closeUnlessShared, openImageWithProgress } from "./openImage";

/** Files listed at most (the total counts them all). */
const MAX_LISTED_FILES = 500;

export async function showWastedSpace(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<{ document: vscode.TextDocument; summary: WastedSpaceSummary } | undefined> {
  const opened = await openImageWithProgress(services, imageMountsFor(services), node, options);
  if (!opened) {
    return undefined;
  }
  try {
    const summary = await opened.image.wastedSpace();
    const document = await vscode.workspace.openTextDocument({ language: "markdown", content: wastedSpaceMarkdown(opened.image, summary) });
    await vscode.window.showTextDocument(document, { preview: true });
    return { document, summary };
  } finally {
    await closeUnlessShared(opened);
  }
}

function cell(text: string): string {
  return text.replace(/[\\|`*_[\]<>]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, " ");
}

export function wastedSpaceMarkdown(image: ImageFilesystem, summary: WastedSpaceSummary): string {
  const lines = [`# ${cell(vscode.l10n.t("Layers and wasted space of {0}", `${image.repository}@${image.digest}`))}`, ""];
  const perLayer = new Map<number, number>();
  for (const file of summary.files) {
    perLayer.set(file.layerIndex, (perLayer.get(file.layerIndex) ?? 0) + file.size);
  }
  lines.push(
    `| ${vscode.l10n.t("Layer")} | ${vscode.l10n.t("Size")} | ${vscode.l10n.t("Wasted")} | ${vscode.l10n.t("Created by")} |`,
    "|---:|---:|---:|---|",
  );
  for (const layer of image.layers.slice(0, image.upToLayer + 1)) {
    lines.push(
      `| ${layer.index + 1} | ${formatBytes(layer.size)} | ${formatBytes(perLayer.get(layer.index) ?? 0)} | ${cell(layerSummary(layer))} |`,
    );
  }
  lines.push("", `## ${vscode.l10n.t("Wasted space: {0} in {1} files", formatBytes(summary.totalBytes), summary.files.length)}`, "");
  if (summary.files.length === 0) {
    lines.push(vscode.l10n.t("No layer carries bytes of a file that a later layer overwrote or deleted."));
    return lines.join("\n") + "\n";
  }
  lines.push(
    `| ${vscode.l10n.t("Path")} | ${vscode.l10n.t("Layer")} | ${vscode.l10n.t("Bytes")} | ${vscode.l10n.t("Why")} |`,
    "|---|---:|---:|---|",
  );
  for (const file of summary.files.slice(0, MAX_LISTED_FILES)) {
    const why = file.reason === "overwritten" ? vscode.l10n.t("overwritten later") : vscode.l10n.t("deleted later");
    lines.push(`| ${cell(file.path)} | ${file.layerIndex + 1} | ${file.size} | ${why} |`);
  }
  if (summary.files.length > MAX_LISTED_FILES) {
    lines.push("", vscode.l10n.t("…and {0} smaller files.", summary.files.length - MAX_LISTED_FILES));
  }
  return lines.join("\n") + "\n";
}
