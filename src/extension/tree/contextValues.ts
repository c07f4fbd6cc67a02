// Every tree item's contextValue, built in one place. package.json's menus
// match them with `when` regexes: the kind first (`^tag`), then tokens
// (`;props` where the registry has properties, `;index`, `;read:on`,
// `;write:off`, ... for the permissions the registry reported, and
// `;undeletable` where a lock or a disabled delete, on the item or its
// repository, would make the registry refuse the delete).

import type { ArtifactPermissions } from "../../client/index";
import type { AuthKind } from "../connections";
import { deleteBlockers, PERMISSION_FIELDS } from "./permissions";

export const PLATFORM_CONTEXT = "platform";
export const LOAD_MORE_CONTEXT = "loadMore";
export const PARTIAL_LIST_CONTEXT = "partialList";
/** On a registry or repository row whose list is filtered (Filter…): Clear Filter applies. */
export const FILTERED_TOKEN = ";filtered";

/** `;read:on;write:off;...` for the permissions the registry reported; empty when it reports none. */
export function permissionTokens(permissions: ArtifactPermissions | undefined): string {
  if (!permissions) {
    return "";
  }
  let tokens = "";
  for (const [name, field] of Object.entries(PERMISSION_FIELDS)) {
    const value = permissions[field];
    if (value !== undefined) {
      tokens += `;${name}:${value ? "on" : "off"}`;
    }
  }
  return tokens;
}

interface ItemContext {
  /** The registry has properties (ACR): the toggles apply. */
  properties: boolean;
  permissions: ArtifactPermissions | undefined;
  /** The repository's permissions, which also apply to the item (unused for the repository itself). */
  repositoryPermissions?: ArtifactPermissions;
  /** A manifest's tags, as far as they are loaded: a locked one blocks deleting the manifest. */
  tagPermissions?: readonly ArtifactPermissions[];
}

function itemTokens(context: ItemContext): string {
  const undeletable = deleteBlockers(context.permissions, context.repositoryPermissions, context.tagPermissions).length > 0;
  return `${context.properties ? ";props" : ""}${permissionTokens(context.permissions)}${undeletable ? ";undeletable" : ""}`;
}

export function registryContext(auth: AuthKind): string {
  return `registry;auth:${auth}`;
}

export function repositoryContext(context: Omit<ItemContext, "repositoryPermissions">): string {
  return `repository${itemTokens(context)}`;
}

export function manifestContext(context: ItemContext & { isIndex: boolean }): string {
  const kind = `manifest${context.properties ? ";props" : ""}${context.isIndex ? ";index" : ""}`;
  return kind + itemTokens({ ...context, properties: false });
}

export function tagContext(context: ItemContext): string {
  return `tag${itemTokens(context)}`;
}

/** An error node: `error;auth` when new credentials are the fix, else `error;retry`. */
export function errorContext(authenticationFailure: boolean): string {
  return authenticationFailure ? "error;auth" : "error;retry";
}

/** The Files and Layers rows under an image, and a layer's row. */
export const IMAGE_FILES_CONTEXT = "imageFiles";
export const IMAGE_LAYERS_CONTEXT = "imageLayers";
export const IMAGE_LAYER_CONTEXT = "imageLayer";

/**
 * A file or folder of an image in the tree: `imageEntry;file`, `imageEntry;folder`,
 * `imageEntry;other` (a device, a dangling link), with `;deleted` for what a
 * layer deleted (nothing to save or compare). The Explorer's image-file
 * commands are offered on them (package.json matches `^imageEntry`).
 */
export function imageEntryContext(kind: "file" | "folder" | "other", deleted: boolean): string {
  return `imageEntry;${kind}${deleted ? ";deleted" : ""}`;
}
