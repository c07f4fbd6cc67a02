// Refresh: a node's children (or the whole tree) read again.

import { RegistryNode } from "../tree/registryNode";
import { RepositoryNode } from "../tree/repositoryNode";
import type { TreeNode } from "../tree/treeNode";
import type { Services } from "./shared/commandServices";

export async function refresh(services: Services, node: TreeNode | undefined): Promise<void> {
  if (node instanceof RegistryNode) {
    // Refreshing a registry also reads its credentials again (a new sign-in, an edited Docker config).
    services.connections.forgetClient(node.registry.id);
  }
  if (node instanceof RepositoryNode && node.capabilities.properties) {
    await node.loadProperties();
  }
  services.tree.refresh(node);
}
