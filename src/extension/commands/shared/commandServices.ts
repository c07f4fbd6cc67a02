// What every command needs, and the options object programmatic callers
// (tests, other extensions) pass instead of answering prompts.
//
// Calling convention: from a tree menu a command gets `(node)`; from the
// palette, nothing (it asks with quick picks). A programmatic caller passes
// `(node?, options)` or `(options)`; it then gets errors as rejections (and
// vscode.CancellationError when cancelled) rather than notifications.

import * as vscode from "vscode";
import type { Connections } from "../../connections";
import type { Log } from "../../log";
import type { InspectDocuments } from "../../inspect/inspectDocuments";
import type { ManifestDocuments } from "../../manifestDocuments";
import type { RegistryTreeDataProvider } from "../../tree/registryTreeDataProvider";
import type { TreeNode } from "../../tree/treeNode";
import type { CleanupRuleOptions } from "../cleanup";

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly connections: Connections;
  readonly tree: RegistryTreeDataProvider;
  /** The view showing `tree`, for reveal. */
  readonly treeView: vscode.TreeView<TreeNode>;
  readonly log: Log;
  readonly manifests: ManifestDocuments;
  readonly inspect: InspectDocuments;
}

export interface CommandOptions {
  /** Skips the modal confirmation of a destructive command (programmatic callers that already asked). */
  skipConfirmation?: boolean;
  /** Answers the modal confirmation instead of showing it; receives exactly what the modal would say. */
  confirm?: (message: string, detail: string) => boolean | Promise<boolean>;
  /**
   * Delete, with `skipConfirmation`: turn off what locks the item first (what the
   * modal's "Unlock and Delete" does). Without it a locked item is left to the
   * registry, which refuses (RegistryLockedError).
   */
  unlock?: boolean;
  /** Also cancels a long operation. */
  cancellationToken?: vscode.CancellationToken;
  /** Told about every progress report of a transfer (bytes so far, total when known). */
  onProgress?: (transferredBytes: number, totalBytes?: number) => void;

  /** Instead of picking: the saved registry's id, or its login server (`host[:port]`). */
  registry?: string;
  repository?: string;
  /** A tag or a digest. */
  reference?: string;
  /** For the property toggles from the palette: which kind of item `reference` names. */
  target?: "repository" | "manifest" | "tag";
  /** Pull: the platform manifest to take from an index (digest, or `os/arch`). */
  platform?: string;
  /** Push: the tag; download blob: the digest. */
  tag?: string;
  digest?: string;
  /** Pull: a folder; download blob: a file. */
  destination?: vscode.Uri | string;
  /** Push and upload blob: the files. */
  files?: (vscode.Uri | string)[];
  /** Pull: replace files that already exist in the destination. */
  overwrite?: boolean;
  /** Push: the manifest's artifactType. */
  artifactType?: string;
  /** Pull: "files", "ociLayout" or "dockerArchive" (without it, the remembered one). */
  format?: string;
  /**
   * Pull as an OCI layout, Copy Image To: the platforms of an index to keep
   * (`os/arch[/variant]`; for a pull also digests), or "all", instead of asking.
   */
  platforms?: string[] | "all";
  /** Push OCI Layout: which manifest of index.json (its ref name) to push. */
  refName?: string;
  /** Compare With: the other side, instead of picking it. */
  compareWith?: Pick<CommandOptions, "registry" | "repository" | "reference">;

  // --- Clean up, Add Tag, Copy Image To (issue 15); Add Tag and Copy take the new tag as `tag` ---
  /** Clean up: the rules instead of the form. */
  cleanupRules?: CleanupRuleOptions;
  /** Clean up on a registry: the repository-name prefix. */
  repositoryPrefix?: string;
  /** Copy Image To: the target registry (id or login server) and repository, instead of picking. */
  targetRegistry?: string;
  targetRepository?: string;
  /** Copy Image To: whether to copy referrers, instead of asking. */
  includeReferrers?: boolean;
  /** Filter… on a registry: the repository-name prefix (empty: clear). */
  prefix?: string;
  /** Filter… on a repository: a tag pattern with * and ?. */
  tagPattern?: string;
  /** Filter… on a repository: untagged manifests only. */
  untaggedOnly?: boolean;
  /** Find Repository…: the name typed; the repository found with exactly this name is revealed. */
  query?: string;

  /** Browse Files / Browse Layer: where the image's folder opens (default: the workspace when it is multi-root, else a new window). */
  openIn?: "workspace" | "newWindow" | "none";
  /** Browse Layer: the layer's index (from 0, the base) instead of picking it. */
  layer?: number;
  /** Copy Path, Save File As, Compare With: the file in an image folder, instead of the Explorer's selection. */
  uri?: vscode.Uri;
}

/** Whether a command argument is an options object (not a tree node, a Uri or the tree's selection array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** A `destination` or `files` option: a Uri, or a path on this machine. */
export function toUri(value: vscode.Uri | string): vscode.Uri {
  return typeof value === "string" ? vscode.Uri.file(value) : value;
}
