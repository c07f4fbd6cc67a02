// Show Repository Size: every manifest's blobs counted once, split into
// shared (used by more than one manifest) and exclusive (what deleting the
// manifest using it would free), under a cancellable progress notification.

import * as vscode from "vscode";
import type { RepositorySize } from "../../client/index";
import { abortSignalFor } from "../cancellation";
import { formatBytes } from "../format";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { resolveTarget } from "./shared/itemTargets";

export async function showRepositorySize(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<RepositorySize | undefined> {
  const target = await resolveTarget(services, node, options, ["repository"]);
  if (!target) {
    return undefined;
  }
  const client = await services.connections.getClient(target.registry);
  const name = `${target.registry.loginServer}/${target.repository}`;
  const size = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Adding up {0}", name), cancellable: true },
    async (progress, token) => {
      const abort = abortSignalFor(token, options.cancellationToken);
      let reported = 0;
      try {
        return await client.getRepositorySize(target.repository, {
          abortSignal: abort.signal,
          onProgress: ({ manifestsRead, manifestsTotal }) => {
            const percent = Math.floor((manifestsRead / manifestsTotal) * 100);
            progress.report({
              message: vscode.l10n.t("{0} of {1} manifests", manifestsRead, manifestsTotal),
              increment: percent - reported,
            });
            reported = percent;
          },
        });
      } finally {
        abort.dispose();
      }
    },
  );
  void vscode.window.showInformationMessage(
    vscode.l10n.t(
      "{0}: {1} in {2} blobs ({3} shared by several manifests, {4} used by one manifest only)",
      name,
      formatBytes(size.totalBytes),
      size.blobCount,
      formatBytes(size.sharedBytes),
      formatBytes(size.exclusiveBytes),
    ),
  );
  return size;
}
