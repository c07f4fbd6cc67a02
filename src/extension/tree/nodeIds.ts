// Every tree node id, built in one place. Ids are stable across refreshes
// (VS Code keeps expansion and selection by id): each is the id of the
// registry row the item is under, then the item's own names and digests. A
// saved registry's row is a root (`registry:<id>`); a registry row shown under
// another node (e.g. a subscription) is prefixed with that node's id, so the
// same registry shown twice never repeats an id. Commands that look a node up
// after a palette pick rebuild the id with these same functions.

/** A registry's row; `parentId` when it is shown under another node rather than as a root. */
export function registryNodeId(registryId: string, parentId?: string): string {
  return parentId === undefined ? `registry:${registryId}` : `${parentId}/registry:${registryId}`;
}

export function repositoryNodeId(registryNodeId: string, repository: string): string {
  return `${registryNodeId}/repository:${repository}`;
}

export function manifestNodeId(registryNodeId: string, repository: string, digest: string): string {
  return `${repositoryNodeId(registryNodeId, repository)}/manifest:${digest}`;
}

/** A platform manifest under the index that lists it. */
export function platformNodeId(registryNodeId: string, repository: string, indexDigest: string, platformDigest: string): string {
  return `${manifestNodeId(registryNodeId, repository, indexDigest)}/platform:${platformDigest}`;
}

/** A tag under the manifest it points at. */
export function tagNodeId(registryNodeId: string, repository: string, digest: string, tag: string): string {
  return `${manifestNodeId(registryNodeId, repository, digest)}/tag:${tag}`;
}

/** "Load more…" at the end of a parent's list. */
export function loadMoreNodeId(parentId: string): string {
  return `${parentId}/loadMore`;
}

/** The error shown where a parent's list could not be read. */
export function errorNodeId(parentId: string): string {
  return `${parentId}/error`;
}

/** A group of referrers (one artifact type) under the row of the manifest they refer to. */
export function referrerGroupNodeId(subjectRowId: string, artifactType: string): string {
  return `${subjectRowId}/referrers:${artifactType}`;
}

/** A referrer in its group; its own referrers nest below it with this id as their subject row. */
export function referrerNodeId(groupId: string, digest: string): string {
  return `${groupId}/referrer:${digest}`;
}

/** The Files row under an image's row (a manifest that is an image, or a platform). */
export function imageFilesNodeId(imageRowId: string): string {
  return `${imageRowId}/files`;
}

/** The Layers row under an image's row. */
export function imageLayersNodeId(imageRowId: string): string {
  return `${imageRowId}/layers`;
}

/** One layer under the Layers row, by its index in the manifest (from 0, the base). */
export function imageLayerNodeId(layersRowId: string, index: number): string {
  return `${layersRowId}/layer:${index}`;
}

/** A file or folder of an image (or of one layer) under its folder's row; `name` is one path component. */
export function imageEntryNodeId(parentId: string, name: string): string {
  return `${parentId}/entry:${name}`;
}
