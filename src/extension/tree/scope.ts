// What a node knows about where it sits: its registry, repository and
// manifest, the registry's capabilities and a client getter. A node gets its
// scope from its parent when it is made, so no node walks its parents
// (`this.parent.parent.capabilities`) or imports the class above it.

import type { ArtifactPermissions, ContainerRegistryClient, RegistryCapabilities } from "../../client/index";
import type { SavedRegistry } from "../connections";
import type { TreeContext, TreeNode } from "./treeNode";

export interface RegistryScope {
  readonly registry: SavedRegistry;
  /** The id of the registry's row: the ids of the nodes under it start with it (nodeIds.ts). */
  readonly registryNodeId: string;
  readonly tree: TreeContext;
  readonly client: () => Promise<ContainerRegistryClient>;
}

export interface RepositoryScope extends RegistryScope {
  readonly repository: string;
  readonly capabilities: RegistryCapabilities;
  /** The repository's own permissions, once read (ACR): they apply to everything in it. */
  repositoryPermissions(): ArtifactPermissions | undefined;
}

export interface ManifestScope extends RepositoryScope {
  readonly digest: string;
  readonly mediaType: string | undefined;
}

/** A node that carries a scope (every node but the tree's root list). */
export interface ScopedNode extends TreeNode {
  readonly scope: RegistryScope;
}

export function registryScope(registry: SavedRegistry, registryNodeId: string, tree: TreeContext): RegistryScope {
  return { registry, registryNodeId, tree, client: () => tree.connections.getClient(registry) };
}

export function repositoryScope(
  parent: RegistryScope,
  repository: string,
  capabilities: RegistryCapabilities,
  repositoryPermissions: () => ArtifactPermissions | undefined,
): RepositoryScope {
  const { registry, registryNodeId, tree, client } = parent;
  return { registry, registryNodeId, tree, client, repository, capabilities, repositoryPermissions };
}

export function manifestScope(parent: RepositoryScope, digest: string, mediaType: string | undefined): ManifestScope {
  return { ...parent, digest, mediaType };
}

/** The scope of a node, if it has one. */
export function scopeOf(node: TreeNode | undefined): RegistryScope | undefined {
  return node && "scope" in node ? (node as ScopedNode).scope : undefined;
}

export function isRepositoryScope(scope: RegistryScope | undefined): scope is RepositoryScope {
  return scope !== undefined && "repository" in scope;
}
