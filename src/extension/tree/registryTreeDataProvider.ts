// The "Container Registries" tree: one RegistryNode per connected registry,
// kept by id so expansion and in-place updates survive refreshes.

import * as vscode from "vscode";
import type { Connections } from "../connections";
import type { Log } from "../log";
import type { TreeImageFiles } from "./imageFilesSource";
import { RegistryNode } from "./registryNode";
import type { TreeContext, TreeNode } from "./treeNode";

export const PAGE_SIZE_SETTING = "containerRegistryExplorer.pageSize";
const DEFAULT_PAGE_SIZE = 100;

/** Items per page in the tree and the pickers: the setting, when it is a whole number above 0. */
export function configuredPageSize(): number {
  const value = vscode.workspace.getConfiguration().get<number>(PAGE_SIZE_SETTING, DEFAULT_PAGE_SIZE);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_PAGE_SIZE;
}

export class RegistryTreeDataProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changedEmitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changedEmitter.event;
  private roots = new Map<string, RegistryNode>();
  /** Roots above the saved registries (the Azure group, when shown). */
  private leadingRoots: () => TreeNode[] = () => [];
  private readonly context: TreeContext;
  private readonly subscriptions: vscode.Disposable[] = [];
  private imageFilesLoader?: () => Promise<TreeImageFiles>;

  constructor(
    readonly connections: Connections,
    log: Log,
  ) {
    this.context = {
      connections,
      log,
      pageSize: configuredPageSize,
      imageFiles: () => this.imageFiles(),
      changed: (node) => this.changedEmitter.fire(node),
    };
    this.subscriptions.push(connections.onDidChange(() => this.syncRoots()));
    this.syncRoots();
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      return Promise.resolve([...this.leadingRoots(), ...this.roots.values()]);
    }
    return node.getChildren();
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  setLeadingRoots(roots: () => TreeNode[]): void {
    this.leadingRoots = roots;
    this.changedEmitter.fire(undefined);
  }

  /** Where the image rows get the image-files feature (set at activation; it loads on first use). */
  setImageFiles(loader: () => Promise<TreeImageFiles>): void {
    this.imageFilesLoader = loader;
  }

  imageFiles(): Promise<TreeImageFiles> {
    return this.imageFilesLoader ? this.imageFilesLoader() : Promise.reject(new Error("The image-files feature is not set up"));
  }

  /** The node of a connected registry. */
  getRegistryNode(registryId: string): RegistryNode | undefined {
    return this.roots.get(registryId);
  }

  /** A node already read into the tree, by id; nothing is fetched. */
  findLoaded(id: string): TreeNode | undefined {
    const queue: TreeNode[] = [...this.leadingRoots(), ...this.roots.values()];
    while (queue.length) {
      const node = queue.shift()!;
      if (node.id === id) {
        return node;
      }
      if (id.startsWith(node.id + "/")) {
        queue.push(...node.loadedChildren());
      }
    }
    return undefined;
  }

  /** Reads the node's children (or everything) again. */
  refresh(node?: TreeNode): void {
    if (node) {
      node.reset();
    } else {
      for (const root of [...this.leadingRoots(), ...this.roots.values()]) {
        root.reset();
      }
    }
    this.changedEmitter.fire(node);
  }

  /** Redraws a node whose own item changed (properties toggled). */
  changed(node?: TreeNode): void {
    this.changedEmitter.fire(node);
  }

  /** Takes a deleted node out of its parent and redraws the parent. */
  removed(node: TreeNode): void {
    const parent = node.parent;
    if (parent?.removeChild(node)) {
      this.changedEmitter.fire(parent);
    } else {
      this.refresh(parent);
    }
  }

  private syncRoots(): void {
    const next = new Map<string, RegistryNode>();
    for (const registry of this.connections.list()) {
      const existing = this.roots.get(registry.id);
      // A registry saved again (new credentials) gets a fresh node; its id, and so its expansion, stays.
      next.set(registry.id, existing && sameRegistry(existing, registry) ? existing : new RegistryNode(registry, this.context));
    }
    this.roots = next;
    void vscode.commands.executeCommand("setContext", "containerRegistryExplorer.hasRegistries", next.size > 0);
    this.changedEmitter.fire(undefined);
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
    this.changedEmitter.dispose();
  }
}

function sameRegistry(node: RegistryNode, registry: RegistryNode["registry"]): boolean {
  return JSON.stringify(node.registry) === JSON.stringify(registry);
}
