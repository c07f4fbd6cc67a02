// The property toggles: read, write (lock/unlock), delete and list enabled,
// on repositories, manifests and tags. Only registries with properties (ACR)
// have them; the node is updated in place from the registry's answer.

import * as vscode from "vscode";
import type { ArtifactPermissions } from "../../client/index";
import { PERMISSION_FIELDS, type Permission } from "../tree/permissions";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { resolveTarget } from "./shared/itemTargets";
import { describeTarget, updatePermissions } from "./shared/permissionUpdates";

export interface PropertyToggle {
  command: string;
  permission: Permission;
  value: boolean;
}

export const PROPERTY_TOGGLES: PropertyToggle[] = [
  { command: "containerRegistryExplorer.lock", permission: "write", value: false },
  { command: "containerRegistryExplorer.unlock", permission: "write", value: true },
  { command: "containerRegistryExplorer.disableDelete", permission: "delete", value: false },
  { command: "containerRegistryExplorer.enableDelete", permission: "delete", value: true },
  { command: "containerRegistryExplorer.disableRead", permission: "read", value: false },
  { command: "containerRegistryExplorer.enableRead", permission: "read", value: true },
  { command: "containerRegistryExplorer.disableList", permission: "list", value: false },
  { command: "containerRegistryExplorer.enableList", permission: "list", value: true },
];

export async function setPermission(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
  toggle: PropertyToggle,
): Promise<ArtifactPermissions | undefined> {
  const target = await resolveTarget(services, node, options, ["repository", "manifest", "tag"], async (registry) => {
    try {
      return (await services.connections.getCapabilities(registry)).properties;
    } catch {
      return false;
    }
  });
  if (!target) {
    return undefined;
  }
  const change: ArtifactPermissions = { [PERMISSION_FIELDS[toggle.permission]]: toggle.value };
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t("Updating {0}", describeTarget(target)) },
    () => updatePermissions(services, target, change),
  );
}
