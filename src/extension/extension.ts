// Activation: wires the pieces together and nothing else.

import * as vscode from "vscode";
import { RegistryDragAndDropController } from "./commands/dragAndDrop";
import { type AzureApi, AzureFeature } from "./azure/azureFeature";
import { registerCommands } from "./commands/registerCommands";
import type { Services } from "./commands/shared/commandServices";
import { Connections } from "./connections";
import { imageFilesCacheDir } from "./imageFiles/imageFilesCache";
import { registerImageFilesIfInWorkspace } from "./imageFiles/imageFilesFeature";
import { Log } from "./log";
import { InspectDocuments } from "./inspect/inspectDocuments";
import { COMPARE_SCHEME, INSPECT_SCHEME } from "./inspect/inspectUris";
import { MANIFEST_SCHEME, ManifestDocuments } from "./manifestDocuments";
import { connectPresetRegistries } from "./presets";
import { CA_CERTIFICATE_SETTING } from "./trustedCertificates";
import { RegistryTreeDataProvider } from "./tree/registryTreeDataProvider";
import type { TreeNode } from "./tree/treeNode";

export const VIEW_ID = "containerRegistryExplorer.registries";

/**
 * What `activate` returns, for tests and other extensions: the tree (call
 * `getChildren()` / `getTreeItem()` on it) and the saved registries.
 */
export interface ContainerRegistryExplorerApi {
  readonly tree: RegistryTreeDataProvider;
  readonly connections: Connections;
  readonly treeView: vscode.TreeView<unknown>;
  readonly log: Log;
  /** Drag a manifest or tag onto a repository or registry: a copy (its handleDrag/handleDrop). */
  readonly dragAndDrop: RegistryDragAndDropController;
  /** The Azure group (issue 16); tests put their own session source in. */
  readonly azure: AzureApi;
  /** Where Browse Files caches layers (issue 14), for tests that check what a cancel left. */
  readonly imageFilesCacheDir: string;
}

export function activate(context: vscode.ExtensionContext): ContainerRegistryExplorerApi {
  const log = new Log();
  const connections = new Connections(context, log);
  const tree = new RegistryTreeDataProvider(connections, log);
  const manifests = new ManifestDocuments(connections);
  const inspect = new InspectDocuments(connections);
  // The controller needs the services, and the services the view it belongs to: it reads them at drop time.
  const dragAndDrop = new RegistryDragAndDropController(() => services);
  const treeView = vscode.window.createTreeView<TreeNode>(VIEW_ID, {
    treeDataProvider: tree,
    showCollapseAll: true,
    canSelectMany: true,
    dragAndDropController: dragAndDrop,
  });
  const services: Services = { context, connections, tree, treeView, log, manifests, inspect };
  context.subscriptions.push(
    log,
    connections,
    tree,
    treeView,
    vscode.workspace.registerTextDocumentContentProvider(MANIFEST_SCHEME, manifests),
    ...[INSPECT_SCHEME, COMPARE_SCHEME].map((scheme) => vscode.workspace.registerTextDocumentContentProvider(scheme, inspect)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(CA_CERTIFICATE_SETTING)) {
        connections.forgetAllClients();
        tree.refresh();
      } else if (event.affectsConfiguration("containerRegistryExplorer.pageSize")) {
        tree.refresh();
      }
    }),
    ...registerCommands(services),
  );
  registerImageFilesIfInWorkspace(services);
  const azure = new AzureFeature(services);
  context.subscriptions.push(azure);
  log.info(`Activated; ${connections.list().length} saved registr${connections.list().length === 1 ? "y" : "ies"}`);
  // CRE_PRESET_REGISTRIES (npm start's seeded registries); nothing without it.
  void connectPresetRegistries(services);
  return { tree, connections, treeView, log, dragAndDrop, azure: azure.api, imageFilesCacheDir: imageFilesCacheDir(context) };
}

export function deactivate(): void {}
