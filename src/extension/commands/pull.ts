// Pull: a manifest (or the one a tag points at; for an index, one platform's)
// with its config and layers into a folder, through the library's
// pullToFolder: several blobs at once, each received into a verified hidden
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
import { formatReference, type GetManifestResult, MediaTypes, type OciDescriptor, planFolderFiles, type PulledFile } from "../../client/index";
import { withTransferProgress } from "../progress";
import type { TreeNode } from "../tree/treeNode";
import { type CommandOptions, type Services, toUri } from "./shared/commandServices";
import { resolveTarget } from "./shared/itemTargets";

export type { PulledFile } from "../../client/index";

export interface PullResult {
  reference: string;
  digest: string;
  folder: string;
  files: PulledFile[];
}

export async function pull(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<PullResult | undefined> {
  const target = await resolveTarget(services, node, options, ["manifest", "tag"]);
  if (!target?.reference) {
    return undefined;
  }
  const client = await services.connections.getClient(target.registry);
  let manifest = await client.getManifest(target.repository, target.reference);
  if (MediaTypes.isIndexMediaType(manifest.mediaType) || Array.isArray(manifest.manifest.manifests)) {
    const platform = await pickPlatform(manifest, options);
    if (!platform) {
      return undefined;
    }
    manifest = await client.getManifest(target.repository, platform);
  }
  const folder = await pickFolder(options);
  if (!folder) {
    return undefined;
  }
  await fs.promises.mkdir(folder, { recursive: true });
  const plan = planFolderFiles(manifest.manifest, folder);
  if (!(await mayReplace(["manifest.json", ...plan.map((p) => p.name)].map((name) => path.join(folder, name)), options))) {
    return undefined;
  }
  const reference = formatReference(target.registry.loginServer, target.repository, target.reference);
  const blobCount = new Set(plan.map((p) => p.descriptor.digest)).size;
  const result = await withTransferProgress(
    { title: vscode.l10n.t("Pulling {0}", reference), cancellationToken: options.cancellationToken, onProgress: options.onProgress },
    async (progress) => {
      let blobsDone = 0;
      progress.setStep(vscode.l10n.t("{0} of {1} files", 0, blobCount));
      return client.pullToFolder(target.repository, manifest, folder, {
        abortSignal: progress.signal,
        onProgress: (p) => progress.report(p.transferredBytes, p.totalBytes),
        onBlob: () => progress.setStep(vscode.l10n.t("{0} of {1} files", ++blobsDone, blobCount)),
      });
    },
  );
  services.log.info(`Pulled ${reference} (${manifest.digest}) into ${folder}: ${result.files.map((f) => f.name).join(", ")}`);
  if (!options.destination) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Pulled {0} into {1} ({2} files).", reference, folder, result.files.length));
  }
  return { reference, digest: manifest.digest, folder, files: result.files };
}

async function pickPlatform(index: GetManifestResult, options: CommandOptions): Promise<string | undefined> {
  const entries = (index.manifest.manifests ?? []);
  const describe = (e: OciDescriptor): string =>
    e.platform ? `${e.platform.os}/${e.platform.architecture}${e.platform.variant ? `/${e.platform.variant}` : ""}` : vscode.l10n.t("unknown platform");
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

async function pickFolder(options: CommandOptions): Promise<string | undefined> {
  if (options.destination !== undefined) {
    return toUri(options.destination).fsPath;
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
  return picked?.[0]?.fsPath;
}

async function mayReplace(paths: string[], options: CommandOptions): Promise<boolean> {
  const existing: string[] = [];
  for (const file of [...paths]) {
    if (await fs.promises.lstat(file).then(() => true, () => false)) {
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
