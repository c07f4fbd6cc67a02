// The image-files feature as the tree's image rows use it (tree/imageFilesSource.ts):
// an image is opened with Browse Files' progress and mounted under the same
// root Browse Files gives it, so the tree, the Explorer and the editor share
// one open image; an image already open (Browse Files ran, or another row
// opened it) is not opened again. Rows expanded at once share one opening.

import * as vscode from "vscode";
import { ImageFilesystem } from "../../client/index";
import type { CommandOptions, Services } from "../commands/shared/commandServices";
import type { ImageRow, TreeImageFiles, TreeImageView } from "../tree/imageFilesSource";
import { imageMountsFor } from "./imageFilesFeature";
import { type ImageMounts, mountLabel } from "./imageMounts";
import { openImageWithProgress } from "./openImage";

/**
 * What a programmatic caller (the tests) adds to every opening from the tree:
 * a token that cancels as the notification's Cancel does, and the progress
 * reports. Read at each opening.
 */
export type TreeImageFilesOptions = Pick<CommandOptions, "cancellationToken" | "onProgress">;

const instances = new WeakMap<Services, TreeImageFiles>();

export function treeImageFilesFor(services: Services, options: TreeImageFilesOptions = {}): TreeImageFiles {
  let instance = instances.get(services);
  if (!instance) {
    instance = new TreeImageFilesFeature(services, options);
    instances.set(services, instance);
  }
  return instance;
}

class TreeImageFilesFeature implements TreeImageFiles {
  /** Openings in flight, by the root they will have. */
  private readonly opening = new Map<string, Promise<vscode.Uri>>();

  constructor(
    private readonly services: Services,
    private readonly options: TreeImageFilesOptions,
  ) {}

  private get mounts(): ImageMounts {
    return imageMountsFor(this.services);
  }

  openImage(row: ImageRow): Promise<vscode.Uri> {
    const root = this.mounts.rootOf(mountOf(row));
    let pending = this.opening.get(root.authority);
    if (!pending && this.mounts.provider.holds(root)) {
      // Mounted by Browse Files or an earlier row; wait for its layers (open() reuses it).
      const image = this.mounts.mountedImage(mountOf(row));
      return image ? image.ready.then(() => root) : Promise.resolve(root);
    }
    if (!pending) {
      pending = this.open(row).finally(() => this.opening.delete(root.authority));
      this.opening.set(root.authority, pending);
    }
    return pending;
  }

  async openLayer(row: ImageRow, layer: number): Promise<vscode.Uri> {
    const root = await this.openImage(row);
    const mount = { ...mountOf(row), layer };
    const layerRoot = this.mounts.rootOf(mount);
    if (this.mounts.provider.holds(layerRoot)) {
      return layerRoot;
    }
    const image = await this.mounts.provider.imageAt(root);
    if (!(image instanceof ImageFilesystem)) {
      throw new Error(vscode.l10n.t("This image is no longer open. Browse its files again from the Container Registries view."));
    }
    return this.mounts.mountLayer(image, { ...mount, label: mountLabel(row.repository, row.digest, layer) });
  }

  async view(root: vscode.Uri): Promise<TreeImageView> {
    const image = await this.mounts.provider.imageAt(root);
    if (!image) {
      throw new Error(vscode.l10n.t("This image is no longer open. Browse its files again from the Container Registries view."));
    }
    return image;
  }

  private async open(row: ImageRow): Promise<vscode.Uri> {
    let root: vscode.Uri | undefined;
    let shared = false;
    const unmountOwn = async (): Promise<void> => {
      if (root && !shared) {
        await this.mounts.unmount(root);
      }
    };
    // Mounted as soon as it is open (as Browse Files does), so a Browse Files run meanwhile reuses it.
    const opened = await openImageWithProgress(
      this.services,
      this.mounts,
      row,
      { cancellationToken: this.options.cancellationToken, onProgress: this.options.onProgress },
      async (image) => {
        shared = image.shared;
        root = await this.mounts.mountImage(image.image, image.mount);
      },
      () => {
        if (root) {
          this.mounts.provider.layerMerged(root);
        }
      },
    ).catch(async (error: unknown) => {
      await unmountOwn();
      throw error;
    });
    if (!opened || !root) {
      await unmountOwn();
      // Only a picker dismissed ends here, and an image row asks nothing: treat it as a cancel.
      throw new vscode.CancellationError();
    }
    this.services.log.info(`Image files in the tree: ${opened.mount.repository}@${opened.mount.digest} is open as ${root.toString()}`);
    return root;
  }
}

function mountOf(row: ImageRow): { registryId: string; repository: string; digest: string } {
  return { registryId: row.registry.id, repository: row.repository, digest: row.digest };
}
