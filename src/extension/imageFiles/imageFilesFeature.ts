// The image-files feature's one instance per activation, made on first use:
// the file system provider is registered only when a command needs it, or at
// activation when a workspace folder already is an image (a reopened window).

import * as vscode from "vscode";
import type { Services } from "../commands/shared/commandServices";
import { IMAGE_FILES_SCHEME } from "./imageFileSystemProvider";
import { ImageMounts } from "./imageMounts";
import { LayerChangeDecorations } from "./layerChangeDecorations";

const features = new WeakMap<Services, { mounts: ImageMounts; decorations: LayerChangeDecorations }>();

function featureFor(services: Services): { mounts: ImageMounts; decorations: LayerChangeDecorations } {
  let feature = features.get(services);
  if (!feature) {
    const mounts = new ImageMounts(services);
    feature = { mounts, decorations: new LayerChangeDecorations(mounts) };
    features.set(services, feature);
    services.context.subscriptions.push(mounts, vscode.window.registerFileDecorationProvider(feature.decorations));
  }
  return feature;
}

export function imageMountsFor(services: Services): ImageMounts {
  return featureFor(services).mounts;
}

/** The registered A/M/D provider (the API hands its answers to tests: VS Code has no call that reads decorations). */
export function layerChangeDecorationsFor(services: Services): LayerChangeDecorations {
  return featureFor(services).decorations;
}

/** At activation: registers the provider only when the workspace already holds an image folder. */
export function registerImageFilesIfInWorkspace(services: Services): void {
  if (vscode.workspace.workspaceFolders?.some((folder) => folder.uri.scheme === IMAGE_FILES_SCHEME)) {
    imageMountsFor(services);
  }
}
