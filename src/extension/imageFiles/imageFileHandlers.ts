// The image-files commands (issue 14), for registerCommands.ts. Each handler
// loads its module on first use (a dynamic import), so activation does not
// evaluate any of the feature.

import * as vscode from "vscode";
import type { Handler } from "../commands/registerCommands";
import type { Services } from "../commands/shared/commandServices";

export const IMAGE_FILE_COMMANDS = {
  browseFiles: "containerRegistryExplorer.browseFiles",
  browseLayer: "containerRegistryExplorer.browseLayer",
  wastedSpace: "containerRegistryExplorer.showWastedSpace",
  copyPath: "containerRegistryExplorer.imageFiles.copyPath",
  saveAs: "containerRegistryExplorer.imageFiles.saveAs",
  compareWith: "containerRegistryExplorer.imageFiles.compareWith",
  clearCache: "containerRegistryExplorer.clearImageFileCache",
} as const;

export function imageFileTitles(): Record<string, () => string> {
  return {
    [IMAGE_FILE_COMMANDS.browseFiles]: () => vscode.l10n.t("Browse files"),
    [IMAGE_FILE_COMMANDS.browseLayer]: () => vscode.l10n.t("Browse layer"),
    [IMAGE_FILE_COMMANDS.wastedSpace]: () => vscode.l10n.t("Layers and wasted space"),
    [IMAGE_FILE_COMMANDS.copyPath]: () => vscode.l10n.t("Copy path"),
    [IMAGE_FILE_COMMANDS.saveAs]: () => vscode.l10n.t("Save file as"),
    [IMAGE_FILE_COMMANDS.compareWith]: () => vscode.l10n.t("Compare with"),
    [IMAGE_FILE_COMMANDS.clearCache]: () => vscode.l10n.t("Clear image file cache"),
  };
}

export function imageFileHandlers(services: Services): Record<string, Handler> {
  return {
    [IMAGE_FILE_COMMANDS.browseFiles]: async (node, options) => (await import("./browseFiles")).browseFiles(services, node, options),
    [IMAGE_FILE_COMMANDS.browseLayer]: async (node, options) => (await import("./browseLayer")).browseLayer(services, node, options),
    [IMAGE_FILE_COMMANDS.wastedSpace]: async (node, options) =>
      (await import("./wastedSpaceReport")).showWastedSpace(services, node, options),
    [IMAGE_FILE_COMMANDS.copyPath]: async (_node, options, _selection, args) =>
      (await import("./imageFileCommands")).copyImagePath(services, args, options),
    [IMAGE_FILE_COMMANDS.saveAs]: async (_node, options, _selection, args) =>
      (await import("./imageFileCommands")).saveImageFileAs(services, args, options),
    [IMAGE_FILE_COMMANDS.compareWith]: async (_node, options, _selection, args) =>
      (await import("./imageFileCommands")).compareImageFileWith(services, args, options),
    [IMAGE_FILE_COMMANDS.clearCache]: async () => (await import("./clearImageFileCache")).clearImageFileCache(services),
  };
}
