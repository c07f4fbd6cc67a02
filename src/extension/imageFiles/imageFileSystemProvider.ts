// A read-only vscode.FileSystemProvider over the library's ImageFilesystem
// (issue 14), under its own scheme. Each mounted image is one authority;
// paths below it are paths inside the image. Listings answer from the layers
// merged so far (`partial`), and a directory already shown is announced as
// changed when another layer is merged, so the Explorer fills in as layers
// arrive. Not wired into any command yet.

import * as crypto from "node:crypto";
import * as vscode from "vscode";
import { type ImageFilesystem, type ImageFileStat, ImagePathError } from "../../client";

export const IMAGE_FILES_SCHEME = "cre-image";

/** Files larger than this are refused with a message instead of being read into the editor. */
const MAX_EDITOR_FILE_BYTES = 256 * 1024 * 1024;

export class ImageFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly images = new Map<string, ImageFilesystem>();
  /** Directories listed so far, per image: the ones to announce when a layer is merged. */
  private readonly listed = new Map<string, Set<string>>();
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;

  /** `scheme`: the URI scheme the provider is registered under (tests use their own). */
  constructor(private readonly scheme = IMAGE_FILES_SCHEME) {}

  /** Makes `image` browsable; returns the URI of its root. */
  mount(image: ImageFilesystem, label = image.digest): vscode.Uri {
    const key = crypto
      .createHash("sha256")
      .update(`${image.repository}@${image.digest}#${image.upToLayer}#${crypto.randomUUID()}`)
      .digest("hex")
      .slice(0, 16);
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
    await image?.close();
  }

  watch(): vscode.Disposable {
    // Images do not change; layerMerged announces what arrives while one loads.
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const image = this.imageOf(uri);
    return this.translate(uri, async () => {
      const own = await image.lstat(uri.path, { partial: true });
      if (own.type !== "symlink") {
        return toFileStat(own, fileTypeOf(own));
      }
      const target = await image.stat(uri.path, { partial: true }).catch(() => undefined);
      return toFileStat(target ?? own, vscode.FileType.SymbolicLink | (target ? fileTypeOf(target) : vscode.FileType.Unknown));
    });
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const image = this.imageOf(uri);
    return this.translate(uri, async () => {
      const entries = await image.readDirectory(uri.path, { partial: true });
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
    const image = this.imageOf(uri);
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
      void image.close();
    }
    this.images.clear();
    this.listed.clear();
    this.changes.dispose();
  }

  private imageOf(uri: vscode.Uri): ImageFilesystem {
    const image = this.images.get(uri.authority);
    if (!image) {
      throw vscode.FileSystemError.Unavailable(
        vscode.l10n.t("This image is no longer open. Browse its files again from the Container Registries view."),
      );
    }
    return image;
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
