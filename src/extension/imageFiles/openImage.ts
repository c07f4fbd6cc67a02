// The image a command acts on (a manifest, tag or platform row, or picked),
// opened with a cancellable progress notification that shows which layer is
// arriving and the bytes so far. An index asks for its platform.

import * as vscode from "vscode";
import { type ImageFilesystem, type ImageFilesystemProgress, PlatformNotFoundError } from "../../client/index";
import type { CommandOptions, Services } from "../commands/shared/commandServices";
import { digestOfTarget, type ItemTarget, resolveTarget } from "../commands/shared/itemTargets";
import type { TreeNode } from "../tree/treeNode";
import { withTransferProgress } from "../progress";
import { describeProgress, type ImageMount, type ImageMounts, mountLabel } from "./imageMounts";

export interface OpenedImage {
  target: ItemTarget;
  image: ImageFilesystem;
  mount: ImageMount;
  /** The image was already mounted in this window and is reused: its mount owns it, the caller must not close it. */
  shared: boolean;
}

/** Closes an image a command opened for itself; leaves a reused (mounted) one open. */
export async function closeUnlessShared(opened: OpenedImage): Promise<void> {
  if (!opened.shared) {
    await opened.image.close();
  }
}

/** The target of a command on an image; undefined when the user dismissed a picker. */
export async function resolveImageTarget(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<{ target: ItemTarget; digest: string } | undefined> {
  const target = await resolveTarget(services, node, options, ["manifest", "tag"]);
  if (!target) {
    return undefined;
  }
  // A platform row's target is its own manifest (targetFromNode), so its digest is the platform's.
  return { target, digest: await digestOfTarget(services, target) };
}

/**
 * Opens the image; `whileLoading` runs once the image is open and its
 * first listings can be shown, and the progress lasts until every layer is
 * merged (`waitForLayers`) or until `whileLoading` is done. A failure or a
 * cancellation closes the image (no partial cache entry stays: the library
 * builds entries aside and renames them whole).
 */
export async function openImageWithProgress(
  services: Services,
  mounts: ImageMounts,
  node: TreeNode | undefined,
  options: CommandOptions,
  whileLoading?: (opened: OpenedImage, signal: AbortSignal) => Promise<void>,
  onLayerMerged?: () => void,
): Promise<OpenedImage | undefined> {
  const resolved = await resolveImageTarget(services, node, options);
  if (!resolved) {
    return undefined;
  }
  const { target, digest } = resolved;
  const title = vscode.l10n.t("Reading the files of {0}", `${target.repository}@${digest}`);
  let platform = options.platform;
  for (;;) {
    try {
      return await withTransferProgress(
        { title, cancellationToken: options.cancellationToken, onProgress: options.onProgress },
        async (context) => {
          const transferred = new Map<number, number>();
          let total = 0;
          const onProgress = (progress: ImageFilesystemProgress): void => {
            transferred.set(progress.layerIndex, progress.transferredBytes);
            context.setStep(describeProgress(progress));
            context.report(
              [...transferred.values()].reduce((sum, bytes) => sum + bytes, 0),
              total || undefined,
            );
            if (progress.phase === "merged") {
              onLayerMerged?.();
            }
          };
          const where = { registryId: target.registry.id, repository: target.repository };
          let image = mounts.mountedImage({ ...where, digest });
          let shared = image !== undefined;
          if (!image) {
            const fresh = await mounts.openImage({ ...where, digest }, { signal: context.signal, platform, onProgress });
            // An index's platform is known only now: that image may be mounted already. Checked and
            // mounted (whileLoading) with no await between, so two openings cannot both mount.
            image = mounts.mountedImage({ ...where, digest: fresh.digest });
            shared = image !== undefined;
            if (image) {
              await fresh.close();
            } else {
              image = fresh;
            }
          }
          const chosen = image;
          total = chosen.layers.slice(0, chosen.upToLayer + 1).reduce((sum, layer) => sum + layer.size, 0);
          const opened: OpenedImage = {
            target,
            image: chosen,
            mount: { ...where, digest: chosen.digest, label: mountLabel(target.repository, chosen.digest) },
            shared,
          };
          try {
            await whileLoading?.(opened, context.signal);
            await chosen.ready;
          } catch (error) {
            await closeUnlessShared(opened);
            throw error;
          }
          return opened;
        },
      );
    } catch (error) {
      // An index and no platform chosen: ask, then open again.
      if (
        error instanceof PlatformNotFoundError &&
        error.requested === undefined &&
        platform === undefined &&
        error.availablePlatforms.length > 0
      ) {
        platform = await vscode.window.showQuickPick(error.availablePlatforms, {
          title: vscode.l10n.t("Which platform of {0}?", target.repository),
        });
        if (platform !== undefined) {
          continue;
        }
        return undefined;
      }
      throw error;
    }
  }
}
