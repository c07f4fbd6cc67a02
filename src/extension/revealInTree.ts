// Shows an item found by name (Open Reference, Add Repository) in the tree:
// its repository row is there because the name was added to the registry
// (Connections.addRepository), its manifest row is looked for a few pages
// deep; what cannot be found that way is shown by its repository row.

import type { Services } from "./commands/shared/commandServices";
import type { SavedRegistry } from "./connections";
import { ManifestNode } from "./tree/manifestNode";
import { manifestNodeId, repositoryNodeId } from "./tree/nodeIds";
import { RepositoryNode } from "./tree/repositoryNode";
import type { TreeNode } from "./tree/treeNode";

/** Pages of manifests read while looking for one; past that the repository row is shown. */
const MAX_PAGES_SEARCHED = 5;
/** How long a reveal waits for the row's own reads (its created date, referrers) before revealing it anyway. */
const SETTLE_MS = 3000;

/** The repository's row, or the manifest's when `digest` is given and found; undefined when the registry is not in the tree. */
export async function revealInTree(
  services: Services,
  registry: SavedRegistry,
  repository: string,
  digest?: string,
): Promise<TreeNode | undefined> {
  const registryNode = services.tree.getRegistryNode(registry.id);
  if (!registryNode) {
    return undefined;
  }
  const repositoryId = repositoryNodeId(registryNode.id, repository);
  const repositoryNode = (await registryNode.getChildren()).find(
    (n): n is RepositoryNode => n instanceof RepositoryNode && n.id === repositoryId,
  );
  if (!repositoryNode) {
    return undefined;
  }
  let target: TreeNode = repositoryNode;
  if (digest) {
    const wanted = manifestNodeId(registryNode.id, repository, digest);
    let found = (await repositoryNode.getChildren()).find((n) => n.id === wanted);
    for (let page = 1; !found && page < MAX_PAGES_SEARCHED && repositoryNode.paged.hasMore; page++) {
      await repositoryNode.loadMore();
      services.tree.changed(repositoryNode);
      found = (await repositoryNode.getChildren()).find((n) => n.id === wanted);
    }
    target = found ?? repositoryNode;
  }
  if (target instanceof ManifestNode) {
    // The row's own reads redraw it, and a row redrawn after its reveal loses the selection: reveal after them (bounded).
    await Promise.race([target.settled(), new Promise((resolve) => setTimeout(resolve, SETTLE_MS))]);
  }
  try {
    await services.treeView.reveal(target, { select: true, focus: true, expand: false });
  } catch (error) {
    // The view may be hidden (no sidebar); the item is still found and returned.
    services.log.warn(`Could not reveal ${target.id}: ${(error as Error).message}`);
  }
  return target;
}
