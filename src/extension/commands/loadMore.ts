// Load More: the "Load more…" node fetches its parent's next page.

import { LoadMoreNode } from "../tree/pagingNodes";
import type { TreeNode } from "../tree/treeNode";
import type { Services } from "./shared/commandServices";

export async function loadMore(services: Services, node: TreeNode | undefined): Promise<void> {
  if (node instanceof LoadMoreNode) {
    await node.parent.loadMore();
    services.tree.changed(node.parent);
  }
}
