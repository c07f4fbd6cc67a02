// Copy Image To… on a manifest, tag or index (and the drop of one onto a
// repository or registry, tree/dragAndDrop.ts): pick a connected registry and
// a repository (or type a new one) and a tag; for an index the platforms, and
// whether to take the referrers; then the library's copyImage under a
// cancellable progress with bytes and blob counts. The target's tree
// refreshes; the result says how much was mounted, skipped and sent.

import * as vscode from "vscode";
import { type CopyImageResult, copyImage, formatReference, isDigest, MediaTypes, validateRepositoryName } from "../../client/index";
import type { SavedRegistry } from "../connections";
import { formatBytes } from "../format";
import { pickRegistry, pickRepository } from "../pickers";
import { withTransferProgress } from "../progress";
import type { TreeNode } from "../tree/treeNode";
import { askTag, confirmTagReplacement } from "./shared/askTag";
import type { CommandOptions, Services } from "./shared/commandServices";
import { type ItemTarget, resolveTarget } from "./shared/itemTargets";
import { findRepositoryNode } from "./shared/nodeTargets";

export interface CopyImageCommandResult extends CopyImageResult {
  /** Where it went: `host/repository:tag` or `host/repository@digest`. */
  target: string;
}

/** Where a copy goes, when the drop or the caller already said (the rest is asked). */
export interface CopyDestination {
  registry: SavedRegistry;
  repository?: string;
}

export async function copyImageCommand(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<CopyImageCommandResult | undefined> {
  const source = await resolveTarget(services, node, options, ["manifest", "tag"]);
  if (!source?.reference) {
    return undefined;
  }
  return copyImageTo(services, source, undefined, options);
}

export async function copyImageTo(
  services: Services,
  source: ItemTarget,
  destination: CopyDestination | undefined,
  options: CommandOptions,
): Promise<CopyImageCommandResult | undefined> {
  const reference = source.reference!;
  const registry = destination?.registry ?? (await pickRegistry(services, { ...options, registry: options.targetRegistry }));
  if (!registry) {
    return undefined;
  }
  if (options.targetRepository !== undefined) {
    validateRepositoryName(options.targetRepository);
  }
  const repository =
    destination?.repository ??
    options.targetRepository ??
    (await pickRepository(services, registry, { ...options, repository: undefined }, true));
  if (repository === undefined) {
    return undefined;
  }
  const sameRepository = registry.loginServer === source.registry.loginServer && repository === source.repository;
  const sourceTag = isDigest(reference) ? undefined : reference;
  const refuseSame = (tag: string): string | undefined =>
    sameRepository && tag === sourceTag ? vscode.l10n.t("That is the source itself: pick another tag or repository") : undefined;
  const tag =
    options.tag ?? (await askTag(vscode.l10n.t("Tag in {0}", `${registry.loginServer}/${repository}`), sourceTag ?? "latest", refuseSame));
  if (tag === undefined) {
    return undefined;
  }
  const sourceClient = await services.connections.getClient(source.registry);
  const targetClient = await services.connections.getClient(registry);
  const choices =
    options.platforms !== undefined || options.includeReferrers !== undefined ? undefined : await askCopyChoices(sourceClient, source);
  if (choices === null) {
    return undefined;
  }
  // "all" is the whole index as it is, as no platform list is.
  const platforms = options.platforms === "all" ? undefined : (options.platforms ?? choices?.platforms);
  const includeReferrers = options.includeReferrers ?? choices?.includeReferrers ?? false;
  const from = formatReference(source.registry.loginServer, source.repository, reference);
  const to = formatReference(registry.loginServer, repository, tag);
  if (!(await confirmCopy(options, from, to, destination !== undefined))) {
    return undefined;
  }
  // With platforms the index is rewritten, so its digest is not known yet: any other manifest there is asked about.
  const sourceDigest = platforms
    ? undefined
    : isDigest(reference)
      ? reference
      : (await sourceClient.getTagProperties(source.repository, reference)).digest;
  if (!(await confirmTagReplacement(targetClient, { loginServer: registry.loginServer, repository }, tag, sourceDigest, options))) {
    return undefined;
  }
  const result = await withTransferProgress(
    { title: vscode.l10n.t("Copying {0} to {1}", from, to), cancellationToken: options.cancellationToken, onProgress: options.onProgress },
    (context) =>
      copyImage(
        { client: sourceClient, repository: source.repository, reference },
        { client: targetClient, repository, tag },
        {
          platforms,
          includeReferrers,
          abortSignal: context.signal,
          onProgress: (progress) => {
            context.setStep(vscode.l10n.t("{0} blobs done", progress.blobsDone));
            context.report(progress.transferredBytes, progress.totalBytes);
          },
        },
      ),
  );
  services.log.info(
    `Copied ${from} to ${to} (${result.digest}): ${result.blobsCopied} blobs sent (${result.bytesTransferred} bytes), ${result.blobsMounted} mounted, ${result.blobsSkipped} already there, ${result.manifests.length} manifests`,
  );
  const registryNode = services.tree.getRegistryNode(registry.id);
  const repositoryNode = findRepositoryNode(services, { registry, repository });
  services.tree.refresh(repositoryNode ?? registryNode);
  void vscode.window.showInformationMessage(
    vscode.l10n.t(
      "Copied to {0}: {1} blobs sent ({2}), {3} mounted, {4} already there.",
      to,
      result.blobsCopied,
      formatBytes(result.bytesTransferred),
      result.blobsMounted,
      result.blobsSkipped,
    ),
  );
  return { ...result, target: to };
}

/** For an index, which platforms; for anything, whether to take the referrers. null when dismissed. */
async function askCopyChoices(
  client: Awaited<ReturnType<Services["connections"]["getClient"]>>,
  source: ItemTarget,
): Promise<{ platforms?: string[]; includeReferrers: boolean } | null> {
  const manifest = await client.getManifest(source.repository, source.reference!);
  const platformItems = MediaTypes.isIndexMediaType(manifest.mediaType)
    ? (manifest.manifest.manifests ?? []).flatMap((entry) =>
        entry.platform ? [[entry.platform.os, entry.platform.architecture, entry.platform.variant].filter(Boolean).join("/")] : [],
      )
    : [];
  const referrers = vscode.l10n.t("Referrers too (signatures, SBOMs)");
  const items: (vscode.QuickPickItem & { platform?: string })[] = [
    ...platformItems.map((platform) => ({ label: platform, description: vscode.l10n.t("platform"), platform, picked: true })),
    { label: referrers, picked: false },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t("What to copy"),
    placeHolder: platformItems.length
      ? vscode.l10n.t("Unticking a platform rewrites the index (its digest changes)")
      : vscode.l10n.t("Options"),
    canPickMany: true,
  });
  if (!picked) {
    return null;
  }
  const chosen = picked.flatMap((item) => (item.platform ? [item.platform] : []));
  if (platformItems.length && chosen.length === 0) {
    throw new Error(vscode.l10n.t("Pick at least one platform"));
  }
  return {
    platforms: platformItems.length && chosen.length < platformItems.length ? chosen : undefined,
    includeReferrers: picked.some((item) => item.label === referrers),
  };
}

/** A drop asks before it copies; the command has asked enough already. */
async function confirmCopy(options: CommandOptions, from: string, to: string, dropped: boolean): Promise<boolean> {
  if (!dropped || options.skipConfirmation) {
    return true;
  }
  const message = vscode.l10n.t("Copy {0} to {1}?", from, to);
  const detail = vscode.l10n.t("Blobs the target has are skipped; within one registry they are mounted, not sent.");
  if (options.confirm) {
    return options.confirm(message, detail);
  }
  const button = vscode.l10n.t("Copy");
  return (await vscode.window.showInformationMessage(message, { modal: true, detail }, button)) === button;
}
