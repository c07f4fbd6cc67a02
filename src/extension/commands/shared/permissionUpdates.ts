// Changing an item's permissions (ACR's changeable attributes) and showing
// the registry's answer in the tree node, if one is loaded. Used by the
// property toggles and by Delete's "Unlock and Delete".

import type { ArtifactPermissions } from "../../../client/index";
import { ManifestNode } from "../../tree/manifestNode";
import { RepositoryNode } from "../../tree/repositoryNode";
import { TagNode } from "../../tree/tagNode";
import type { Services } from "./commandServices";
import type { ItemTarget } from "./itemTargets";
import { findNode } from "./nodeTargets";

/** The item in words for the log and progress titles: `repo`, `repo:tag`, `repo@digest`. */
export function describeTarget(target: ItemTarget): string {
  return target.kind === "repository" ? target.repository : `${target.repository}${target.kind === "tag" ? ":" : "@"}${target.reference}`;
}

export async function updatePermissions(services: Services, target: ItemTarget, change: ArtifactPermissions): Promise<ArtifactPermissions> {
  const client = await services.connections.getClient(target.registry);
  services.log.info(`Setting ${JSON.stringify(change)} on ${target.registry.loginServer}/${describeTarget(target)}`);
  let updated: ArtifactPermissions & { digest?: string };
  switch (target.kind) {
    case "repository":
      updated = await client.updateRepositoryProperties(target.repository, change);
      break;
    case "manifest":
      updated = await client.updateManifestProperties(target.repository, target.reference!, change);
      break;
    case "tag":
      updated = await client.updateTagProperties(target.repository, target.reference!, change);
      break;
  }
  showInTree(services, target, updated);
  return updated;
}

function showInTree(services: Services, target: ItemTarget, updated: ArtifactPermissions & { digest?: string }): void {
  const shown = findNode(services, target, updated.digest);
  if (shown instanceof RepositoryNode && target.kind === "repository") {
    shown.properties = { ...shown.properties, ...updated } as RepositoryNode["properties"];
    // Its permissions apply to what is in it: the view redraws its loaded children too.
    services.tree.changed(shown);
  } else if (shown instanceof ManifestNode && target.kind === "manifest") {
    shown.properties = { ...shown.properties, ...updated, tags: shown.properties.tags };
    services.tree.changed(shown);
  } else if (shown instanceof TagNode && target.kind === "tag") {
    shown.properties = { ...shown.properties, ...updated };
    services.tree.changed(shown);
    // The manifest above redraws too: a locked tag keeps its manifest from being deleted.
    services.tree.changed(shown.parent);
  }
}
