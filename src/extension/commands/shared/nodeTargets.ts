// The tree's node for an item a command changed, found by the id the tree
// gave it (tree/nodeIds.ts): a palette pick carries no node, but the item may
// be shown, and then it is updated or removed in place.

import type { SavedRegistry } from "../../connections";
import { manifestNodeId, registryNodeId, repositoryNodeId, tagNodeId } from "../../tree/nodeIds";
import type { TreeNode } from "../../tree/treeNode";
import type { Services } from "./commandServices";
import type { ItemTarget } from "./itemTargets";

/** The tree's node for a target picked from the palette, if it is loaded. A tag needs its manifest's digest. */
export function findNode(services: Services, target: ItemTarget, digest?: string): TreeNode | undefined {
  if (target.node) {
    return target.node;
  }
  // The saved registry's own row (a root); the same registry shown elsewhere is not looked up.
  const registryId = registryNodeId(target.registry.id);
  if (target.kind === "repository") {
    return services.tree.findLoaded(repositoryNodeId(registryId, target.repository));
  }
  const manifestDigest = target.kind === "manifest" ? (digest ?? target.reference) : digest;
  if (!manifestDigest) {
    return undefined;
  }
  return services.tree.findLoaded(
    target.kind === "manifest"
      ? manifestNodeId(registryId, target.repository, manifestDigest)
      : tagNodeId(registryId, target.repository, manifestDigest, target.reference!),
  );
}

/** The repository node of a target, if loaded (to refresh after a change it cannot patch in place). */
export function findRepositoryNode(services: Services, target: { registry: SavedRegistry; repository: string }): TreeNode | undefined {
  return services.tree.findLoaded(repositoryNodeId(registryNodeId(target.registry.id), target.repository));
}
