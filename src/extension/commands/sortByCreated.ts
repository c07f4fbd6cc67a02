// Sort By Created (a toggle): a repository's loaded manifest rows, newest
// image first by their configs' `created` (read for the rows on screen;
// tree/createdDates.ts). Only loaded rows are sorted, and the repository row
// says so; "Load more…" adds rows that are sorted in as they come.

import * as vscode from "vscode";
import { RepositoryNode } from "../tree/repositoryNode";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { findRepositoryNode } from "./shared/nodeTargets";
import { resolveRepository } from "./shared/itemTargets";

/** Returns whether the rows are now sorted by created. */
export async function sortByCreated(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<boolean | undefined> {
  const target = await resolveRepository(services, node, options);
  if (!target) {
    return undefined;
  }
  const repository = node instanceof RepositoryNode ? node : findRepositoryNode(services, target);
  if (!(repository instanceof RepositoryNode)) {
    throw new Error(vscode.l10n.t("Show {0} in the tree first: only loaded rows can be sorted", target.repository));
  }
  repository.sortedByCreated = !repository.sortedByCreated;
  services.tree.changed(repository);
  return repository.sortedByCreated;
}
