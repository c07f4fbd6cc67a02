// One tar entry of a layer as the index keeps it: where its bytes start in
// the layer's uncompressed tar, so a file is read with one ranged read of the
// cached tar and never by re-reading the layer.

export type ImageFileType = "file" | "directory" | "symlink" | "hardlink" | "other";

export interface LayerEntry {
  /** Path below the image root, components joined with `/` ("" is the root). */
  path: string;
  type: ImageFileType;
  /** Whiteouts are kept as entries of their own kind; they never reach the merged tree as files. */
  whiteout?: "opaque" | "file";
  /** Bytes of content (files only; 0 for every other type). */
  size: number;
  /** Permission and special bits (`mode & 0o7777`). */
  mode: number;
  /** Modification time, milliseconds since the epoch. */
  mtimeMs: number;
  uid: number;
  gid: number;
  /** A symlink's target as written (may be absolute); a hard link's target path below the root. */
  linkTarget?: string;
  /** Offset of the content in the uncompressed tar. */
  dataOffset: number;
}

const TYPE_CODES: ImageFileType[] = ["file", "directory", "symlink", "hardlink", "other"];

/** Entries as compact arrays, so an index of 100,000 entries stays a few MB on disk. */
export type SerializedEntry = [
  path: string,
  type: number,
  size: number,
  mode: number,
  mtimeMs: number,
  uid: number,
  gid: number,
  dataOffset: number,
  linkTarget?: string | null,
  whiteout?: string,
];

export function serializeEntry(entry: LayerEntry): SerializedEntry {
  const row: SerializedEntry = [
    entry.path,
    TYPE_CODES.indexOf(entry.type),
    entry.size,
    entry.mode,
    entry.mtimeMs,
    entry.uid,
    entry.gid,
    entry.dataOffset,
  ];
  if (entry.linkTarget !== undefined || entry.whiteout !== undefined) {
    row.push(entry.linkTarget ?? null);
  }
  if (entry.whiteout !== undefined) {
    row.push(entry.whiteout);
  }
  return row;
}

export function deserializeEntry(row: SerializedEntry): LayerEntry {
  const [path, type, size, mode, mtimeMs, uid, gid, dataOffset, linkTarget, whiteout] = row;
  const entry: LayerEntry = { path, type: TYPE_CODES[type] ?? "other", size, mode, mtimeMs, uid, gid, dataOffset };
  if (typeof linkTarget === "string") {
    entry.linkTarget = linkTarget;
  }
  if (whiteout === "opaque" || whiteout === "file") {
    entry.whiteout = whiteout;
  }
  return entry;
}
