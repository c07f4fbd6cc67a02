// Where an image's folder opens. Adding a folder to a window that has one
// folder (or none) makes VS Code enter an untitled multi-root workspace, and
// in code-server (VS Code for the web) entering a workspace reloads the whole
// page, which would drop the progress and the open image. So the folder is
// added to the Explorer only when the window already is multi-root; otherwise
// it opens in a new window, whose extension host opens the image again from
// the saved mount (imageMounts.ts), from the cache this window just filled.

import * as vscode from "vscode";
import type { CommandOptions } from "../commands/shared/commandServices";

export type OpenIn = NonNullable<CommandOptions["openIn"]>;

export function chooseOpenIn(options: CommandOptions): OpenIn {
  if (options.openIn !== undefined) {
    if (!["workspace", "newWindow", "none"].includes(options.openIn)) {
      throw new Error(vscode.l10n.t("openIn must be workspace, newWindow or none"));
    }
    return options.openIn;
  }
  return vscode.workspace.workspaceFile !== undefined ? "workspace" : "newWindow";
}

/** Adds the folder to the Explorer (once); resolves when VS Code shows it. */
export async function addWorkspaceFolder(root: vscode.Uri, name: string): Promise<boolean> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.some((folder) => folder.uri.toString() === root.toString())) {
    return false;
  }
  const shown = new Promise<void>((resolve) => {
    const listener = vscode.workspace.onDidChangeWorkspaceFolders(() => {
      listener.dispose();
      resolve();
    });
  });
  if (!vscode.workspace.updateWorkspaceFolders(folders.length, 0, { uri: root, name })) {
    throw new Error(vscode.l10n.t("VS Code did not add the folder {0}", name));
  }
  await shown;
  return true;
}

export async function removeWorkspaceFolder(root: vscode.Uri): Promise<void> {
  const index = (vscode.workspace.workspaceFolders ?? []).findIndex((folder) => folder.uri.toString() === root.toString());
  if (index >= 0) {
    vscode.workspace.updateWorkspaceFolders(index, 1);
  }
}

export async function openInNewWindow(root: vscode.Uri): Promise<void> {
  await vscode.commands.executeCommand("vscode.openFolder", root, { forceNewWindow: true });
}
