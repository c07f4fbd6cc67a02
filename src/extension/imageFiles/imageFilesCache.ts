// Where the extension keeps image layers (issue 14): a folder of its global
// storage, capped by the `imageFiles.cacheSizeMB` setting.

import * as path from "node:path";
import * as vscode from "vscode";

export const CACHE_SIZE_SETTING = "containerRegistryExplorer.imageFiles.cacheSizeMB";
const DEFAULT_CACHE_SIZE_MB = 4096;

export function imageFilesCacheDir(context: vscode.ExtensionContext): string {
  return path.join(context.globalStorageUri.fsPath, "image-files");
}

/** The cap in bytes: the setting when it is a whole number above 0, else the default. */
export function imageFilesCacheMaxBytes(): number {
  const value = vscode.workspace.getConfiguration().get<number>(CACHE_SIZE_SETTING, DEFAULT_CACHE_SIZE_MB);
  const megabytes = Number.isInteger(value) && value > 0 ? value : DEFAULT_CACHE_SIZE_MB;
  return megabytes * 1024 * 1024;
}
