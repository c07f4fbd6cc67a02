// In a layer's own folder (Browse Layer), each entry carries what the layer
// did to it, as the Source Control view marks files: A(dded), M(odified),
// D(eleted, a whiteout or what an opaque whiteout hid).

import * as vscode from "vscode";
import { IMAGE_FILES_SCHEME } from "./imageFileSystemProvider";
import type { ImageMounts } from "./imageMounts";

export class LayerChangeDecorations implements vscode.FileDecorationProvider {
  constructor(private readonly mounts: ImageMounts) {}

  async provideFileDecoration(uri: vscode.Uri): Promise<vscode.FileDecoration | undefined> {
    if (uri.scheme !== IMAGE_FILES_SCHEME || this.mounts.mountOf(uri)?.layer === undefined || uri.path === "/") {
      return undefined;
    }
    const image = await this.mounts.provider.imageAt(uri).catch(() => undefined);
    const stat = await image?.lstat(uri.path).catch(() => undefined);
    switch (stat?.change) {
      case "added":
        return new vscode.FileDecoration(
          "A",
          vscode.l10n.t("Added by this layer"),
          new vscode.ThemeColor("gitDecoration.addedResourceForeground"),
        );
      case "changed":
        return new vscode.FileDecoration(
          "M",
          vscode.l10n.t("Changed by this layer"),
          new vscode.ThemeColor("gitDecoration.modifiedResourceForeground"),
        );
      case "deleted":
        return new vscode.FileDecoration(
          "D",
          vscode.l10n.t("Deleted by this layer"),
          new vscode.ThemeColor("gitDecoration.deletedResourceForeground"),
        );
      default:
        return undefined;
    }
  }
}
