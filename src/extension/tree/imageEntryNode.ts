// A file or folder of an image in the tree (under Files, or under a layer):
// its `cre-image:` URI is the row's resourceUri, so the file icon theme, the
// layer's A/M/D FileDecorations (layerChangeDecorations.ts) and the
// Explorer's image-file commands apply as they do in an image folder, and a
// file opens as the same document Browse Files would open (same provider:
// same highlighting, binary and large-file behaviour). Folders list lazily;
// symlinks show their target (resolved inside the image only).

import * as vscode from "vscode";
import type { ImageFileStat } from "../../client/index";
import { formatBytes } from "../format";
import { imageEntryContext } from "./contextValues";
import type { TreeImageFiles } from "./imageFilesSource";
import { LoadedOnceNode } from "./loadedOnceNode";
import { imageEntryNodeId } from "./nodeIds";
import { NoteNode } from "./noteNode";
import type { ManifestScope } from "./scope";
import { accessibleRow, appendField } from "./tooltips";
import type { TreeNode } from "./treeNode";

/** What a layer did to a path, in words (the FileDecoration shows the letter). */
function changeWords(change: ImageFileStat["change"]): string | undefined {
  switch (change) {
    case "added":
      return vscode.l10n.t("added");
    case "changed":
      return vscode.l10n.t("changed");
    case "deleted":
      return vscode.l10n.t("deleted");
    default:
      return undefined;
  }
}

export class ImageEntryNode extends LoadedOnceNode {
  readonly id: string;

  constructor(
    readonly parent: TreeNode,
    readonly scope: ManifestScope,
    private readonly files: TreeImageFiles,
    /** The root of the mounted view (the whole image, or one layer). */
    readonly root: vscode.Uri,
    readonly stat: ImageFileStat,
    /** A symlink's target, when it resolves inside the image. */
    readonly target: ImageFileStat | undefined,
  ) {
    super();
    this.id = imageEntryNodeId(parent.id, stat.name);
  }

  /** The entry's own `cre-image:` URI (its canonical path in the image). */
  get uri(): vscode.Uri {
    return this.root.with({ path: this.stat.path });
  }

  get isDeleted(): boolean {
    return this.stat.change === "deleted";
  }

  get isFolder(): boolean {
    return this.resolvedType === "directory";
  }

  get isFile(): boolean {
    return this.resolvedType === "file" || this.resolvedType === "hardlink";
  }

  private get resolvedType(): ImageFileStat["type"] | undefined {
    return this.stat.type === "symlink" ? this.target?.type : this.stat.type;
  }

  getTreeItem(): vscode.TreeItem {
    const stat = this.stat;
    const item = new vscode.TreeItem(
      stat.name,
      this.isFolder && !this.isDeleted ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = this.id;
    item.resourceUri = this.uri;
    const parts: string[] = [];
    if (stat.type === "symlink") {
      parts.push(this.target ? `→ ${stat.linkTarget ?? ""}` : vscode.l10n.t("→ {0} (not in the image)", stat.linkTarget ?? ""));
      item.iconPath = new vscode.ThemeIcon(this.isFolder ? "file-symlink-directory" : "file-symlink-file");
    } else if (stat.type === "hardlink") {
      parts.push(vscode.l10n.t("hard link to {0}", stat.linkTarget ?? ""));
    } else if (stat.type === "other") {
      parts.push(vscode.l10n.t("special file"));
      item.iconPath = new vscode.ThemeIcon("circle-slash");
    }
    if (this.isFile && !this.isDeleted) {
      parts.push(formatBytes((this.target ?? stat).size));
    }
    const change = changeWords(stat.change);
    if (change) {
      parts.push(change);
    }
    item.description = parts.join(" · ") || undefined;
    item.contextValue = imageEntryContext(this.isFolder ? "folder" : this.isFile ? "file" : "other", this.isDeleted);
    if (this.isFile && !this.isDeleted) {
      item.command = { command: "vscode.open", title: vscode.l10n.t("Open File"), arguments: [this.uri] };
    }
    item.tooltip = this.tooltip(change);
    const kind =
      stat.type === "symlink"
        ? vscode.l10n.t("Symbolic link")
        : this.isFolder
          ? vscode.l10n.t("Folder")
          : this.isFile
            ? vscode.l10n.t("File")
            : vscode.l10n.t("Special file");
    item.accessibilityInformation = accessibleRow(kind, stat.name, item.description);
    return item;
  }

  protected override async load(): Promise<TreeNode[]> {
    return imageEntryRows(this, this.scope, this.files, this.root, this.stat.path);
  }

  private tooltip(change: string | undefined): vscode.MarkdownString {
    const stat = this.stat;
    const tooltip = new vscode.MarkdownString();
    appendField(tooltip, vscode.l10n.t("Path in the image:"), stat.path, true);
    if (stat.linkTarget !== undefined) {
      appendField(tooltip, vscode.l10n.t("Link target:"), stat.linkTarget);
    }
    if (this.isFile) {
      appendField(
        tooltip,
        vscode.l10n.t("Size:"),
        vscode.l10n.t("{0} ({1} bytes)", formatBytes((this.target ?? stat).size), (this.target ?? stat).size),
      );
    }
    appendField(tooltip, vscode.l10n.t("Mode:"), stat.mode.toString(8).padStart(4, "0"));
    if (stat.layerIndex !== undefined) {
      appendField(tooltip, vscode.l10n.t("Written by:"), vscode.l10n.t("layer {0}", stat.layerIndex + 1));
    }
    if (change) {
      appendField(tooltip, vscode.l10n.t("In this layer:"), change);
    }
    return tooltip;
  }
}

/**
 * A folder's rows beyond this are summed up in one note: a hostile or simply huge image can put a
 * million entries in one folder, and the tree keeps every row it is given. The Explorer (Browse
 * Files) pages a folder of any size itself.
 */
export const MAX_FOLDER_ROWS = 2000;

/** The rows of a folder of a mounted view: folders first, then by name (as the Explorer sorts). */
export async function imageEntryRows(
  parent: TreeNode & { scope: ManifestScope },
  scope: ManifestScope,
  files: TreeImageFiles,
  root: vscode.Uri,
  path: string,
): Promise<TreeNode[]> {
  const view = await files.view(root);
  const entries = await view.readDirectory(path);
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  // Cut before the symlinks' targets are read, so a huge folder costs no more than the rows shown.
  const shown = [...entries]
    .sort((a, b) => Number(b.type === "directory") - Number(a.type === "directory") || byName(a.name, b.name))
    .slice(0, MAX_FOLDER_ROWS);
  const rows = await Promise.all(
    shown.map(async (entry) => {
      const target = entry.type === "symlink" ? await view.stat(entry.path).catch(() => undefined) : undefined;
      return new ImageEntryNode(parent, scope, files, root, entry, target);
    }),
  );
  rows.sort((a, b) => Number(b.isFolder) - Number(a.isFolder) || byName(a.stat.name, b.stat.name));
  if (entries.length <= shown.length) {
    return rows;
  }
  const more = new NoteNode(
    parent,
    vscode.l10n.t(
      "{0} more entries in this folder are not shown here; Browse Files shows the whole folder in the Explorer",
      entries.length - shown.length,
    ),
    "more-entries",
  );
  return [...rows, more];
}
