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
import { connect, type ConnectArgs, disconnect, reenterCredentials } from "./connect";
import { copyDigest, copyReference } from "./copy";
import { deleteManifest, deleteRepository, deleteTag } from "./delete";
import { addTag } from "./addTag";
import { cleanupRegistry, cleanupRepository } from "./cleanup";
import { copyImageCommand } from "./copyImage";
import { deleteSelection } from "./deleteSelection";
import { clearFilter, filter } from "./filter";
import { findRepository } from "./findRepository";
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
import { type CommandOptions, isPlainObject, type Services } from "./shared/commandServices";
import { imageFileHandlers, imageFileTitles } from "../imageFiles/imageFileHandlers";

/**
 * `selection`: the tree's selected nodes when several are (canSelectMany), the clicked one among them;
 * `args`: what the command was called with (the Explorer passes a file's Uri).
 */
export type Handler = (
  node: TreeNode | undefined,
  options: CommandOptions,
  selection: TreeNode[] | undefined,
  args: unknown[],
) => Promise<unknown>;

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
    "containerRegistryExplorer.cleanupRepository": () => vscode.l10n.t("Clean up repository"),
    "containerRegistryExplorer.cleanupRegistry": () => vscode.l10n.t("Clean up repositories"),
    "containerRegistryExplorer.addTag": () => vscode.l10n.t("Add tag"),
    "containerRegistryExplorer.copyImage": () => vscode.l10n.t("Copy image"),
    "containerRegistryExplorer.filter": () => vscode.l10n.t("Filter"),
    "containerRegistryExplorer.clearFilter": () => vscode.l10n.t("Clear filter"),
    "containerRegistryExplorer.findRepository": () => vscode.l10n.t("Find repository"),
    ...imageFileTitles(),
  };
  const toggle = PROPERTY_TOGGLES.find((t) => t.command === id);
  if (toggle) {
    return toggle.value ? vscode.l10n.t("Turning {0} on", toggle.permission) : vscode.l10n.t("Turning {0} off", toggle.permission);
  }
  return titles[id]?.() ?? id;
}

export function registerCommands(services: Services): vscode.Disposable[] {
  const handlers: Record<string, Handler> = {
    "containerRegistryExplorer.connect": (_node, options) =>
      connect(services, isPlainObject(options) && "endpoint" in options ? (options as unknown as ConnectArgs) : undefined),
    "containerRegistryExplorer.disconnect": (node, options) => disconnect(services, node, options),
    "containerRegistryExplorer.reenterCredentials": (node, options) => reenterCredentials(services, node, options),
    "containerRegistryExplorer.refresh": (node) => refresh(services, node),
    "containerRegistryExplorer.loadMore": (node) => loadMore(services, node),
    "containerRegistryExplorer.retry": (node) => retry(services, node),
    "containerRegistryExplorer.openLog": async () => services.log.show(),
    "containerRegistryExplorer.deleteRepository": (node, options) => deleteRepository(services, node, options),
    "containerRegistryExplorer.deleteManifest": (node, options, selection) =>
      selection ? deleteSelection(services, selection, options) : deleteManifest(services, node, options),
    "containerRegistryExplorer.deleteTag": (node, options, selection) =>
      selection ? deleteSelection(services, selection, options) : deleteTag(services, node, options),
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
    "containerRegistryExplorer.cleanupRepository": (node, options) => cleanupRepository(services, node, options),
    "containerRegistryExplorer.cleanupRegistry": (node, options) => cleanupRegistry(services, node, options),
    "containerRegistryExplorer.addTag": (node, options) => addTag(services, node, options),
    "containerRegistryExplorer.copyImage": (node, options) => copyImageCommand(services, node, options),
    "containerRegistryExplorer.filter": (node, options) => filter(services, node, options),
    "containerRegistryExplorer.clearFilter": (node) => clearFilter(services, node),
    "containerRegistryExplorer.findRepository": (node, options) => findRepository(services, node, options),
    ...imageFileHandlers(services),
  };
  for (const toggle of PROPERTY_TOGGLES) {
    // Several selected: the same change on each, in order.
    handlers[toggle.command] = async (node, options, selection) => {
      const results = [];
      for (const each of selection ?? [node]) {
        results.push(await setPermission(services, each, options, toggle));
      }
      return selection ? results : results[0];
    };
  }
  return Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      const node = args[0] instanceof TreeNode ? args[0] : undefined;
      // (options), (node, options), the tree's (node, selectedNodes[]) (+ options from a programmatic caller) or the palette's ().
      const options = [args[1], args[2], node ? undefined : args[0]].find(isPlainObject) as CommandOptions | undefined;
      const selected = Array.isArray(args[1]) ? args[1].filter((n): n is TreeNode => n instanceof TreeNode) : [];
      const selection = node && selected.length > 1 && selected.includes(node) ? selected : undefined;
      try {
        return await handler(node, options ?? {}, selection, args);
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
