// What a command acts on: taken from the tree node it was invoked on, or asked
// for with quick picks (palette), or read from a programmatic caller's options.

import * as vscode from "vscode";
import { isDigest, validateDigest, validateRepositoryName, validateTag, validateTagOrDigest } from "../../../client/index";
import type { SavedRegistry } from "../../connections";
import { pickManifest, pickRegistry, pickRepository, pickTag } from "../../pickers";
import { ManifestNode } from "../../tree/manifestNode";
import { PlatformNode } from "../../tree/platformNode";
import { RepositoryNode } from "../../tree/repositoryNode";
import { isRepositoryScope, scopeOf } from "../../tree/scope";
import { TagNode } from "../../tree/tagNode";
import type { TreeNode } from "../../tree/treeNode";
import type { CommandOptions, Services } from "./commandServices";

export type TargetKind = "repository" | "manifest" | "tag";

/** The kind in words, for messages. */
export const KIND_NAMES: Record<TargetKind, () => string> = {
  repository: () => vscode.l10n.t("repository"),
  manifest: () => vscode.l10n.t("manifest"),
  tag: () => vscode.l10n.t("tag"),
};

export interface ItemTarget {
  registry: SavedRegistry;
  repository: string;
  kind: TargetKind;
  /** A manifest's digest (or a tag a user typed), or a tag's name; absent for a repository. */
  reference?: string;
  /** The node it came from, if any. */
  node?: TreeNode;
}

/** The registry of a node, or asked for. */
export async function resolveRegistry(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
  filter?: (r: SavedRegistry) => Promise<boolean>,
): Promise<SavedRegistry | undefined> {
  return scopeOf(node)?.registry ?? pickRegistry(services, options, filter);
}

/** The repository a node is in, or asked for. */
export async function resolveRepository(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
  allowNew = false,
): Promise<{ registry: SavedRegistry; repository: string } | undefined> {
  const scope = scopeOf(node);
  if (isRepositoryScope(scope)) {
    return { registry: scope.registry, repository: scope.repository };
  }
  const registry = await resolveRegistry(services, node, options);
  if (!registry) {
    return undefined;
  }
  const repository = await pickRepository(services, registry, options, allowNew);
  return repository === undefined ? undefined : { registry, repository };
}

export function targetFromNode(node: TreeNode | undefined): ItemTarget | undefined {
  if (node instanceof RepositoryNode) {
    return { registry: node.registry, repository: node.name, kind: "repository", node };
  }
  if (node instanceof ManifestNode || node instanceof PlatformNode) {
    return { registry: node.registry, repository: node.repository, kind: "manifest", reference: node.digest, node };
  }
  if (node instanceof TagNode) {
    return { registry: node.registry, repository: node.repository, kind: "tag", reference: node.name, node };
  }
  return undefined;
}

/** Names given as options are checked before anything is looked up or sent. */
export function validateGivenNames(options: CommandOptions): void {
  if (options.repository !== undefined) {
    validateRepositoryName(options.repository);
  }
  if (options.reference !== undefined) {
    validateTagOrDigest(options.reference);
  }
  if (options.tag !== undefined) {
    validateTag(options.tag);
  }
  if (options.digest !== undefined) {
    validateDigest(options.digest);
  }
}

/** The item a command acts on, from the node or asked for; `kinds` are the kinds the command accepts. */
export async function resolveTarget(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
  kinds: TargetKind[],
  filter?: (r: SavedRegistry) => Promise<boolean>,
): Promise<ItemTarget | undefined> {
  const fromNode = targetFromNode(node);
  if (fromNode && kinds.includes(fromNode.kind)) {
    return fromNode;
  }
  if (fromNode) {
    throw new Error(vscode.l10n.t("This command does not work on a {0}", KIND_NAMES[fromNode.kind]()));
  }
  validateGivenNames(options);
  const registry = await resolveRegistry(services, node, options, filter);
  if (!registry) {
    return undefined;
  }
  const repository = await pickRepository(services, registry, options);
  if (repository === undefined) {
    return undefined;
  }
  let kind: TargetKind | undefined = options.target ?? (kinds.length === 1 ? kinds[0] : undefined);
  if (!kind && options.reference !== undefined) {
    kind = isDigest(options.reference) || !kinds.includes("tag") ? "manifest" : "tag";
  }
  if (!kind) {
    const labels: Record<TargetKind, string> = {
      repository: vscode.l10n.t("The repository {0}", repository),
      manifest: vscode.l10n.t("A manifest…"),
      tag: vscode.l10n.t("A tag…"),
    };
    const picked = await vscode.window.showQuickPick(
      kinds.map((k) => ({ label: labels[k], targetKind: k })),
      { title: vscode.l10n.t("Which item?"), placeHolder: vscode.l10n.t("In {0}", `${registry.loginServer}/${repository}`) },
    );
    kind = picked?.targetKind;
  }
  if (!kind || !kinds.includes(kind)) {
    return undefined;
  }
  if (kind === "repository") {
    return { registry, repository, kind };
  }
  const reference =
    kind === "manifest"
      ? await pickManifest(services, registry, repository, options)
      : await pickTag(services, registry, repository, options);
  return reference === undefined ? undefined : { registry, repository, kind, reference };
}

/** The digest a target stands for; a tag is resolved with the registry. */
export async function digestOfTarget(services: Services, target: ItemTarget): Promise<string> {
  if (target.node instanceof TagNode) {
    return target.node.digest;
  }
  if (target.reference && isDigest(target.reference)) {
    return target.reference;
  }
  const client = await services.connections.getClient(target.registry);
  return (await client.getTagProperties(target.repository, target.reference!)).digest;
}
