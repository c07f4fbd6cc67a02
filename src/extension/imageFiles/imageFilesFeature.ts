// The image-files feature's one instance per activation, made on first use:
// the file system provider is registered only when a command needs it, or at
// activation when a workspace folder already is an image (a reopened window).

import * as vscode from "vscode";
import type { Services } from "../commands/shared/commandServices";
import { IMAGE_FILES_SCHEME } from "./imageFileSystemProvider";
import { ImageMounts } from "./imageMounts";
import { LayerChangeDecorations } from "./layerChangeDecorations";

const features = new WeakMap<Services, ImageMounts>();

export function imageMountsFor(services: Services): ImageMounts {
  let mounts = features.get(services);
  if (!mounts) {
    mounts = new ImageMounts(services);
    features.set(services, mounts);
    services.context.subscriptions.push(mounts, vscode.window.registerFileDecorationProvider(new LayerChangeDecorations(mounts)));
  }
  return mounts;
}

/** At activation: registers the provider only when the workspace already holds an image folder. */
export function registerImageFilesIfInWorkspace(services: Services): void {
  if (vscode.workspace.workspaceFolders?.some((folder) => folder.uri.scheme === IMAGE_FILES_SCHEME)) {
    imageMountsFor(services);
  }
}
