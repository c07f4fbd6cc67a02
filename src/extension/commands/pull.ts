// Pull: a manifest (or the one a tag points at; for an index, one platform's,
// or for a layout several) in the format chosen (pullFormat.ts): into a
// folder of files through the library's pullToFolder, an OCI layout
// (pullImage), or a docker-archive tarball (pullDockerArchive). The files: several blobs at once, each received into a verified hidden
// file in the folder; the files get their names only once every digest
// checked out, so a failed or cancelled pull leaves nothing behind. The
// manifest fetched here (to find the platform and the file names) is handed
// to the pull, which does not fetch it again.
//
// Files: manifest.json (the exact bytes), config.json, and one file per layer,
// named from its `org.opencontainers.image.title` annotation where that is a
// safe single file name inside the folder, else by digest (sha256-<hex>);
// the library's planFolderFiles names them.

import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  formatReference,
  type GetManifestResult,
  isDigest,
  MediaTypes,
  type OciDescriptor,
  type PlatformChoice,
  planFolderFiles,
  platformName,
  type PulledFile,
  type TransferProgress,
} from "../../client/index";
import { withTransferProgress } from "../progress";
import { choosePullFormat, imageFolderName, type PullFormat } from "./pullFormat";
import type { TreeNode } from "../tree/treeNode";
import { type CommandOptions, type Services, toUri } from "./shared/commandServices";
import { resolveTarget } from "./shared/itemTargets";

export type { PulledFile } from "../../client/index";

export interface PullResult {
  reference: string;
  digest: string;
  format: PullFormat;
  /** The folder written into (for a docker-archive, the one holding the file). */
  folder: string;
  /** What was written: the folder, the layout, or the archive file. */
  path: string;
  /** The files written (the "files" format). */
  files: PulledFile[];
}

export async function pull(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<PullResult | undefined> {
  const target = await resolveTarget(services, node, options, ["manifest", "tag"]);
  if (!target?.reference) {
    return undefined;
  }
  const client = await services.connections.getClient(target.registry);
  let manifest = await client.getManifest(target.repository, target.reference);
  const format = await choosePullFormat(options);
  if (!format) {
    return undefined;
  }
  const isIndex = MediaTypes.isIndexMediaType(manifest.mediaType) || Array.isArray(manifest.manifest.manifests);
  let platforms: PlatformChoice | undefined;
  if (isIndex && format === "ociLayout") {
    platforms = await pickPlatforms(manifest, options);
    if (!platforms) {
      return undefined;
    }
  } else if (isIndex) {
    const platform = await pickPlatform(manifest, options);
    if (!platform) {
      return undefined;
    }
    manifest = await client.getManifest(target.repository, platform);
  }
  const destination = await pickDestination(options, format, imageFolderName(target.repository, target.reference));
  if (!destination) {
    return undefined;
  }
  const folder = format === "dockerArchive" ? path.dirname(destination) : destination;
  await fs.promises.mkdir(folder, { recursive: true });
  const reference = formatReference(target.registry.loginServer, target.repository, target.reference);
  let written: string[] = [];
  if (format === "files") {
    const plan = planFolderFiles(manifest.manifest, folder);
    written = ["manifest.json", ...plan.map((p) => p.name)];
  } else if (format === "dockerArchive") {
    written = [path.basename(destination)];
  }
  if (
    !(await mayReplace(
      written.map((name) => path.join(folder, name)),
      options,
    ))
  ) {
    return undefined;
  }
  const tag = target.reference && !isDigest(target.reference) ? target.reference : undefined;
  const result = await withTransferProgress(
    { title: vscode.l10n.t("Pulling {0}", reference), cancellationToken: options.cancellationToken, onProgress: options.onProgress },
    async (progress) => {
      let blobsDone = 0;
      progress.setStep(vscode.l10n.t("{0} blobs done", 0));
      const transfer = {
        abortSignal: progress.signal,
        onProgress: (p: TransferProgress) => progress.report(p.transferredBytes, p.totalBytes),
        onBlob: () => progress.setStep(vscode.l10n.t("{0} blobs done", ++blobsDone)),
      };
      if (format === "ociLayout") {
        const pulled = await client.pullImage(target.repository, isIndex ? target.reference! : manifest.digest, folder, {
          ...transfer,
          refName: tag,
          platforms,
        });
        return { digest: pulled.digest, files: [] };
      }
      if (format === "dockerArchive") {
        const repoTags = tag ? [`${target.registry.loginServer}/${target.repository}:${tag}`] : [];
        const pulled = await client.pullDockerArchive(target.repository, manifest, destination, { ...transfer, repoTags });
        return { digest: pulled.digest, files: [] };
      }
      const pulled = await client.pullToFolder(target.repository, manifest, folder, transfer);
      return { digest: pulled.digest, files: pulled.files };
    },
  );
  services.log.info(
    `Pulled ${reference} (${result.digest}) as ${format} into ${destination}${result.files.length ? `: ${result.files.map((f) => f.name).join(", ")}` : ""}`,
  );
  if (!options.destination) {
    void showPulled(reference, format, folder, destination, result.files.length);
  }
  return { reference, digest: result.digest, format, folder, path: destination, files: result.files };
}

/** Done: Reveal (in the OS's file manager) or Open Folder (in a new window). */
async function showPulled(reference: string, format: PullFormat, folder: string, destination: string, fileCount: number): Promise<void> {
  const reveal = vscode.l10n.t("Reveal");
  const open = vscode.l10n.t("Open Folder");
  const message =
    fileCount > 0
      ? vscode.l10n.t("Pulled {0} into {1} ({2} files).", reference, destination, fileCount)
      : vscode.l10n.t("Pulled {0} into {1}.", reference, destination);
  const choice = await vscode.window.showInformationMessage(message, reveal, open);
  if (choice === reveal) {
    await vscode.commands.executeCommand("revealFileInOS", vscode.Uri.file(destination));
  } else if (choice === open) {
    await vscode.commands.executeCommand("vscode.openFolder", vscode.Uri.file(format === "dockerArchive" ? folder : destination), {
      forceNewWindow: true,
    });
  }
}

/** Several platforms of an index for a layout: all preselected; all of them keeps the registry's index as it is. */
async function pickPlatforms(index: GetManifestResult, options: CommandOptions): Promise<PlatformChoice | undefined> {
  if (options.platforms !== undefined) {
    return options.platforms;
  }
  if (options.platform !== undefined) {
    return [options.platform];
  }
  const entries = index.manifest.manifests ?? [];
  const picked = await vscode.window.showQuickPick(
    entries.map((e) => ({
      label: platformName(e) ?? vscode.l10n.t("unknown platform"),
      description: e.digest,
      digest: e.digest,
      picked: true,
    })),
    {
      title: vscode.l10n.t("This is a multi-platform index"),
      placeHolder: vscode.l10n.t("Pick the platforms to keep in the layout"),
      canPickMany: true,
    },
  );
  if (!picked?.length) {
    return undefined;
  }
  return picked.length === entries.length ? "all" : picked.map((p) => p.digest);
}

async function pickPlatform(index: GetManifestResult, options: CommandOptions): Promise<string | undefined> {
  const entries = index.manifest.manifests ?? [];
  const describe = (e: OciDescriptor): string =>
    e.platform
      ? `${e.platform.os}/${e.platform.architecture}${e.platform.variant ? `/${e.platform.variant}` : ""}`
      : vscode.l10n.t("unknown platform");
  if (options.platform !== undefined) {
    const wanted = options.platform;
    const found = entries.find((e) => e.digest === wanted || describe(e) === wanted);
    if (!found) {
      throw new Error(vscode.l10n.t("The index has no platform {0}; it has {1}", wanted, entries.map(describe).join(", ")));
    }
    return found.digest;
  }
  const picked = await vscode.window.showQuickPick(
    entries.map((e) => ({ label: describe(e), description: e.digest, digest: e.digest })),
    { title: vscode.l10n.t("This is a multi-platform index"), placeHolder: vscode.l10n.t("Pick the platform to pull") },
  );
  return picked?.digest;
}

/**
 * Where the pull goes. Given: the folder itself (files, layout), or for a
 * docker-archive the .tar file or a folder to hold `<image>.tar`. Asked: a
 * folder, into which the image gets a subfolder (or file) named after it.
 */
async function pickDestination(options: CommandOptions, format: PullFormat, imageName: string): Promise<string | undefined> {
  if (options.destination !== undefined) {
    const given = toUri(options.destination).fsPath;
    return format === "dockerArchive" && !given.endsWith(".tar") ? path.join(given, `${imageName}.tar`) : given;
  }
  const folders = vscode.workspace.workspaceFolders;
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t("Pull into folder"),
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: vscode.l10n.t("Pull Here"),
    defaultUri: folders?.[0]?.uri,
  });
  const parent = picked?.[0]?.fsPath;
  if (!parent) {
    return undefined;
  }
  return path.join(parent, format === "dockerArchive" ? `${imageName}.tar` : imageName);
}

async function mayReplace(paths: string[], options: CommandOptions): Promise<boolean> {
  const existing: string[] = [];
  for (const file of [...paths]) {
    if (
      await fs.promises.lstat(file).then(
        () => true,
        () => false,
      )
    ) {
      existing.push(path.basename(file));
    }
  }
  if (existing.length === 0 || options.overwrite) {
    return true;
  }
  if (options.destination !== undefined) {
    throw new Error(vscode.l10n.t("These files already exist in the destination: {0}", existing.join(", ")));
  }
  const replace = vscode.l10n.t("Replace");
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t("{0} file(s) already exist in the folder and would be replaced.", existing.length),
    { modal: true, detail: existing.join("\n") },
    replace,
  );
  return choice === replace;
}
