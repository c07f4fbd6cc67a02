// Clear Image File Cache: removes every cached layer no open image uses.

import * as vscode from "vscode";
import { LayerCache } from "../../client/index";
import type { Services } from "../commands/shared/commandServices";
import { formatBytes } from "../format";
import { imageFilesCacheDir, imageFilesCacheMaxBytes } from "./imageFilesCache";

export async function clearImageFileCache(services: Services): Promise<{ freedBytes: number; remainingBytes: number }> {
  const cache = LayerCache.forDirectory(imageFilesCacheDir(services.context), imageFilesCacheMaxBytes());
  const before = await cache.sizeInBytes();
  await cache.clear();
  const remainingBytes = await cache.sizeInBytes();
  const freedBytes = Math.max(0, before - remainingBytes);
  services.log.info(`Clear Image File Cache: freed ${freedBytes} bytes, ${remainingBytes} in use by open images`);
  void vscode.window.showInformationMessage(
    remainingBytes > 0
      ? vscode.l10n.t("Freed {0} of image files; {1} stay for the images open now.", formatBytes(freedBytes), formatBytes(remainingBytes))
      : vscode.l10n.t("Freed {0} of image files.", formatBytes(freedBytes)),
  );
  return { freedBytes, remainingBytes };
}
