// The images open as folders, and what each was opened from. A root's
// authority is a key derived from the registry, repository, digest and view
// (the whole image, or one layer), and what it stands for is saved in the
// global state: a folder reopened after a reload, or in a new window (whose
// extension host starts empty), opens its image again from there.

import * as crypto from "node:crypto";
import * as vscode from "vscode";
import { type ContainerRegistryClient, ImageFilesystem, type ImageFilesystemProgress } from "../../client/index";
import type { Services } from "../commands/shared/commandServices";
import { formatBytes, shortDigest } from "../format";
import { type BrowsableImage, IMAGE_FILES_SCHEME, ImageFileSystemProvider } from "./imageFileSystemProvider";
import { imageFilesCacheDir, imageFilesCacheMaxBytes } from "./imageFilesCache";

const MOUNTS_KEY = "containerRegistryExplorer.imageFiles.mounts";
/** Saved mounts kept at most (the oldest go first). */
const MAX_SAVED_MOUNTS = 50;

export interface ImageMount {
  registryId: string;
  repository: string;
  /** The image manifest's digest (a platform's, for an index). */
  digest: string;
  /** One layer alone, by index; absent for the merged view. */
  layer?: number;
  label: string;
}

export interface OpenImageOptions {
  signal?: AbortSignal;
  platform?: string;
  onProgress?: (progress: ImageFilesystemProgress) => void;
}

export class ImageMounts implements vscode.Disposable {
  readonly provider: ImageFileSystemProvider;
  private readonly registration: vscode.Disposable;

  constructor(private readonly services: Services) {
    this.provider = new ImageFileSystemProvider(IMAGE_FILES_SCHEME, (authority) => this.reopen(authority));
    this.registration = vscode.workspace.registerFileSystemProvider(IMAGE_FILES_SCHEME, this.provider, {
      isReadonly: true,
      isCaseSensitive: true,
    });
  }

  static keyOf(mount: Omit<ImageMount, "label">): string {
    return crypto
      .createHash("sha256")
      .update(JSON.stringify([mount.registryId, mount.repository, mount.digest, mount.layer ?? -1]))
      .digest("hex")
      .slice(0, 32);
  }

  rootOf(mount: Omit<ImageMount, "label">): vscode.Uri {
    return vscode.Uri.from({ scheme: IMAGE_FILES_SCHEME, authority: ImageMounts.keyOf(mount), path: "/" });
  }

  /** What a root was opened from, if it was saved. */
  mountOf(uri: vscode.Uri): ImageMount | undefined {
    return this.saved()[uri.authority];
  }

  async client(mount: Pick<ImageMount, "registryId">): Promise<ContainerRegistryClient> {
    const registry = this.services.connections.get(mount.registryId);
    if (!registry) {
      throw new Error(vscode.l10n.t("The registry of this image is no longer connected. Connect it again to browse its files."));
    }
    return this.services.connections.getClient(registry);
  }

  /**
   * The merged view of an image already mounted in this window, if any.
   * Commands reuse it rather than open the image again: mounting a second
   * opening under the same root would close the first, and a layer mounted
   * from the first reads its hard links through it.
   */
  mountedImage(mount: Pick<ImageMount, "registryId" | "repository" | "digest">): ImageFilesystem | undefined {
    const image = this.provider.heldAt(this.rootOf(mount));
    return image instanceof ImageFilesystem ? image : undefined;
  }

  /** Opens the merged view of an image (not mounted); the caller closes it. */
  async openImage(
    mount: Pick<ImageMount, "registryId" | "repository" | "digest">,
    options: OpenImageOptions = {},
  ): Promise<ImageFilesystem> {
    const client = await this.client(mount);
    return client.openImageFilesystem(mount.repository, mount.digest, {
      platform: options.platform,
      cacheDir: imageFilesCacheDir(this.services.context),
      cacheMaxBytes: imageFilesCacheMaxBytes(),
      onProgress: options.onProgress,
      abortSignal: options.signal,
    });
  }

  /** Mounts an open merged view; returns its root. */
  async mountImage(image: ImageFilesystem, mount: ImageMount): Promise<vscode.Uri> {
    const key = ImageMounts.keyOf(mount);
    // Held before it is saved: a listing in between must not reopen it.
    const root = this.provider.mount(image, mount.label, key);
    await this.save(key, mount);
    return root;
  }

  /** Mounts layer `layer` of an open image alone; returns its root. */
  async mountLayer(image: ImageFilesystem, mount: ImageMount & { layer: number }): Promise<vscode.Uri> {
    const key = ImageMounts.keyOf(mount);
    if (this.provider.holds(this.rootOf(mount))) {
      // Already mounted (a tree row, or Browse Layer run before): keep that view, an editor may be reading it.
      return this.rootOf(mount).with({ fragment: mount.label });
    }
    const view = await image.layerView(mount.layer);
    const root = this.provider.mount(view, mount.label, key);
    await this.save(key, mount);
    return root;
  }

  async unmount(root: vscode.Uri): Promise<void> {
    await this.provider.unmount(root);
  }

  dispose(): void {
    this.registration.dispose();
    this.provider.dispose();
  }

  /** Closes every open image, as a window reload does; their saved roots reopen when next read. */
  async closeAll(): Promise<void> {
    await this.provider.unmountAll();
  }

  /**
   * A saved root with no image in this window: open it again, with a progress
   * notification. A layer's root takes its view from the merged root, reopened
   * through the provider (once for every root that asks), so both share one
   * image that the provider holds and closes.
   */
  private async reopen(authority: string): Promise<BrowsableImage | undefined> {
    const mount = this.saved()[authority];
    if (!mount) {
      return undefined;
    }
    if (mount.layer !== undefined) {
      const merged = { registryId: mount.registryId, repository: mount.repository, digest: mount.digest };
      const key = ImageMounts.keyOf(merged);
      if (!this.saved()[key]) {
        await this.save(key, { ...merged, label: mountLabel(mount.repository, mount.digest) });
      }
      const image = await this.provider.imageAt(this.rootOf(merged));
      if (!(image instanceof ImageFilesystem)) {
        return undefined;
      }
      await image.ready;
      return image.layerView(mount.layer);
    }
    this.services.log.info(`Image files: reopening ${mount.repository}@${mount.digest}`);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Reading the files of {0}", mount.label) },
      (progress) => this.openImage(mount, { onProgress: (p) => progress.report({ message: describeProgress(p) }) }),
    );
  }

  private saved(): Record<string, ImageMount> {
    return this.services.context.globalState.get<Record<string, ImageMount>>(MOUNTS_KEY) ?? {};
  }

  private async save(key: string, mount: ImageMount): Promise<void> {
    const saved = { ...this.saved() };
    delete saved[key];
    saved[key] = mount;
    const keys = Object.keys(saved);
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_SAVED_MOUNTS))) {
      delete saved[old];
    }
    await this.services.context.globalState.update(MOUNTS_KEY, saved);
  }
}

/** "Layer 2 of 5: 3.1 MB of 12 MB" for a progress report. */
export function describeProgress(progress: ImageFilesystemProgress): string {
  const layer = vscode.l10n.t("Layer {0} of {1}", progress.layerIndex + 1, progress.layerCount);
  switch (progress.phase) {
    case "downloading":
      return vscode.l10n.t("{0}: {1} of {2}", layer, formatBytes(progress.transferredBytes), formatBytes(progress.totalBytes));
    case "cached":
      return vscode.l10n.t("{0}: from the cache", layer);
    case "indexed":
      return vscode.l10n.t("{0}: downloaded", layer);
    case "merged":
      return vscode.l10n.t("{0} layers of {1} ready", progress.mergedLayers, progress.layerCount);
  }
}

export function mountLabel(repository: string, digest: string, layer?: number): string {
  const image = `${repository}@${shortDigest(digest)}`;
  return layer === undefined ? image : vscode.l10n.t("{0}, layer {1}", image, layer + 1);
}
