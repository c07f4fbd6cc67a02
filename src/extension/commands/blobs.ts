// Single blobs: upload a workspace file as a blob (its digest shown, with a
// copy action), and download a blob (picked from the image's config and
// layers, or by digest: shared/pickBlob.ts) to a file (the library's
// downloadBlobToFile: temporary name, renamed after the digest was verified).

import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { digestFileName, fileBlobSource, type UploadBlobResult, validateDigest } from "../../client/index";
import { withTransferProgress } from "../progress";
import type { TreeNode } from "../tree/treeNode";
import { type CommandOptions, type Services, toUri } from "./shared/commandServices";
import { pickFiles, regularFileSize } from "./shared/pickFiles";
import { resolveRepository, targetFromNode, validateGivenNames } from "./shared/itemTargets";
import { checkBlobExists, type PickedBlob, pickBlob } from "./shared/pickBlob";

export async function uploadBlob(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<UploadBlobResult | undefined> {
  validateGivenNames(options);
  const file = (await pickFiles(options, false, vscode.l10n.t("Upload as Blob")))?.[0];
  if (!file) {
    return undefined;
  }
  await regularFileSize(file);
  const where = await resolveRepository(services, node, options, true);
  if (!where) {
    return undefined;
  }
  const client = await services.connections.getClient(where.registry);
  const result = await withTransferProgress(
    {
      title: vscode.l10n.t("Uploading {0} to {1}", path.basename(file), `${where.registry.loginServer}/${where.repository}`),
      cancellationToken: options.cancellationToken,
      onProgress: options.onProgress,
    },
    async (progress) => {
      // Reopenable, so a broken upload resumes; nothing is opened until the bytes are sent.
      const source = await fileBlobSource(file);
      return client.uploadBlob(where.repository, source, {
        abortSignal: progress.signal,
        onProgress: (p) => progress.report(p.transferredBytes, source.sizeInBytes),
      });
    },
  );
  services.log.info(`Uploaded ${file} to ${where.registry.loginServer}/${where.repository} as ${result.digest}`);
  if (!options.files) {
    const copy = vscode.l10n.t("Copy Digest");
    void vscode.window
      .showInformationMessage(vscode.l10n.t("Uploaded {0} as blob {1}", path.basename(file), result.digest), copy)
      .then((choice) => {
        if (choice === copy) {
          void vscode.env.clipboard.writeText(result.digest);
        }
      });
  }
  return result;
}

export async function downloadBlob(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<{ digest: string; path: string; sizeInBytes: number } | undefined> {
  validateGivenNames(options);
  const where = await resolveRepository(services, node, options);
  if (!where) {
    return undefined;
  }
  if (options.digest !== undefined) {
    validateDigest(options.digest);
  }
  const client = await services.connections.getClient(where.registry);
  const blob: PickedBlob | undefined =
    options.digest !== undefined
      ? { digest: options.digest }
      : await pickBlob(client, where.repository, targetFromNode(node)?.reference ?? options.reference);
  if (!blob) {
    return undefined;
  }
  const digest = blob.digest;
  if (options.digest !== undefined) {
    await checkBlobExists(client, where.repository, digest);
  }
  let destination: string | undefined;
  if (options.destination !== undefined) {
    destination = toUri(options.destination).fsPath;
    if (
      !options.overwrite &&
      (await fs.promises.lstat(destination).then(
        () => true,
        () => false,
      ))
    ) {
      throw new Error(vscode.l10n.t("{0} already exists", destination));
    }
  } else {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const picked = await vscode.window.showSaveDialog({
      title: vscode.l10n.t("Save blob {0}", digest),
      defaultUri: folder ? vscode.Uri.joinPath(folder, blob.suggestedName ?? digestFileName(digest)) : undefined,
      saveLabel: vscode.l10n.t("Download"),
    });
    destination = picked?.fsPath;
  }
  if (!destination) {
    return undefined;
  }
  const target = destination;
  // The library's file download: the pull's writer thread, resumed after a broken connection,
  // renamed onto the destination only once verified, nothing left behind on failure or cancel.
  const { sizeInBytes } = await withTransferProgress(
    { title: vscode.l10n.t("Downloading {0}", digest), cancellationToken: options.cancellationToken, onProgress: options.onProgress },
    (progress) =>
      client.downloadBlobToFile(where.repository, digest, target, {
        abortSignal: progress.signal,
        onProgress: (p) => progress.report(p.transferredBytes, p.totalBytes),
      }),
  );
  services.log.info(`Downloaded ${digest} from ${where.registry.loginServer}/${where.repository} to ${destination}`);
  if (options.destination === undefined) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Downloaded {0} to {1}.", digest, destination));
  }
  return { digest, path: destination, sizeInBytes };
}
