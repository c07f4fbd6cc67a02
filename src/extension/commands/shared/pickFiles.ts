// Choosing local files for the commands that send them (push, upload blob):
// the files a programmatic caller gave, or an open dialog in the workspace.

import * as fs from "node:fs";
import * as vscode from "vscode";
import type { CommandOptions } from "./commandServices";
import { toUri } from "./commandServices";

/** Files from the options, or from an open dialog in the workspace; `openLabel` is already localised. */
export async function pickFiles(options: CommandOptions, many: boolean, openLabel: string): Promise<string[] | undefined> {
  if (options.files) {
    return options.files.map((f) => toUri(f).fsPath);
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: many,
    openLabel,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.map((uri) => uri.fsPath);
}

/** The file's size; refuses anything that is not a regular file (a folder, a device). */
export async function regularFileSize(file: string): Promise<number> {
  const stat = await fs.promises.stat(file);
  if (!stat.isFile()) {
    throw new Error(vscode.l10n.t("{0} is not a regular file", file));
  }
  return stat.size;
}
