// Wasted space, as dive reports it: file bytes a layer still ships although a
// later layer overwrote or deleted the file, so nobody running the image can
// see them. A file stays live while any path of the final view (a hard link
// included) still points at its bytes.

import type { ImageTree, TreeNode } from "./imageTree";
import type { LayerEntry } from "./layerEntry";

export interface WastedFile {
  /** The path the layer wrote, from `/`. */
  path: string;
  layerIndex: number;
  /** Bytes of content the layer still carries for it. */
  size: number;
  /** `overwritten`: the path shows a later version; `deleted`: the path is gone (a whiteout, or a parent replaced). */
  reason: "overwritten" | "deleted";
}

export interface WastedSpaceSummary {
  totalBytes: number;
  /** Largest first. */
  files: WastedFile[];
}

function contentKey(layerIndex: number, dataOffset: number): string {
  return `${layerIndex}:${dataOffset}`;
}

function collectLive(node: TreeNode, live: Set<string>): void {
  if (node.content) {
    live.add(contentKey(node.content.layerIndex, node.content.dataOffset));
  }
  for (const child of node.children?.values() ?? []) {
    collectLive(child, live);
  }
}

/** `layers[i]` are layer i's entries, for every layer merged into `finalTree`. */
export function wastedSpace(finalTree: ImageTree, layers: readonly (readonly LayerEntry[])[]): WastedSpaceSummary {
  const live = new Set<string>();
  collectLive(finalTree.root, live);
  const files: WastedFile[] = [];
  layers.forEach((entries, layerIndex) => {
    for (const entry of entries) {
      if (entry.type !== "file" || entry.whiteout !== undefined || entry.size === 0 || live.has(contentKey(layerIndex, entry.dataOffset))) {
        continue;
      }
      const shown = finalTree.lookupLiteral(entry.path.split("/"));
      files.push({ path: `/${entry.path}`, layerIndex, size: entry.size, reason: shown ? "overwritten" : "deleted" });
    }
  });
  files.sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.layerIndex - b.layerIndex));
  return { totalBytes: files.reduce((sum, file) => sum + file.size, 0), files };
}
