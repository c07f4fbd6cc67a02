// Pull to Folder's formats (issue 17): the files by their titles (for
// artifacts), an OCI image layout (skopeo `oci:`, crane, podman, oras), or a
// docker-archive tarball (`docker load`, skopeo `docker-archive:`). The
// choice is asked with the last one first, and remembered in the setting
// `containerRegistryExplorer.pull.format`.

import * as vscode from "vscode";
import type { CommandOptions } from "./shared/commandServices";

export type PullFormat = "files" | "ociLayout" | "dockerArchive";

export const PULL_FORMATS: readonly PullFormat[] = ["files", "ociLayout", "dockerArchive"];
const SECTION = "containerRegistryExplorer";
const SETTING = "pull.format";

export function isPullFormat(value: unknown): value is PullFormat {
  return typeof value === "string" && (PULL_FORMATS as readonly string[]).includes(value);
}

/** The remembered format (the setting), or files when it holds nothing valid. */
export function rememberedPullFormat(): PullFormat {
  const value = vscode.workspace.getConfiguration(SECTION).get<string>(SETTING);
  return isPullFormat(value) ? value : "files";
}

/** The format given, or asked (the remembered one first) and then remembered. */
export async function choosePullFormat(options: CommandOptions): Promise<PullFormat | undefined> {
  if (options.format !== undefined) {
    if (!isPullFormat(options.format)) {
      throw new Error(vscode.l10n.t("Unknown pull format {0}; use one of {1}", String(options.format), PULL_FORMATS.join(", ")));
    }
    return options.format;
  }
  if (options.destination !== undefined) {
    return rememberedPullFormat();
  }
  const remembered = rememberedPullFormat();
  const items: (vscode.QuickPickItem & { format: PullFormat })[] = [
    {
      format: "files",
      label: vscode.l10n.t("Files by their titles"),
      detail: vscode.l10n.t("manifest.json, config.json and each layer as a file (for artifacts)"),
    },
    {
      format: "ociLayout",
      label: vscode.l10n.t("OCI image layout"),
      detail: vscode.l10n.t("A folder skopeo, crane, podman and oras read; several images can share it"),
    },
    {
      format: "dockerArchive",
      label: vscode.l10n.t("docker-archive tarball"),
      detail: vscode.l10n.t("A .tar file that docker load reads"),
    },
  ];
  items.sort((a, b) => Number(b.format === remembered) - Number(a.format === remembered));
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t("Pull as"),
    placeHolder: vscode.l10n.t("The format to write"),
  });
  if (!picked) {
    return undefined;
  }
  if (picked.format !== remembered) {
    await vscode.workspace.getConfiguration(SECTION).update(SETTING, picked.format, vscode.ConfigurationTarget.Global);
  }
  return picked.format;
}

/** A file or folder name for the image: the repository's last component and the tag (or the digest's start). */
export function imageFolderName(repository: string, reference: string): string {
  const name = repository.split("/").pop() ?? repository;
  const suffix = reference.startsWith("sha256:") ? reference.slice("sha256:".length, "sha256:".length + 12) : reference;
  // Repository components and tags hold only [a-z0-9._-] and [\w.-] (distribution spec), safe in a file name.
  return `${name}-${suffix}`.replace(/[^\w.-]/g, "_");
}
