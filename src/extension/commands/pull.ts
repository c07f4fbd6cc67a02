// Pull: a manifest (or the one a tag points at; for an index, one platform's)
// with its config and layers into a folder. The blobs come several at a time
// (the client's whole-image pull) into a hidden temporary folder; only when
// all digests were verified are they renamed into place, so a failed or
// cancelled pull leaves nothing behind.
//
// Files: manifest.json (the exact bytes), config.json, and one file per layer,
// named from its `org.opencontainers.image.title` annotation where that is a
// safe single file name inside the folder, else by digest (sha256-<hex>).

import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { ContainerRegistryClient, formatReference, GetManifestResult, layoutBlobPath, MediaTypes, OciDescriptor } from "../../client/index";
import { digestFileName, isSafeFileName, temporaryPath } from "../files";
import { TransferContext, withTransferProgress } from "../progress";
import type { TreeNode } from "../tree/treeNode";
import { CommandOptions, Services, toUri } from "./shared/commandServices";
import { resolveTarget } from "./shared/itemTargets";

export const TITLE_ANNOTATION = "org.opencontainers.image.title";

export interface PulledFile {
  name: string;
  path: string;
  digest: string;
  size: number;
  kind: "manifest" | "config" | "layer";
}

export interface PullResult {
  reference: string;
  digest: string;
  folder: string;
  files: PulledFile[];
}

interface PlannedFile {
  name: string;
  kind: PulledFile["kind"];
  descriptor: { digest: string; size: number };
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
  const plan = planFiles(manifest, folder);
  if (!(await mayReplace(["manifest.json", ...plan.map((p) => p.name)].map((name) => path.join(folder, name)), options))) {
    return undefined;
  }
  const reference = formatReference(target.registry.loginServer, target.repository, target.reference);
  const result = await withTransferProgress(
    { title: vscode.l10n.t("Pulling {0}", reference), cancellationToken: options.cancellationToken, onProgress: options.onProgress },
    (progress) => downloadAll(client, target.repository, manifest, folder, plan, progress),
  );
  services.log.info(`Pulled ${reference} (${manifest.digest}) into ${folder}: ${result.map((f) => f.name).join(", ")}`);
  if (!options.destination) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Pulled {0} into {1} ({2} files).", reference, folder, result.length));
  }
  return { reference, digest: manifest.digest, folder, files: result };
}

async function pickPlatform(index: GetManifestResult, options: CommandOptions): Promise<string | undefined> {
  const entries = (index.manifest.manifests ?? []) as OciDescriptor[];
  const describe = (e: OciDescriptor): string => (e.platform ? `${e.platform.os}/${e.platform.architecture}${e.platform.variant ? `/${e.platform.variant}` : ""}` : "unknown platform");
  if (options.platform !== undefined) {
    const wanted = options.platform;
    const found = entries.find((e) => e.digest === wanted || describe(e) === wanted);
    if (!found) {
      throw new Error(`The index has no platform ${wanted}; it has ${entries.map(describe).join(", ")}`);
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

/** Names the files; titles only where safe and unique, everything else by digest. */
export function planFiles(manifest: GetManifestResult, folder: string): PlannedFile[] {
  const plan: PlannedFile[] = [];
  const taken = new Set(["manifest.json"]);
  const config = manifest.manifest.config;
  if (config) {
    plan.push({ name: "config.json", kind: "config", descriptor: config });
    taken.add("config.json");
  }
  for (const layer of manifest.manifest.layers ?? []) {
    const title = layer.annotations?.[TITLE_ANNOTATION];
    let name = isSafeFileName(title, folder) && !taken.has(title.toLowerCase()) ? title : digestFileName(layer.digest);
    if (taken.has(name.toLowerCase())) {
      // The same blob twice (or a title equal to another's digest name): one file is enough.
      if (plan.some((p) => p.name === name && p.descriptor.digest === layer.digest)) {
        continue;
      }
      name = `${digestFileName(layer.digest)}-${plan.length}`;
    }
    taken.add(name.toLowerCase());
    plan.push({ name, kind: "layer", descriptor: layer });
  }
  return plan;
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
    throw new Error(`These files already exist in the destination: ${existing.join(", ")}`);
  }
  const replace = vscode.l10n.t("Replace");
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t("{0} file(s) already exist in the folder and would be replaced.", existing.length),
    { modal: true, detail: existing.join("\n") },
    replace,
  );
  return choice === replace;
}

/**
 * The client's whole-image pull (several blobs at once, each verified in a
 * temporary file before it gets its name) into a hidden image layout inside
 * the folder; when every blob is there, the files move out of it under their
 * planned names. On failure or cancellation the layout goes, so nothing is left.
 */
async function downloadAll(
  client: ContainerRegistryClient,
  repository: string,
  manifest: GetManifestResult,
  folder: string,
  plan: PlannedFile[],
  progress: TransferContext,
): Promise<PulledFile[]> {
  // In the folder, so the renames stay on one file system; ".partial" is never a planned name.
  const layout = temporaryPath(folder, "pull");
  const blobCount = new Set(plan.map((p) => p.descriptor.digest)).size;
  let blobsDone = 0;
  progress.setStep(vscode.l10n.t("{0} of {1} files", 0, blobCount));
  try {
    await client.pullImage(repository, manifest.digest, layout, {
      abortSignal: progress.signal,
      onProgress: (p) => progress.report(p.transferredBytes, p.totalBytes),
      onBlob: () => progress.setStep(vscode.l10n.t("{0} of {1} files", ++blobsDone, blobCount)),
    });
    if (progress.signal.aborted) {
      throw Object.assign(new Error("The pull was cancelled"), { name: "AbortError" });
    }
    // Everything is verified: now the files get their names. The manifest is written from the
    // bytes read (and checked against the digest) before; a blob two files share is copied for all but the last.
    const manifestFile = path.join(layout, "manifest.json");
    await fs.promises.writeFile(manifestFile, manifest.content, { flag: "wx" });
    const files = [
      { name: "manifest.json", kind: "manifest" as const, descriptor: { digest: manifest.digest, size: manifest.content.byteLength }, source: manifestFile },
      ...plan.map((p) => ({ ...p, source: layoutBlobPath(layout, p.descriptor.digest) })),
    ];
    const pulled: PulledFile[] = [];
    for (const [i, file] of files.entries()) {
      const target = path.join(folder, file.name);
      if (files.slice(i + 1).some((later) => later.source === file.source)) {
        const copy = temporaryPath(layout, file.name);
        await fs.promises.copyFile(file.source, copy);
        await fs.promises.rename(copy, target);
      } else {
        await fs.promises.rename(file.source, target);
      }
      pulled.push({ name: file.name, path: target, digest: file.descriptor.digest, size: file.descriptor.size, kind: file.kind });
    }
    return pulled;
  } finally {
    await fs.promises.rm(layout, { recursive: true, force: true }).catch(() => undefined);
  }
}
