// Every tree node id, built in one place. Ids are stable across refreshes
// (VS Code keeps expansion and selection by id): each is the parent's id and
// the item's own name or digest. Commands that look a node up after a palette
// pick rebuild the id with these same functions.

export function registryNodeId(registryId: string): string {
  return `registry:${registryId}`;
}

export function repositoryNodeId(registryId: string, repository: string): string {
  return `${registryNodeId(registryId)}/repository:${repository}`;
}

export function manifestNodeId(registryId: string, repository: string, digest: string): string {
  return `${repositoryNodeId(registryId, repository)}/manifest:${digest}`;
}

/** A platform manifest under the index that lists it. */
export function platformNodeId(registryId: string, repository: string, indexDigest: string, platformDigest: string): string {
  return `${manifestNodeId(registryId, repository, indexDigest)}/platform:${platformDigest}`;
}

/** A tag under the manifest it points at. */
export function tagNodeId(registryId: string, repository: string, digest: string, tag: string): string {
  return `${manifestNodeId(registryId, repository, digest)}/tag:${tag}`;
}

/** "Load more…" at the end of a parent's list. */
export function loadMoreNodeId(parentId: string): string {
  return `${parentId}/loadMore`;
}

/** The error shown where a parent's list could not be read. */
export function errorNodeId(parentId: string): string {
  return `${parentId}/error`;
}
