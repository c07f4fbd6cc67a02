// Retry: the error node reads its parent's list again, with a new client.

import { ErrorNode } from "../tree/pagingNodes";
import type { TreeNode } from "../tree/treeNode";
import type { Services } from "./shared/commandServices";

export async function retry(services: Services, node: TreeNode | undefined): Promise<void> {
  if (node instanceof ErrorNode) {
    // A new client re-reads credentials that may have been fixed meanwhile (Docker config, a new sign-in).
    services.connections.forgetClient(node.scope.registry.id);
    await node.parent.retry();
    services.tree.changed(node.parent);
  }
}
