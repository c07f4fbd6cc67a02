// Find Repository…: a quick pick that asks the registry for the names
// starting with what is typed (listRepositoryNames({ prefix }), one or two
// catalog requests on a sorted catalog), debounced, each new query aborting
// the one before; the pick is revealed in the tree. A repository not loaded
// there yet is brought in by filtering its registry row to its name.

import * as vscode from "vscode";
import { validateRepositoryPrefix } from "../../client/index";
import { firstPage } from "../clientPaging";
import type { SavedRegistry } from "../connections";
import { pickRegistry } from "../pickers";
import { repositoryNodeId } from "../tree/nodeIds";
import type { RepositoryNode } from "../tree/repositoryNode";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";

/** How long typing has to pause before the registry is asked. */
const DEBOUNCE_MS = 250;
/** Names shown for one query; more means typing more. */
const RESULTS = 50;
/** Pages read at most for one query (a registry whose catalog order is not known is read page by page). */
const SEARCH_PAGES = 20;

/**
 * The first names starting with `prefix`. On a sorted catalog that is one or
 * two requests; a registry whose order is not known is filtered page by page,
 * so pages are read on (up to a bound) while they hold no match.
 */
async function search(
  services: Services,
  registry: SavedRegistry,
  prefix: string,
  abortSignal?: AbortSignal,
): Promise<{ names: string[]; more: boolean }> {
  const client = await services.connections.getClient(registry);
  const names: string[] = [];
  let continuationToken: string | undefined;
  for (let pages = 0; pages < SEARCH_PAGES && names.length < RESULTS; pages++) {
    const page = await firstPage(client.listRepositoryNames({ prefix, abortSignal }).byPage({ maxPageSize: RESULTS, continuationToken }));
    names.push(...page);
    continuationToken = page.continuationToken;
    if (continuationToken === undefined) {
      break;
    }
  }
  return { names: names.slice(0, RESULTS), more: continuationToken !== undefined || names.length > RESULTS };
}

export async function findRepository(
  services: Services,
  _node: TreeNode | undefined,
  options: CommandOptions,
): Promise<RepositoryNode | undefined> {
  const registry = await pickRegistry(services, options);
  if (!registry) {
    return undefined;
  }
  let name: string | undefined;
  if (options.query !== undefined) {
    validateRepositoryPrefix(options.query);
    const { names } = await search(services, registry, options.query);
    if (!names.includes(options.query)) {
      throw new Error(vscode.l10n.t("No repository {0} in {1}", options.query, registry.loginServer));
    }
    name = options.query;
  } else {
    name = await pickByTyping(services, registry);
  }
  return name === undefined ? undefined : reveal(services, registry, name);
}

function pickByTyping(services: Services, registry: SavedRegistry): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
  pick.title = vscode.l10n.t("Find repository in {0}", registry.loginServer);
  pick.placeholder = vscode.l10n.t("Type the start of a repository name");
  // The registry already filtered: the quick pick's own fuzzy matching would hide nothing useful and reorder.
  pick.matchOnDescription = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: AbortController | undefined;
  const ask = (value: string): void => {
    clearTimeout(timer);
    inFlight?.abort();
    inFlight = undefined;
    try {
      validateRepositoryPrefix(value);
    } catch (error) {
      pick.busy = false;
      pick.items = [{ label: `$(error) ${(error as Error).message}`, alwaysShow: true }];
      return;
    }
    pick.busy = true;
    timer = setTimeout(() => {
      const abort = new AbortController();
      inFlight = abort;
      search(services, registry, value, abort.signal).then(
        ({ names, more }) => {
          if (inFlight !== abort) {
            return; // a newer query replaced this one
          }
          const items: vscode.QuickPickItem[] = names.map((label) => ({ label, alwaysShow: true }));
          if (more) {
            items.push({
              label: vscode.l10n.t("More names start with this: type more"),
              alwaysShow: true,
              kind: vscode.QuickPickItemKind.Separator,
            });
          }
          if (names.length === 0) {
            items.push({ label: vscode.l10n.t("No repository starts with {0}", value), alwaysShow: true });
          }
          pick.items = items;
          pick.busy = false;
        },
        (error: unknown) => {
          if (inFlight !== abort) {
            return;
          }
          services.log.warn(`Find repository in ${registry.loginServer}: ${(error as Error).message}`);
          pick.items = [{ label: `$(error) ${(error as Error).message}`, alwaysShow: true }];
          pick.busy = false;
        },
      );
    }, DEBOUNCE_MS);
  };
  return new Promise<string | undefined>((resolve) => {
    pick.onDidChangeValue(ask);
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0];
      if (chosen && pick.items.includes(chosen) && !chosen.label.startsWith("$(") && chosen.kind !== vscode.QuickPickItemKind.Separator) {
        resolve(chosen.label);
        pick.hide();
      }
    });
    pick.onDidHide(() => {
      clearTimeout(timer);
      inFlight?.abort();
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
    ask("");
  });
}

/** Shows the repository's row, selected: as loaded, or by filtering its registry row to its name. */
async function reveal(services: Services, registry: SavedRegistry, name: string): Promise<RepositoryNode | undefined> {
  const registryNode = services.tree.getRegistryNode(registry.id);
  if (!registryNode) {
    return undefined;
  }
  const id = repositoryNodeId(registryNode.id, name);
  let node = services.tree.findLoaded(id);
  if (!node) {
    registryNode.setPrefix(name);
    services.tree.changed(registryNode);
    node = (await registryNode.getChildren()).find((child) => child.id === id);
  }
  if (!node) {
    throw new Error(vscode.l10n.t("No repository {0} in {1}", name, registry.loginServer));
  }
  await services.treeView?.reveal(node, { select: true, focus: true, expand: false });
  return node as RepositoryNode;
}
