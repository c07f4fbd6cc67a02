// Compare With…: two manifests, tags or platforms (any repository, any
// connected registry) in the diff editor, each as the normalized text of
// inspect/compareText.ts; the layers added, removed and shared are in the
// title and a notification.

import * as vscode from "vscode";
import { summarizeLayers, type LayerSummary } from "../inspect/compareText";
import { documentUri, type ManifestDocumentName } from "../inspect/inspectUris";
import { shortDigest } from "../format";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { digestOfTarget, type ItemTarget, resolveTarget } from "./shared/itemTargets";

export interface CompareResult {
  left: vscode.Uri;
  right: vscode.Uri;
  summary: LayerSummary;
}

export async function compareWith(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<CompareResult | undefined> {
  const first = await resolveTarget(services, node, options, ["manifest", "tag"]);
  if (!first) {
    return undefined;
  }
  // The second side is always asked for (or given as `compareWith`), never taken from the node.
  const second = await resolveTarget(services, undefined, { ...options.compareWith }, ["manifest", "tag"]);
  if (!second) {
    return undefined;
  }
  const [leftName, rightName] = await Promise.all([nameOf(services, first), nameOf(services, second)]);
  const [leftDetails, rightDetails] = await Promise.all([
    services.inspect.details(leftName, options.cancellationToken),
    services.inspect.details(rightName, options.cancellationToken),
  ]);
  const summary = summarizeLayers(leftDetails, rightDetails);
  const left = documentUri("compare", leftName);
  const right = documentUri("compare", rightName);
  const counts = vscode.l10n.t(
    "{0} layers added, {1} removed, {2} shared",
    summary.added.length,
    summary.removed.length,
    summary.shared.length,
  );
  const title = `${label(leftName)} ↔ ${label(rightName)} (${counts})`;
  await vscode.commands.executeCommand("vscode.diff", left, right, title, { preview: true });
  void vscode.window.showInformationMessage(vscode.l10n.t("Compared {0} with {1}: {2}", label(leftName), label(rightName), counts));
  return { left, right, summary };
}

async function nameOf(services: Services, target: ItemTarget): Promise<ManifestDocumentName> {
  const digest = await digestOfTarget(services, target);
  return {
    registryId: target.registry.id,
    repository: target.repository,
    digest,
    ...(target.kind === "tag" ? { tag: target.reference } : {}),
  };
}

function label(name: ManifestDocumentName): string {
  return `${name.repository}${name.tag ? `:${name.tag}` : `@${shortDigest(name.digest)}`}`;
}
