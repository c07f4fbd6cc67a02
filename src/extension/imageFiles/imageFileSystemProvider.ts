// A read-only vscode.FileSystemProvider over the library's ImageFilesystem
// (issue 14), under its own scheme. Each mounted image is one authority;
// paths below it are paths inside the image. Listings answer from the layers
// merged so far (`partial`), and a directory already shown is announced as
// changed when another layer is merged, so the Explorer fills in as layers
// arrive. A root it does not hold (a folder reopened after a reload, or in
// another window) is asked of `reopen`, which opens the image again from
// what the mount was saved as (imageMounts.ts).

import * as crypto from "node:crypto";
import * as vscode from "vscode";
import type { Readable } from "node:stream";
import { type ImageFileStat, ImagePathError } from "../../client";

/** What the provider needs of an image: the merged view (ImageFilesystem) or one layer alone (ImageLayerView). */
export interface BrowsableImage {
  stat(path: string, options?: { partial?: boolean }): Promise<ImageFileStat>;
  lstat(path: string, options?: { partial?: boolean }): Promise<ImageFileStat>;
  readDirectory(path: string, options?: { partial?: boolean }): Promise<ImageFileStat[]>;
  readFile(path: string, options?: { partial?: boolean; maxBytes?: number }): Promise<Buffer>;
  createReadStream?(path: string): Promise<Readable>;
  /** False while layers are still being merged (the merged view); a layer view is always complete. */
  readonly isComplete?: boolean;
  close?(): Promise<void>;
}

/** Opens the image of a root the provider does not hold; undefined when there is none to open. */
export type ImageReopener = (authority: string) => Promise<BrowsableImage | undefined>;

export const IMAGE_FILES_SCHEME = "cre-image";

/** Files larger than this are refused with a message instead of being read into the editor. */
const MAX_EDITOR_FILE_BYTES = 256 * 1024 * 1024;

export class ImageFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly images = new Map<string, BrowsableImage>();
  private readonly reopening = new Map<string, Promise<BrowsableImage | undefined>>();
  /** Directories listed so far, per image: the ones to announce when a layer is merged. */
  private readonly listed = new Map<string, Set<string>>();
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;

  /** `scheme`: the URI scheme the provider is registered under (tests use their own). */
  constructor(
    private readonly scheme = IMAGE_FILES_SCHEME,
    private readonly reopen?: ImageReopener,
  ) {}

  /** Makes `image` browsable under `key` (a random one by default); returns the URI of its root. */
  mount(image: BrowsableImage, label = "", key = crypto.randomBytes(8).toString("hex")): vscode.Uri {
    const previous = this.images.get(key);
    if (previous && previous !== image) {
      void previous.close?.();
    }
    this.images.set(key, image);
    this.listed.set(key, new Set(["/"]));
    return vscode.Uri.from({ scheme: this.scheme, authority: key, path: "/", fragment: label });
  }

  /** Announces the directories already shown as changed (call when a layer is merged). */
  layerMerged(root: vscode.Uri): void {
    const dirs = this.listed.get(root.authority);
    if (dirs) {
      this.changes.fire([...dirs].map((path) => ({ type: vscode.FileChangeType.Changed, uri: root.with({ path, fragment: "" }) })));
    }
  }

  async unmount(root: vscode.Uri): Promise<void> {
    const image = this.images.get(root.authority);
    this.images.delete(root.authority);
    this.listed.delete(root.authority);
    await image?.close?.();
  }

  /** Closes every image it holds (a root reopens through `reopen` when next read). */
  async unmountAll(): Promise<void> {
    const images = [...this.images.values()];
    this.images.clear();
    this.listed.clear();
    await Promise.all(images.map(async (image) => image.close?.()));
  }

  /** Whether the provider holds the image of `root` now. */
  holds(root: vscode.Uri): boolean {
    return this.images.has(root.authority);
  }

  /** The image held for `root` now, without reopening it. */
  heldAt(root: vscode.Uri): BrowsableImage | undefined {
    return this.images.get(root.authority);
  }

  /** The image of a root, reopened if needed; undefined when it cannot be. */
  async imageAt(uri: vscode.Uri): Promise<BrowsableImage | undefined> {
    return this.images.get(uri.authority) ?? (await this.reopened(uri.authority));
  }

  watch(): vscode.Disposable {
    // Images do not change; layerMerged announces what arrives while one loads.
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const image = await this.imageOf(uri);
    return this.translate(uri, async () => {
      // Not there yet may mean not merged yet: an editor restored in a reloaded window asks before the layers are in.
      const own = await image.lstat(uri.path, { partial: true }).catch((error: unknown) => {
        if (image.isComplete === false && error instanceof ImagePathError) {
          return image.lstat(uri.path);
        }
        throw error;
      });
      if (own.type !== "symlink") {
        return toFileStat(own, fileTypeOf(own));
      }
      const target = await image.stat(uri.path, { partial: true }).catch(() => undefined);
      return toFileStat(target ?? own, vscode.FileType.SymbolicLink | (target ? fileTypeOf(target) : vscode.FileType.Unknown));
    });
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const image = await this.imageOf(uri);
    return this.translate(uri, async () => {
      const entries = await image.readDirectory(uri.path, { partial: true }).catch((error: unknown) => {
        if (image.isComplete === false && error instanceof ImagePathError) {
          return image.readDirectory(uri.path);
        }
        throw error;
      });
      this.listed.get(uri.authority)?.add(uri.path);
      const result: [string, vscode.FileType][] = [];
      for (const entry of entries) {
        if (entry.type !== "symlink") {
          result.push([entry.name, fileTypeOf(entry)]);
          continue;
        }
        const target = await image.stat(entry.path, { partial: true }).catch(() => undefined);
        result.push([entry.name, vscode.FileType.SymbolicLink | (target ? fileTypeOf(target) : vscode.FileType.Unknown)]);
      }
      return result;
    });
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const image = await this.imageOf(uri);
    return this.translate(uri, () => image.readFile(uri.path, { maxBytes: MAX_EDITOR_FILE_BYTES }));
  }

  writeFile(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(oldUri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(oldUri);
  }

  dispose(): void {
    for (const image of this.images.values()) {
      void image.close?.();
    }
    this.images.clear();
    this.listed.clear();
    this.changes.dispose();
  }

  private async imageOf(uri: vscode.Uri): Promise<BrowsableImage> {
    const image = await this.imageAt(uri);
    if (!image) {
      throw vscode.FileSystemError.Unavailable(
        vscode.l10n.t("This image is no longer open. Browse its files again from the Container Registries view."),
      );
    }
    return image;
  }

  private reopened(authority: string): Promise<BrowsableImage | undefined> {
    if (!this.reopen) {
      return Promise.resolve(undefined);
    }
    let pending = this.reopening.get(authority);
    if (!pending) {
      pending = this.reopen(authority).then(
        (image) => {
          this.reopening.delete(authority);
          if (image) {
            this.images.set(authority, image);
            this.listed.set(authority, new Set(["/"]));
          }
          return image;
        },
        (error: unknown) => {
          this.reopening.delete(authority);
          throw vscode.FileSystemError.Unavailable(error instanceof Error ? error.message : String(error));
        },
      );
      this.reopening.set(authority, pending);
    }
    return pending;
  }

  /** Library errors as the FileSystemErrors VS Code shows properly. */
  private async translate<T>(uri: vscode.Uri, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof ImagePathError) {
        switch (error.errno) {
          case "ENOENT":
            throw vscode.FileSystemError.FileNotFound(uri);
          case "ENOTDIR":
            throw vscode.FileSystemError.FileNotADirectory(uri);
          case "EISDIR":
            throw vscode.FileSystemError.FileIsADirectory(uri);
          case "ELOOP":
            throw vscode.FileSystemError.Unavailable(vscode.l10n.t("Too many symbolic links in the image: {0}", uri.path));
          case "EFBIG":
            throw vscode.FileSystemError.Unavailable(
              vscode.l10n.t(
                "The file is too large to open in the editor ({0} MiB at most): {1}",
                MAX_EDITOR_FILE_BYTES / (1024 * 1024),
                uri.path,
              ),
            );
        }
      }
      throw vscode.FileSystemError.Unavailable(error instanceof Error ? error.message : String(error));
    }
  }
}

function fileTypeOf(stat: ImageFileStat): vscode.FileType {
  switch (stat.type) {
    case "directory":
      return vscode.FileType.Directory;
    case "file":
    case "hardlink":
      return vscode.FileType.File;
    default:
      return vscode.FileType.Unknown;
  }
}

function toFileStat(stat: ImageFileStat, type: vscode.FileType): vscode.FileStat {
  const mtime = stat.mtime.getTime();
  return { type, ctime: mtime, mtime, size: stat.size, permissions: vscode.FilePermission.Readonly };
}
