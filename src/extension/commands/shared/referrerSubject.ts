// The row a deleted referrer row must be read again through: referrer rows
// come from their subject's referrer tree (read once by the subject's row),
// so deleting one re-reads that tree, and the subject's badges, group counts
// and a group left empty change with it, not only the row.

import { ManifestNode } from "../../tree/manifestNode";
import type { TreeNode } from "../../tree/treeNode";

/** For a referrer row, the manifest row that read its referrer tree (the subject, or the subject's subject…). */
export function subjectRowOfReferrer(node: TreeNode): ManifestNode | undefined {
  if (!(node instanceof ManifestNode && node.isReferrerRow)) {
    return undefined;
  }
  for (let ancestor: TreeNode | undefined = node.parent; ancestor; ancestor = ancestor.parent) {
    if (ancestor instanceof ManifestNode && !ancestor.isReferrerRow) {
      return ancestor;
    }
  }
  return undefined;
}
