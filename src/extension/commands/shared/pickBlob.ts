// Download Blob's choice of blob: from a manifest or tag (the node, or the
// `reference` option), the image's config and layers with their sizes (for
// an index, after picking a platform), or a digest typed in. A typed digest
// is checked with the registry (HEAD) before any save dialog opens, so the
// user does not choose a file name for a blob that is not there.

import * as vscode from "vscode";
import {
  type ContainerRegistryClient,
  isSafeFileName,
  MediaTypes,
  type OciDescriptor,
  platformName,
  TITLE_ANNOTATION,
  validateDigest,
} from "../../../client/index";
import { formatBytes, shortDigest } from "../../format";
import { inputProblem } from "./inputProblem";

export interface PickedBlob {
  digest: string;
  /** A file name the blob suggests (its title), when it has a safe one. */
  suggestedName?: string;
}

/** The blob to download, picked from the image `reference` names or typed; undefined when cancelled. */
export async function pickBlob(
  client: ContainerRegistryClient,
  repository: string,
  reference: string | undefined,
): Promise<PickedBlob | undefined> {
  if (reference === undefined) {
    return typeDigest(client, repository);
  }
  let manifest = await client.getManifest(repository, reference);
  if (MediaTypes.isIndexMediaType(manifest.mediaType) || Array.isArray(manifest.manifest.manifests)) {
    const platforms = manifest.manifest.manifests ?? [];
    const platform = await vscode.window.showQuickPick(
      platforms.map((p) => ({ label: platformName(p) ?? vscode.l10n.t("unknown platform"), description: p.digest, digest: p.digest })),
      { title: vscode.l10n.t("This is a multi-platform index"), placeHolder: vscode.l10n.t("Pick the platform whose blobs to list") },
    );
    if (!platform) {
      return undefined;
    }
    manifest = await client.getManifest(repository, platform.digest);
  }
  const config = manifest.manifest.config;
  const layers = manifest.manifest.layers ?? [];
  const item = (descriptor: OciDescriptor, label: string): vscode.QuickPickItem & { blob?: PickedBlob } => {
    const title = descriptor.annotations?.[TITLE_ANNOTATION];
    return {
      label,
      description: `${formatBytes(descriptor.size)} · ${shortDigest(descriptor.digest)}`,
      detail: descriptor.mediaType,
      blob: { digest: descriptor.digest, suggestedName: isSafeFileName(title, ".") ? title : undefined },
    };
  };
  const items = [
    ...(config ? [item(config, vscode.l10n.t("Config"))] : []),
    ...layers.map((layer, i) => item(layer, layer.annotations?.[TITLE_ANNOTATION] ?? vscode.l10n.t("Layer {0}", i + 1))),
    { label: vscode.l10n.t("Type a digest…"), alwaysShow: true },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t("Download a blob of {0}", reference),
    placeHolder: vscode.l10n.t("Pick the config or a layer"),
    matchOnDescription: true,
  });
  if (!picked) {
    return undefined;
  }
  return "blob" in picked && picked.blob ? picked.blob : typeDigest(client, repository);
}

async function typeDigest(client: ContainerRegistryClient, repository: string): Promise<PickedBlob | undefined> {
  const typed = (
    await vscode.window.showInputBox({
      title: vscode.l10n.t("Download a blob from {0}", repository),
      prompt: vscode.l10n.t("Digest of the blob"),
      placeHolder: "sha256:…",
      ignoreFocusOut: true,
      validateInput: (value) => inputProblem(validateDigest, value.trim()),
    })
  )?.trim();
  if (!typed) {
    return undefined;
  }
  await checkBlobExists(client, repository, typed);
  return { digest: typed };
}

/** Refuses a digest that is malformed or that the repository does not hold, before anything is written. */
export async function checkBlobExists(client: ContainerRegistryClient, repository: string, digest: string): Promise<void> {
  validateDigest(digest);
  if (!(await client.blobExists(repository, digest))) {
    throw new Error(vscode.l10n.t("{0} holds no blob {1}", repository, digest));
  }
}
