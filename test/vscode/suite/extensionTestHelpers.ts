// Shared by the extension's tests: the API activate() returns, connecting a
// real registry through the connect command, and walking the real tree.
// Nothing here replaces extension code; it only drives it.

import * as assert from "assert";
import * as vscode from "vscode";
import type { ContainerRegistryExplorerApi } from "../../../src/extension/extension";
import type { TreeNode } from "../../../src/extension/tree/treeNode";
import type { RunningRegistry } from "../../fixtures/registryServer";

export const EXTENSION_ID = "container-registry-explorer.container-registry-explorer";
export const PAGE_SIZE = "containerRegistryExplorer.pageSize";

export async function getApi(): Promise<ContainerRegistryExplorerApi> {
  const extension = vscode.extensions.getExtension<ContainerRegistryExplorerApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  assert.ok(api?.tree, "activate() returned no API");
  return api;
}

export function command<T = unknown>(id: string, ...args: unknown[]): Promise<T> {
  return Promise.resolve(vscode.commands.executeCommand<T>(`containerRegistryExplorer.${id}`, ...args));
}

/**
 * Runs a command that shows quick picks and accepts the selected item of
 * each, as a keyboard user pressing Enter, until the command is done;
 * `downs` moves the selection down that many items in the first pick first.
 */
export async function runAcceptingQuickPicks<T>(id: string, args: unknown[] = [], downs = 0): Promise<T> {
  let done = false;
  const running = Promise.resolve(vscode.commands.executeCommand<T>(id, ...args)).finally(() => (done = true));
  let first = true;
  while (!done) {
    await new Promise((resolve) => setTimeout(resolve, 400));
    if (done) {
      break;
    }
    if (first) {
      for (let i = 0; i < downs; i++) {
        await vscode.commands.executeCommand("workbench.action.quickOpenSelectNext");
      }
      first = false;
    }
    await vscode.commands.executeCommand("workbench.action.acceptSelectedQuickOpenItem");
  }
  return running;
}

/** Forgets every saved registry (through the disconnect command). */
export async function disconnectAll(api: ContainerRegistryExplorerApi): Promise<void> {
  for (const registry of api.connections.list()) {
    await command("disconnect", { registry: registry.id });
  }
  assert.deepStrictEqual(api.connections.list(), []);
}

/** Connects a fixture registry with its own credentials; returns the saved registry's id. */
export async function connect(registry: RunningRegistry, extra: Record<string, unknown> = {}): Promise<string> {
  const saved = await command<{ id: string; loginServer: string }>("connect", {
    endpoint: registry.url,
    ...(registry.username ? { username: registry.username, password: registry.password } : { anonymous: true }),
    ...extra,
  });
  assert.ok(saved?.id, "connect returned no registry");
  return saved.id;
}

export async function setPageSize(size: number | undefined): Promise<void> {
  await vscode.workspace.getConfiguration().update(PAGE_SIZE, size, vscode.ConfigurationTarget.Global);
}

export function item(api: ContainerRegistryExplorerApi, node: TreeNode): vscode.TreeItem {
  return api.tree.getTreeItem(node);
}

export function label(api: ContainerRegistryExplorerApi, node: TreeNode): string {
  const l = item(api, node).label;
  return typeof l === "string" ? l : (l?.label ?? "");
}

export async function children(api: ContainerRegistryExplorerApi, node?: TreeNode): Promise<TreeNode[]> {
  return api.tree.getChildren(node);
}

export async function labels(api: ContainerRegistryExplorerApi, node?: TreeNode): Promise<string[]> {
  return (await children(api, node)).map((n) => label(api, n));
}

export async function child(api: ContainerRegistryExplorerApi, parent: TreeNode | undefined, wanted: string): Promise<TreeNode> {
  const nodes = await children(api, parent);
  const found = nodes.find((n) => label(api, n) === wanted);
  assert.ok(
    found,
    `no child "${wanted}" under ${parent ? label(api, parent) : "the root"}; have ${nodes.map((n) => label(api, n)).join(", ")}`,
  );
  return found;
}

/** An image's Files or Layers row (tree/imageFilesNodes.ts), which every single-platform image's row starts with. */
export function isImageFilesRow(api: ContainerRegistryExplorerApi, node: TreeNode): boolean {
  return ["imageFiles", "imageLayers"].includes(item(api, node).contextValue ?? "");
}

/** A manifest's or platform's children after its Files and Layers rows: platforms, tags, referrers. */
export async function childrenBelowImageRows(api: ContainerRegistryExplorerApi, node: TreeNode): Promise<TreeNode[]> {
  return (await children(api, node)).filter((n) => !isImageFilesRow(api, n));
}

/** The registry's node in the tree. */
export async function registryNode(api: ContainerRegistryExplorerApi, registry: RunningRegistry): Promise<TreeNode> {
  return child(api, undefined, registry.host);
}

/** Every child, clicking "Load more…" (the real command) until there is none. */
export async function allChildren(api: ContainerRegistryExplorerApi, node: TreeNode): Promise<TreeNode[]> {
  for (let i = 0; i < 100; i++) {
    const nodes = await children(api, node);
    const more = nodes.find((n) => item(api, n).contextValue === "loadMore");
    if (!more) {
      return nodes;
    }
    await command("loadMore", more);
  }
  throw new Error("Load more never ended");
}

/** The manifest node that a tag is listed under. */
export async function manifestWithTag(api: ContainerRegistryExplorerApi, repository: TreeNode, tag: string): Promise<TreeNode> {
  for (const manifest of await allChildren(api, repository)) {
    const description = String(item(api, manifest).description ?? "");
    if (description.split(" · ")[0].split(", ").includes(tag)) {
      return manifest;
    }
  }
  throw new Error(`no manifest tagged ${tag}`);
}

/** Every node id reachable by expanding everything (clicking Load more). */
export async function allIds(api: ContainerRegistryExplorerApi, node: TreeNode): Promise<string[]> {
  const ids = [item(api, node).id!];
  const state = item(api, node).collapsibleState;
  if (state === vscode.TreeItemCollapsibleState.None) {
    return ids;
  }
  for (const c of await allChildren(api, node)) {
    ids.push(...(await allIds(api, c)));
  }
  return ids;
}

export function randomBytes(size: number, seed: number): Buffer {
  // Deterministic, incompressible enough: xorshift.
  const bytes = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}
