// Answers stat, readDirectory and readFile over one ImageTree (the merged
// view, or a single layer's), reading file bytes from the cached tar of the
// layer that holds them: one ranged read, never the whole layer.

import type { Readable } from "node:stream";
import { CorruptLayerError, ImagePathError } from "./errors";
import type { ImageTree, TreeNode } from "./imageTree";
import type { ImageDirectoryEntry, ImageFileStat, ImageLayer } from "./models";
import { resolvePath } from "./resolvePath";

export const DEFAULT_MAX_READ_BYTES = 256 * 1024 * 1024;

/** Opens `size` bytes at `dataOffset` of layer `layerIndex`'s tar. */
export type ContentReader = (layerIndex: number, dataOffset: number, size: number) => Readable;

export class TreeReader {
  constructor(
    private readonly tree: ImageTree,
    private readonly layers: readonly ImageLayer[],
    private readonly readContent: ContentReader,
  ) {}

  stat(path: string): ImageFileStat {
    const { node, path: canonical } = resolvePath(this.tree, path, true);
    return this.describe(node, canonical);
  }

  lstat(path: string): ImageFileStat {
    const { node, path: canonical } = resolvePath(this.tree, path, false);
    return this.describe(node, canonical);
  }

  readDirectory(path: string): ImageDirectoryEntry[] {
    const { node, path: canonical } = resolvePath(this.tree, path, true);
    if (node.type !== "directory") {
      throw new ImagePathError("ENOTDIR", path, "Not a directory in the image");
    }
    const base = canonical === "/" ? "/" : `${canonical}/`;
    return [...node.children!.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((child) => this.describe(child, base + child.name));
  }

  async readFile(path: string, maxBytes = DEFAULT_MAX_READ_BYTES): Promise<Buffer> {
    const { node, canonical } = this.fileNode(path);
    if (node.size > maxBytes) {
      throw new ImagePathError("EFBIG", path, `The file is ${node.size} bytes, over the ${maxBytes}-byte limit`);
    }
    if (!node.content || node.content.size === 0) {
      return Buffer.alloc(0);
    }
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of this.readContent(
      node.content.layerIndex,
      node.content.dataOffset,
      node.content.size,
    ) as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      received += chunk.length;
    }
    if (received !== node.content.size) {
      const layer = this.layers[node.content.layerIndex];
      throw new CorruptLayerError(`The cached tar of layer ${layer?.digest} is shorter than the index says (${canonical})`, {
        layerDigest: layer?.digest,
        entryPath: canonical,
      });
    }
    return Buffer.concat(chunks, received);
  }

  /** A file's bytes as a stream (for files too large to hold, e.g. Save File As). */
  createReadStream(path: string): Readable | undefined {
    const { node } = this.fileNode(path);
    return node.content && node.content.size > 0
      ? this.readContent(node.content.layerIndex, node.content.dataOffset, node.content.size)
      : undefined;
  }

  private fileNode(path: string): { node: TreeNode; canonical: string } {
    const { node, path: canonical } = resolvePath(this.tree, path, true);
    if (node.type === "directory") {
      throw new ImagePathError("EISDIR", path, "Is a directory in the image");
    }
    if (node.type === "hardlink" && !node.content) {
      throw new ImagePathError("ENOENT", path, `The hard link's target ${node.linkTarget} is not in the image`);
    }
    return { node, canonical };
  }

  private describe(node: TreeNode, path: string): ImageFileStat {
    const stat: ImageFileStat = {
      name: node.name,
      path,
      type: node.type,
      size: node.size,
      mode: node.mode,
      mtime: new Date(node.mtimeMs),
      uid: node.uid,
      gid: node.gid,
    };
    if (node.linkTarget !== undefined) {
      stat.linkTarget = node.linkTarget.startsWith("/") || node.type !== "hardlink" ? node.linkTarget : `/${node.linkTarget}`;
    }
    if (node.layerIndex >= 0) {
      stat.layerIndex = node.layerIndex;
      stat.layerDigest = this.layers[node.layerIndex]?.digest;
    }
    if (node.change !== undefined) {
      stat.change = node.change;
    }
    return stat;
  }
}
