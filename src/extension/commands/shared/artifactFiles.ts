// The files of Push Files as Artifact: files and folders, picked or given.
// A folder stands for the regular files directly in it (each one layer,
// titled with its name, as `oras push dir/*` would send them); subfolders
// and links in it are left out and named in the log, since an artifact's
// titles are plain file names (layout/folderFileNames.ts on the pull side).
// An artifact type is asked for when none is given.

import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { DEFAULT_ARTIFACT_TYPE } from "../../../client/index";
import type { Log } from "../../log";
import { type CommandOptions, toUri } from "./commandServices";

// RFC 6838 section 4.2: type "/" subtype, each a restricted name of up to 127 characters.
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

export function mediaTypeProblem(value: string): string | undefined {
  return MEDIA_TYPE.test(value)
    ? undefined
    : vscode.l10n.t("{0} is not a media type (type/subtype, such as application/vnd.example.config.v1+json)", value);
}

/** Files and folders from the options, or picked: files, or one folder (a dialog cannot offer both on every platform). */
export async function pickArtifactPaths(options: CommandOptions, openLabel: string): Promise<string[] | undefined> {
  if (options.files) {
    return options.files.map((f) => toUri(f).fsPath);
  }
  const files = vscode.l10n.t("Files…");
  const folder = vscode.l10n.t("A folder…");
  const kind = await vscode.window.showQuickPick([files, folder], {
    title: vscode.l10n.t("Push files as an artifact"),
    placeHolder: vscode.l10n.t("What to push"),
  });
  if (!kind) {
    return undefined;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: kind === files,
    canSelectFolders: kind === folder,
    canSelectMany: kind === files,
    openLabel,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.map((uri) => uri.fsPath);
}

/** The regular files the paths stand for, in order: a file itself, a folder its regular files (sorted by name). */
export async function expandArtifactPaths(paths: readonly string[], log: Log): Promise<string[]> {
  const files: string[] = [];
  for (const given of paths) {
    const stats = await fs.promises.stat(given);
    if (stats.isFile()) {
      files.push(given);
      continue;
    }
    if (!stats.isDirectory()) {
      throw new Error(vscode.l10n.t("{0} is not a regular file", given));
    }
    const entries = (await fs.promises.readdir(given, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    const skipped = entries.filter((e) => !e.isFile()).map((e) => e.name);
    if (skipped.length > 0) {
      log.info(`Push: left out of ${given} (not regular files): ${skipped.join(", ")}`);
    }
    files.push(...entries.filter((e) => e.isFile()).map((e) => path.join(given, e.name)));
  }
  if (paths.length > 0 && files.length === 0) {
    throw new Error(vscode.l10n.t("There are no regular files to push in {0}", paths.join(", ")));
  }
  return files;
}

/** The artifact type given, or asked (interactive callers only); checked either way. */
export async function chooseArtifactType(options: CommandOptions): Promise<string | undefined> {
  const given = options.artifactType ?? (options.files ? DEFAULT_ARTIFACT_TYPE : undefined);
  const type =
    given ??
    (
      await vscode.window.showInputBox({
        title: vscode.l10n.t("Artifact type"),
        prompt: vscode.l10n.t("The media type that says what this artifact is (the manifest's artifactType)"),
        value: DEFAULT_ARTIFACT_TYPE,
        ignoreFocusOut: true,
        validateInput: (value) => mediaTypeProblem(value.trim()),
      })
    )?.trim();
  if (type === undefined) {
    return undefined;
  }
  const problem = mediaTypeProblem(type);
  if (problem) {
    throw new Error(problem);
  }
  return type;
}
