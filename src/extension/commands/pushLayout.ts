// Push OCI Layout: an image layout folder from the workspace (image-spec
// image-layout.md; what skopeo `oci:`, crane and `oras` write) to a
// repository, through the library's pushImage: the image named in
// index.json (asked when there are several), its blobs several at a time,
// each skipped when the repository has it, the manifest byte for byte (its
// digest kept), then the tag.

import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { formatReference, type OciManifestLike, readLayoutIndex, REF_NAME_ANNOTATION, validateTag } from "../../client/index";
import { withTransferProgress } from "../progress";
import type { TreeNode } from "../tree/treeNode";
import { type CommandOptions, type Services, toUri } from "./shared/commandServices";
import { askTag } from "./shared/askTag";
import { inputProblem } from "./shared/inputProblem";
import { resolveRepository, validateGivenNames } from "./shared/itemTargets";
import { findRepositoryNode } from "./shared/nodeTargets";

export interface PushLayoutResult {
  reference: string;
  digest: string;
  uploadedBytes: number;
}

export async function pushLayout(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<PushLayoutResult | undefined> {
  validateGivenNames(options);
  const layoutDir = await pickLayoutFolder(options);
  if (!layoutDir) {
    return undefined;
  }
  let index: OciManifestLike;
  try {
    index = await readLayoutIndex(layoutDir);
  } catch (error) {
    throw new Error(vscode.l10n.t("{0} is not an OCI image layout (no readable index.json): {1}", layoutDir, (error as Error).message), {
      cause: error,
    });
  }
  const names = (index.manifests ?? []).map((m) => m.annotations?.[REF_NAME_ANNOTATION]);
  if (names.length > 1 && options.refName === undefined && options.destination !== undefined) {
    throw new Error(
      vscode.l10n.t("The layout {0} holds several images ({1}); name the one to push (refName)", layoutDir, names.join(", ")),
    );
  }
  const refName = options.refName ?? (names.length > 1 ? await pickRefName(names, layoutDir) : undefined);
  if (names.length > 1 && refName === undefined) {
    return undefined;
  }
  const where = await resolveRepository(services, node, options, true);
  if (!where) {
    return undefined;
  }
  const tag = options.tag ?? (await askTag(vscode.l10n.t("Tag for {0}", where.repository), suggestedTag(refName ?? names[0])));
  if (tag === undefined) {
    return undefined;
  }
  validateTag(tag);
  const client = await services.connections.getClient(where.registry);
  const reference = formatReference(where.registry.loginServer, where.repository, tag);
  const pushed = await withTransferProgress(
    { title: vscode.l10n.t("Pushing {0}", reference), cancellationToken: options.cancellationToken, onProgress: options.onProgress },
    async (progress) => {
      let blobsDone = 0;
      progress.setStep(vscode.l10n.t("{0} blobs stored", 0));
      return client.pushImage(where.repository, layoutDir, {
        refName,
        tag,
        abortSignal: progress.signal,
        onProgress: (p) => progress.report(p.transferredBytes, p.totalBytes),
        onBlob: () => progress.setStep(vscode.l10n.t("{0} blobs stored", ++blobsDone)),
      });
    },
  );
  services.log.info(`Pushed the layout ${layoutDir}${refName ? ` (${refName})` : ""} as ${reference} (${pushed.digest})`);
  services.tree.refresh(findRepositoryNode(services, where) ?? services.tree.getRegistryNode(where.registry.id));
  if (options.destination === undefined) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Pushed {0} ({1}).", reference, pushed.digest));
  }
  return { reference, digest: pushed.digest, uploadedBytes: pushed.uploadedBytes };
}

/** The layout folder given (`destination`), or picked in the workspace; it must hold `oci-layout`. */
async function pickLayoutFolder(options: CommandOptions): Promise<string | undefined> {
  let folder: string | undefined;
  if (options.destination !== undefined) {
    folder = toUri(options.destination).fsPath;
  } else {
    const picked = await vscode.window.showOpenDialog({
      title: vscode.l10n.t("Push an OCI image layout"),
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: vscode.l10n.t("Push Layout"),
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    folder = picked?.[0]?.fsPath;
  }
  if (folder === undefined) {
    return undefined;
  }
  const marker = await fs.promises.lstat(path.join(folder, "oci-layout")).catch(() => undefined);
  if (!marker?.isFile()) {
    throw new Error(vscode.l10n.t("{0} is not an OCI image layout (it has no oci-layout file)", folder));
  }
  return folder;
}

async function pickRefName(names: (string | undefined)[], layoutDir: string): Promise<string | undefined> {
  const named = names.filter((n): n is string => n !== undefined);
  if (named.length !== names.length) {
    throw new Error(vscode.l10n.t("index.json of {0} lists several images, some without a name; push needs each named", layoutDir));
  }
  return vscode.window.showQuickPick(named, {
    title: vscode.l10n.t("The layout holds several images"),
    placeHolder: vscode.l10n.t("Pick the image to push"),
  });
}

/** The layout's ref name when it is a valid tag (image-spec allows more), else "latest". */
function suggestedTag(refName: string | undefined): string {
  return refName !== undefined && inputProblem(validateTag, refName) === undefined ? refName : "latest";
}
