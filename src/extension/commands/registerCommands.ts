// Every command, registered in one place. Each handler gets the tree node it
// was invoked on (undefined from the palette, where it asks with quick picks)
// and the options of a programmatic caller (see shared/commandServices.ts).
//
// Errors: from the UI, a notification with the registry's message and
// "Open Log"; cancelling is quiet. A programmatic caller (one that passed an
// options object) gets the error, or vscode.CancellationError, as a rejection.

import * as vscode from "vscode";
import { showError } from "../notify";
import { isCancellation } from "../cancellation";
import { TreeNode } from "../tree/treeNode";
import { downloadBlob, uploadBlob } from "./blobs";
import { addRepository } from "./addRepository";
import { connect, ConnectArgs, disconnect, reenterCredentials } from "./connect";
import { copyDigest, copyReference } from "./copy";
import { deleteManifest, deleteRepository, deleteTag } from "./delete";
import { loadMore } from "./loadMore";
import { openManifest } from "./openManifest";
import { compareWith } from "./compareWith";
import { inspectImage } from "./inspectImage";
import { showRepositorySize } from "./showRepositorySize";
import { sortByCreated } from "./sortByCreated";
import { openReference } from "./openReference";
import { setPermission, PROPERTY_TOGGLES } from "./properties";
import { pull } from "./pull";
import { push } from "./push";
import { pushLayout } from "./pushLayout";
import { refresh } from "./refresh";
import { renameRegistry } from "./rename";
import { retry } from "./retry";
import { CommandOptions, isPlainObject, Services } from "./shared/commandServices";

type Handler = (node: TreeNode | undefined, options: CommandOptions) => Promise<unknown>;

/** What a command is called in "… failed" notifications, in the display language. */
function commandTitle(id: string): string {
  const titles: Record<string, () => string> = {
    "containerRegistryExplorer.connect": () => vscode.l10n.t("Connect registry"),
    "containerRegistryExplorer.disconnect": () => vscode.l10n.t("Disconnect"),
    "containerRegistryExplorer.reenterCredentials": () => vscode.l10n.t("Re-enter credentials"),
    "containerRegistryExplorer.deleteRepository": () => vscode.l10n.t("Delete repository"),
    "containerRegistryExplorer.deleteManifest": () => vscode.l10n.t("Delete manifest"),
    "containerRegistryExplorer.deleteTag": () => vscode.l10n.t("Delete tag"),
    "containerRegistryExplorer.pull": () => vscode.l10n.t("Pull"),
    "containerRegistryExplorer.push": () => vscode.l10n.t("Push"),
    "containerRegistryExplorer.pushLayout": () => vscode.l10n.t("Push OCI layout"),
    "containerRegistryExplorer.uploadBlob": () => vscode.l10n.t("Upload blob"),
    "containerRegistryExplorer.downloadBlob": () => vscode.l10n.t("Download blob"),
    "containerRegistryExplorer.copyReference": () => vscode.l10n.t("Copy reference"),
    "containerRegistryExplorer.copyDigest": () => vscode.l10n.t("Copy digest"),
    "containerRegistryExplorer.openManifest": () => vscode.l10n.t("Open manifest"),
    "containerRegistryExplorer.inspectImage": () => vscode.l10n.t("Inspect image"),
    "containerRegistryExplorer.compareWith": () => vscode.l10n.t("Compare"),
    "containerRegistryExplorer.showRepositorySize": () => vscode.l10n.t("Show repository size"),
    "containerRegistryExplorer.sortByCreated": () => vscode.l10n.t("Sort by created"),
    "containerRegistryExplorer.openReference": () => vscode.l10n.t("Open reference"),
    "containerRegistryExplorer.addRepository": () => vscode.l10n.t("Add repository"),
    "containerRegistryExplorer.renameRegistry": () => vscode.l10n.t("Rename registry"),
  };
  const toggle = PROPERTY_TOGGLES.find((t) => t.command === id);
  if (toggle) {
    return toggle.value ? vscode.l10n.t("Turning {0} on", toggle.permission) : vscode.l10n.t("Turning {0} off", toggle.permission);
  }
  return titles[id]?.() ?? id;
}

export function registerCommands(services: Services): vscode.Disposable[] {
  const handlers: Record<string, Handler> = {
    "containerRegistryExplorer.connect": (_node, options) => connect(services, isPlainObject(options) && "endpoint" in options ? (options as unknown as ConnectArgs) : undefined),
    "containerRegistryExplorer.disconnect": (node, options) => disconnect(services, node, options),
    "containerRegistryExplorer.reenterCredentials": (node, options) => reenterCredentials(services, node, options),
    "containerRegistryExplorer.refresh": (node) => refresh(services, node),
    "containerRegistryExplorer.loadMore": (node) => loadMore(services, node),
    "containerRegistryExplorer.retry": (node) => retry(services, node),
    "containerRegistryExplorer.openLog": async () => services.log.show(),
    "containerRegistryExplorer.deleteRepository": (node, options) => deleteRepository(services, node, options),
    "containerRegistryExplorer.deleteManifest": (node, options) => deleteManifest(services, node, options),
    "containerRegistryExplorer.deleteTag": (node, options) => deleteTag(services, node, options),
    "containerRegistryExplorer.pull": (node, options) => pull(services, node, options),
    "containerRegistryExplorer.push": (node, options) => push(services, node, options),
    "containerRegistryExplorer.pushLayout": (node, options) => pushLayout(services, node, options),
    "containerRegistryExplorer.uploadBlob": (node, options) => uploadBlob(services, node, options),
    "containerRegistryExplorer.downloadBlob": (node, options) => downloadBlob(services, node, options),
    "containerRegistryExplorer.copyReference": (node, options) => copyReference(services, node, options),
    "containerRegistryExplorer.copyDigest": (node, options) => copyDigest(services, node, options),
    "containerRegistryExplorer.openManifest": (node, options) => openManifest(services, node, options),
    "containerRegistryExplorer.inspectImage": (node, options) => inspectImage(services, node, options),
    "containerRegistryExplorer.compareWith": (node, options) => compareWith(services, node, options),
    "containerRegistryExplorer.showRepositorySize": (node, options) => showRepositorySize(services, node, options),
    "containerRegistryExplorer.sortByCreated": (node, options) => sortByCreated(services, node, options),
    "containerRegistryExplorer.openReference": (_node, options) => openReference(services, options),
    "containerRegistryExplorer.addRepository": (node, options) => addRepository(services, node, options),
    "containerRegistryExplorer.renameRegistry": (node, options) => renameRegistry(services, node, options),
  };
  for (const toggle of PROPERTY_TOGGLES) {
    handlers[toggle.command] = (node, options) => setPermission(services, node, options, toggle);
  }
  return Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      const node = args[0] instanceof TreeNode ? args[0] : undefined;
      // (options), (node, options), or the tree's (node, selectedNodes[]) / the palette's ().
      const options = [args[1], node ? undefined : args[0]].find(isPlainObject) as CommandOptions | undefined;
      try {
        return await handler(node, options ?? {});
      } catch (error) {
        if (isCancellation(error)) {
          services.log.info(`${commandTitle(id)}: cancelled`);
          if (options) {
            throw error instanceof vscode.CancellationError ? error : new vscode.CancellationError();
          }
          return undefined;
        }
        if (options) {
          services.log.error(`${commandTitle(id)} failed`, error);
          throw error;
        }
        showError(services.log, commandTitle(id), error);
        return undefined;
      }
    }),
  );
}
