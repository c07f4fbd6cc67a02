// A tool names a registry as the user sees it in the tree: its host
// (`host[:port]`, the row's label) or the friendly name given with Rename…
// (then the label, with the host in the description). Only connected
// registries are reachable; a tool never connects one on its own.

import * as vscode from "vscode";
import { type ImageReference, isDockerHubHost } from "../../client/index";
import type { Connections, SavedRegistry } from "../connections";

export class UnknownRegistryError extends Error {
  override name = "UnknownRegistryError";
}

/** `host` or `name (host)`: how a registry is listed in tool results and messages. */
export function registryLabel(registry: SavedRegistry): string {
  return registry.name ? `${registry.name} (${registry.loginServer})` : registry.loginServer;
}

/** The connected registry with this host, friendly name or endpoint (`https://host`), case-insensitive. */
export function findConnectedRegistry(connections: Connections, wanted: string): SavedRegistry {
  const name = wanted.trim().toLowerCase();
  const registries = connections.list();
  const found =
    registries.find((r) => r.loginServer.toLowerCase() === name || r.endpoint.toLowerCase() === name.replace(/\/+$/, "")) ??
    registries.find((r) => r.name?.toLowerCase() === name);
  if (!found) {
    throw new UnknownRegistryError(unknownRegistryMessage(connections, wanted));
  }
  return found;
}

/**
 * The registry a confirmed change was prepared on, if it is still connected as
 * it was: the user may have disconnected it (or connected it again, with other
 * credentials) between the confirmation and the invoke, and a tool never acts
 * on a registry that is not connected.
 */
export function stillConnected(connections: Connections, confirmed: SavedRegistry): SavedRegistry {
  const now = connections.get(confirmed.id);
  if (!now || now.endpoint !== confirmed.endpoint) {
    throw new UnknownRegistryError(
      vscode.l10n.t(
        "Nothing was changed: {0} was disconnected after the user confirmed. Connect it again and invoke the tool again.",
        registryLabel(confirmed),
      ),
    );
  }
  return now;
}

/** The connected registry an image reference points at (every Docker Hub alias is one registry). */
export function registryForReference(connections: Connections, reference: ImageReference): SavedRegistry {
  const found = connections
    .list()
    .find((r) => r.loginServer === reference.apiHost || (isDockerHubHost(reference.registry) && isDockerHubHost(r.loginServer)));
  if (!found) {
    throw new UnknownRegistryError(unknownRegistryMessage(connections, reference.registry));
  }
  return found;
}

function unknownRegistryMessage(connections: Connections, wanted: string): string {
  const registries = connections.list();
  if (registries.length === 0) {
    return vscode.l10n.t(
      "No registry named {0} is connected, and no registry is connected at all. The user connects one with the Connect Registry command of the Container Registries view.",
      JSON.stringify(wanted),
    );
  }
  return vscode.l10n.t(
    "No connected registry is named {0}. The connected registries are: {1}. Name one by its host (or its friendly name); the user connects others with the Connect Registry command.",
    JSON.stringify(wanted),
    registries.map(registryLabel).join(", "),
  );
}
