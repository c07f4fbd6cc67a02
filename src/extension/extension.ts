// Activation: wires the pieces together and nothing else.

import * as vscode from "vscode";
import { RegistryDragAndDropController } from "./commands/dragAndDrop";
import { type AzureApi, AzureFeature } from "./azure/azureFeature";
import { registerCommands } from "./commands/registerCommands";
import type { Services } from "./commands/shared/commandServices";
import { Connections } from "./connections";
import { imageFilesCacheDir } from "./imageFiles/imageFilesCache";
import { registerImageFilesIfInWorkspace } from "./imageFiles/imageFilesFeature";
import type { TreeImageFilesOptions } from "./imageFiles/treeImageFiles";
import { Log } from "./log";
import { InspectDocuments } from "./inspect/inspectDocuments";
import { type LanguageModelToolRegistrations, registerLanguageModelTools } from "./lmTools/registerLanguageModelTools";
import { COMPARE_SCHEME, INSPECT_SCHEME } from "./inspect/inspectUris";
import { MANIFEST_SCHEME, ManifestDocuments } from "./manifestDocuments";
import { connectPresetRegistries } from "./presets";
import { CA_CERTIFICATE_SETTING } from "./trustedCertificates";
import { retryCancelledOnExpand } from "./tree/loadedOnceNode";
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
  /** Added to each image the tree's Files or Layers rows open: tests cancel through it as the notification's Cancel does. */
  readonly treeImageFilesOptions: TreeImageFilesOptions;
  /** What the registered layer-change FileDecorationProvider answers for a URI (A/M/D of a layer's entries). */
  imageFileDecoration(uri: vscode.Uri): Promise<vscode.FileDecoration | undefined>;
  /** Closes every open image as a window reload does (saved roots reopen when next read), for tests of the reopening. */
  closeOpenImages(): Promise<void>;
  /**
   * The language model tools' implementations (loaded on first use), for tests
   * that call prepareInvocation and invoke directly, as VS Code does.
   */
  readonly languageModelTools: LanguageModelToolRegistrations["load"];
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
  // A row whose download was cancelled reads again when expanded again.
  context.subscriptions.push(retryCancelledOnExpand(treeView, (node) => tree.changed(node)));
  const tools = registerLanguageModelTools(services);
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
    ...tools.registrations,
  );
  registerImageFilesIfInWorkspace(services);
  // The tree's Files and Layers rows load the feature the first time one is expanded.
  const treeImageFilesOptions: TreeImageFilesOptions = {};
  tree.setImageFiles(async () => (await import("./imageFiles/treeImageFiles")).treeImageFilesFor(services, treeImageFilesOptions));
  const azure = new AzureFeature(services);
  context.subscriptions.push(azure);
  log.info(`Activated; ${connections.list().length} saved registr${connections.list().length === 1 ? "y" : "ies"}`);
  // CRE_PRESET_REGISTRIES (npm start's seeded registries); nothing without it.
  void connectPresetRegistries(services);
  return {
    tree,
    connections,
    treeView,
    log,
    dragAndDrop,
    azure: azure.api,
    imageFilesCacheDir: imageFilesCacheDir(context),
    treeImageFilesOptions,
    imageFileDecoration: async (uri) =>
      (await import("./imageFiles/imageFilesFeature")).layerChangeDecorationsFor(services).provideFileDecoration(uri),
    closeOpenImages: async () => (await import("./imageFiles/imageFilesFeature")).imageMountsFor(services).closeAll(),
    languageModelTools: tools.load,
  };
}

export function deactivate(): void {}
