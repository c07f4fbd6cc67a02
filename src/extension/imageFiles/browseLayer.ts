// Browse Layer: one layer alone, as dive shows it: a folder of what the layer
// added, changed and deleted (whiteouts as deleted entries), each marked by
// LayerChangeDecorations. Layers are picked from a list with their size and
// the build step that made them, rather than shown as tree rows: a layer's
// content is a folder, and the Explorer already is the tree for folders.

import * as vscode from "vscode";
import type { ImageFilesystem } from "../../client/index";
import type { CommandOptions, Services } from "../commands/shared/commandServices";
import { formatBytes } from "../format";
import type { TreeNode } from "../tree/treeNode";
import { imageMountsFor } from "./imageFilesFeature";
import { mountLabel } from "./imageMounts";
import { layerSummary } from "./layerSummary";
import { closeUnlessShared, openImageWithProgress } from "./openImage";
import { addWorkspaceFolder, chooseOpenIn, openInNewWindow } from "./openImageFolder";

export async function browseLayer(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<vscode.Uri | undefined> {
  const openIn = chooseOpenIn(options);
  const mounts = imageMountsFor(services);
  const opened = await openImageWithProgress(services, mounts, node, options);
  if (!opened) {
    return undefined;
  }
  const { image, mount } = opened;
  const layer = await pickLayer(image, options).catch(async (error: unknown) => {
    await closeUnlessShared(opened);
    throw error;
  });
  if (layer === undefined) {
    await closeUnlessShared(opened);
    return undefined;
  }
  // The merged view stays open too: the layer's hard links to lower layers read through it.
  await mounts.mountImage(image, mount);
  const root = await mounts.mountLayer(image, { ...mount, layer, label: mountLabel(mount.repository, mount.digest, layer) });
  if (openIn === "workspace") {
    await addWorkspaceFolder(root, mountLabel(mount.repository, mount.digest, layer));
  } else if (openIn === "newWindow") {
    await openInNewWindow(root);
  }
  return root;
}

async function pickLayer(image: ImageFilesystem, options: CommandOptions): Promise<number | undefined> {
  if (options.layer !== undefined) {
    if (!Number.isInteger(options.layer) || options.layer < 0 || options.layer > image.upToLayer) {
      throw new Error(vscode.l10n.t("The image has layers 0 to {0}; there is no layer {1}", image.upToLayer, String(options.layer)));
    }
    return options.layer;
  }
  const picked = await vscode.window.showQuickPick(
    image.layers.map((layer) => ({
      label: vscode.l10n.t("Layer {0}", layer.index + 1),
      description: formatBytes(layer.size),
      detail: layerSummary(layer),
      index: layer.index,
    })),
    { title: vscode.l10n.t("Which layer of {0}?", image.repository), matchOnDetail: true },
  );
  return picked?.index;
}
