// The property toggles: read, write (lock/unlock), delete and list enabled,
// on repositories, manifests and tags. Only registries with properties (ACR)
// have them; the node is updated in place from the registry's answer.

import * as vscode from "vscode";
import type { ArtifactPermissions } from "../../client/index";
import { ManifestNode } from "../tree/manifestNode";
import { PERMISSION_FIELDS, Permission } from "../tree/permissions";
import { RepositoryNode } from "../tree/repositoryNode";
import { TagNode } from "../tree/tagNode";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { resolveTarget } from "./shared/itemTargets";
import { findNode } from "./shared/nodeTargets";

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
  const client = await services.connections.getClient(target.registry);
  const change: ArtifactPermissions = { [PERMISSION_FIELDS[toggle.permission]]: toggle.value };
  const what = target.kind === "repository" ? target.repository : `${target.repository}${target.kind === "tag" ? ":" : "@"}${target.reference}`;
  services.log.info(`Setting ${toggle.permission} ${toggle.value ? "enabled" : "disabled"} on ${target.registry.loginServer}/${what}`);
  const updated = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t("Updating {0}", what) },
    async () => {
      switch (target.kind) {
        case "repository":
          return client.updateRepositoryProperties(target.repository, change);
        case "manifest":
          return client.updateManifestProperties(target.repository, target.reference!, change);
        case "tag":
          return client.updateTagProperties(target.repository, target.reference!, change);
      }
    },
  );
  const digest = "digest" in updated ? (updated.digest as string) : undefined;
  const shown = findNode(services, target, digest);
  if (shown instanceof RepositoryNode && target.kind === "repository") {
    shown.properties = { ...shown.properties, ...updated } as RepositoryNode["properties"];
    services.tree.changed(shown);
  } else if (shown instanceof ManifestNode && target.kind === "manifest") {
    shown.properties = { ...shown.properties, ...updated, tags: shown.properties.tags };
    services.tree.changed(shown);
  } else if (shown instanceof TagNode && target.kind === "tag") {
    shown.properties = { ...shown.properties, ...updated };
    services.tree.changed(shown);
  }
  return updated;
}
