// Browse Files: an image as a read-only folder. The folder is there as soon as
// the image is open (the Explorer lists what the layers merged so far, and
// fills in as more arrive); a cancellation or failure removes it again.

import type * as vscode from "vscode";
import type { CommandOptions, Services } from "../commands/shared/commandServices";
import type { TreeNode } from "../tree/treeNode";
import { imageMountsFor } from "./imageFilesFeature";
import { openImageWithProgress } from "./openImage";
import { addWorkspaceFolder, chooseOpenIn, openInNewWindow, removeWorkspaceFolder } from "./openImageFolder";

export async function browseFiles(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<vscode.Uri | undefined> {
  const openIn = chooseOpenIn(options);
  const mounts = imageMountsFor(services);
  let root: vscode.Uri | undefined;
  let added = false;
  let shared = false;
  try {
    const opened = await openImageWithProgress(
      services,
      mounts,
      node,
      options,
      async ({ image, mount, shared: reused }) => {
        shared = reused;
        root = await mounts.mountImage(image, mount);
        if (openIn === "workspace") {
          added = await addWorkspaceFolder(root, mount.label);
        }
      },
      () => {
        // Directories shown so far are announced as changed when another layer is merged.
        if (root) {
          mounts.provider.layerMerged(root);
        }
      },
    );
    if (!opened || !root) {
      return undefined;
    }
    services.log.info(`Browse Files: ${opened.mount.repository}@${opened.mount.digest} is open as ${root.toString()}`);
    if (openIn === "newWindow") {
      await openInNewWindow(root);
    }
    return root;
  } catch (error) {
    if (root) {
      if (added) {
        await removeWorkspaceFolder(root);
      }
      // A reused image stays mounted: the tree or an earlier Browse Files shows it.
      if (!shared) {
        await mounts.unmount(root);
      }
    }
    throw error;
  }
}
