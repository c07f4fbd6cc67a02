// Repository clean-up in two steps: planCleanup decides, from the rules,
// which manifests go and which stay (each kept one with its reason) and
// changes nothing; executeCleanup deletes what the plan lists, re-checking
// each entry just before its delete so that nothing the user did not see in
// the preview goes (a tag moved onto a manifest since the plan makes it
// skipped). It runs on the client's public operations only, so ACR (times,
// locks, untagged manifests) and plain OCI registries (tagged manifests, the
// image config's `created` as the age) go through the same code.

import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import { InvalidInputError, RegistryNotFoundError } from "./errors";
import { isImageConfigMediaType, isIndexMediaType } from "./mediaTypes";
import type {
  ArtifactManifestProperties,
  DownloadBlobResult,
  GetManifestResult,
  ListManifestPropertiesOptions,
  OperationOptions,
} from "./models";
import type { PagedAsyncIterableIterator } from "./paging";
import { validateRepositoryName } from "./reference";

export interface CleanupRules {
  /** Keep the N newest candidates (by age). */
  keepLatest?: number;
  /** Delete only candidates last updated (or created) before this time. */
  olderThan?: Date;
  /** Candidates are manifests whose tags all match this (untagged ones always are). The default value is any tag. */
  tagPattern?: string | RegExp;
  /** Only untagged manifests are candidates. */
  untaggedOnly?: boolean;
}

export interface CleanupDeleteEntry {
  digest: string;
  tags: string[];
  lastUpdatedOn?: Date;
  sizeInBytes?: number;
}

export type CleanupKeepReason =
  | "locked"
  | "referenced by an index"
  | "a referrer of a kept manifest"
  | "not a candidate"
  | "unknown age"
  | "among the newest"
  | "too recent";

export interface CleanupKeepEntry {
  digest: string;
  tags: string[];
  reason: CleanupKeepReason;
  /** The reason in words, e.g. which index references it. */
  detail: string;
  lastUpdatedOn?: Date;
  sizeInBytes?: number;
}

export interface CleanupPlan {
  repository: string;
  /** Newest first. */
  delete: CleanupDeleteEntry[];
  keep: CleanupKeepEntry[];
  /** The sum of the sizes the registry reports for the manifests to delete (layers shared with kept images are not freed); undefined when a size is unknown. */
  bytesFreed?: number;
}

export interface ExecuteCleanupOptions extends OperationOptions {
  /** After each entry: how many of the plan's deletions are done. */
  onProgress?: (progress: { done: number; total: number; digest: string }) => void;
}

export interface CleanupResult {
  deleted: string[];
  skipped: { digest: string; reason: string }[];
  failed: { digest: string; error: Error }[];
}

/** The client operations the clean-up needs (ContainerRegistryClient has them all). */
export interface CleanupClient {
  listManifestProperties(
    repository: string,
    options?: ListManifestPropertiesOptions,
  ): PagedAsyncIterableIterator<ArtifactManifestProperties>;
  getManifestProperties(repository: string, tagOrDigest: string, options?: OperationOptions): Promise<ArtifactManifestProperties>;
  getManifest(repository: string, tagOrDigest: string, options?: OperationOptions): Promise<GetManifestResult>;
  downloadBlob(repository: string, digest: string, options?: OperationOptions): Promise<DownloadBlobResult>;
  deleteManifest(repository: string, tagOrDigest: string, options?: OperationOptions): Promise<void>;
}

/** Image configs are small JSON documents; a larger one is not read (its age stays unknown). */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export function checkCleanupRules(rules: CleanupRules): RegExp | undefined {
  const { keepLatest, olderThan, tagPattern, untaggedOnly } = rules;
  if (keepLatest !== undefined && (!Number.isInteger(keepLatest) || keepLatest < 0)) {
    throw new InvalidInputError("keepLatest", String(keepLatest), "must be an integer of 0 or more");
  }
  if (olderThan !== undefined && (!(olderThan instanceof Date) || Number.isNaN(olderThan.getTime()))) {
    throw new InvalidInputError("olderThan", String(olderThan), "must be a valid Date");
  }
  if (keepLatest === undefined && olderThan === undefined && tagPattern === undefined && !untaggedOnly) {
    // No rule at all would mean "delete everything": that has to be asked for (keepLatest: 0).
    throw new InvalidInputError("rules", "{}", "give at least one rule (keepLatest: 0 deletes every candidate)");
  }
  if (tagPattern === undefined || tagPattern instanceof RegExp) {
    return tagPattern;
  }
  if (tagPattern.length > MAX_TAG_PATTERN_LENGTH) {
    throw new InvalidInputError("tagPattern", tagPattern.slice(0, 40) + "…", `is longer than ${MAX_TAG_PATTERN_LENGTH} characters`);
  }
  let compiled: RegExp;
  try {
    // Anchored: "v1.*" means tags starting with v1, not tags containing it.
    compiled = new RegExp(`^(?:${tagPattern})$`);
  } catch (error) {
    throw new InvalidInputError("tagPattern", tagPattern, `is not a valid regular expression (${(error as Error).message})`);
  }
  if (NESTED_QUANTIFIER.test(tagPattern)) {
    // JavaScript's backtracking matcher takes exponential time on a repeated group that itself repeats, such
    // as (a+)+, against a 128-character tag that almost matches: the clean-up would hang the extension host.
    // Patterns can come from a chat agent (the clean-up tool), so they are refused rather than trusted.
    throw new InvalidInputError("tagPattern", tagPattern, "repeats a group that itself repeats (like (a+)+); write it without the nesting");
  }
  return compiled;
}

/** Tags are at most 128 characters (OCI distribution spec, "Pulling manifests"); a rule for them needs no more. */
const MAX_TAG_PATTERN_LENGTH = 256;

/** A parenthesised group containing a quantifier, itself followed by a quantifier: (x+)+, (x*)*, (x{2,})+, (a|b+){3,}. */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*(?:[*+]|\{\d+,\d*\})(?:[^()\\]|\\.)*\)(?:[*+]|\{\d+,\d*\})/;

/** Whether the rules, applied to a repository, would leave no candidate standing: keepLatest 0 and nothing else. */
export function rulesDeleteEveryCandidate(rules: CleanupRules): boolean {
  return rules.keepLatest === 0 && rules.olderThan === undefined && rules.tagPattern === undefined && !rules.untaggedOnly;
}

interface Aged {
  manifest: ArtifactManifestProperties;
  age?: Date;
}

export async function planCleanup(
  client: CleanupClient,
  repository: string,
  rules: CleanupRules,
  options: OperationOptions = {},
): Promise<CleanupPlan> {
  validateRepositoryName(repository);
  const pattern = checkCleanupRules(rules);
  const manifests: ArtifactManifestProperties[] = [];
  for await (const manifest of client.listManifestProperties(repository, { abortSignal: options.abortSignal })) {
    manifests.push(manifest);
  }
  const referencedBy = await indexReferences(client, repository, manifests, options);
  const keep: CleanupKeepEntry[] = [];
  const kept = (manifest: ArtifactManifestProperties, reason: CleanupKeepReason, detail: string, age?: Date): void => {
    keep.push({ digest: manifest.digest, tags: manifest.tags, reason, detail, lastUpdatedOn: age, sizeInBytes: manifest.sizeInBytes });
  };
  const candidates: ArtifactManifestProperties[] = [];
  for (const manifest of manifests) {
    const index = referencedBy.get(manifest.digest);
    // ACR refuses deleting an item whose delete or write is off (docs/protocols.md#acr-properties).
    if (manifest.canDelete === false || manifest.canWrite === false) {
      kept(manifest, "locked", manifest.canDelete === false ? "delete is disabled" : "write is disabled");
    } else if (index) {
      kept(manifest, "referenced by an index", `a platform of ${index}`);
    } else if (rules.untaggedOnly && manifest.tags.length > 0) {
      kept(manifest, "not a candidate", "tagged (only untagged manifests are candidates)");
    } else if (pattern && !manifest.tags.every((tag) => matches(pattern, tag))) {
      kept(manifest, "not a candidate", `a tag does not match ${String(rules.tagPattern)}`);
    } else {
      candidates.push(manifest);
    }
  }
  const usesAge = rules.keepLatest !== undefined || rules.olderThan !== undefined;
  const aged: Aged[] = [];
  for (const manifest of candidates) {
    aged.push({ manifest, age: usesAge ? await ageOf(client, repository, manifest, options) : manifest.lastUpdatedOn });
  }
  const known = aged.filter((item) => item.age !== undefined);
  for (const item of aged) {
    if (usesAge && item.age === undefined) {
      // Never deleted because of age when its age cannot be told.
      kept(item.manifest, "unknown age", "the registry reports no time and the image config has no `created`");
    }
  }
  const ordered = usesAge
    ? known.sort((a, b) => b.age!.getTime() - a.age!.getTime() || a.manifest.digest.localeCompare(b.manifest.digest))
    : aged;
  const toDelete: CleanupDeleteEntry[] = [];
  ordered.forEach((item, rank) => {
    if (rules.keepLatest !== undefined && rank < rules.keepLatest) {
      kept(item.manifest, "among the newest", `one of the ${rules.keepLatest} newest candidates`, item.age);
    } else if (rules.olderThan !== undefined && item.age!.getTime() >= rules.olderThan.getTime()) {
      kept(item.manifest, "too recent", `updated on or after ${rules.olderThan.toISOString()}`, item.age);
    } else {
      toDelete.push({
        digest: item.manifest.digest,
        tags: item.manifest.tags,
        lastUpdatedOn: item.age,
        sizeInBytes: item.manifest.sizeInBytes,
      });
    }
  });
  const deleted = await keepReferrersOfKept(client, repository, manifests, toDelete, keep, options);
  const sizes = deleted.map((entry) => entry.sizeInBytes);
  const bytesFreed = sizes.every((size) => size !== undefined) ? sizes.reduce((sum: number, size) => sum + (size ?? 0), 0) : undefined;
  return { repository, delete: deleted, keep, bytesFreed };
}

/**
 * An untagged manifest with a `subject` (a signature, an SBOM) whose subject
 * stays is kept: deleting it would strip a kept image of its signature. One
 * that refers to a manifest being deleted goes with it. (Referrers listed in a
 * fallback tag index are kept already, as referenced by an index.)
 */
async function keepReferrersOfKept(
  client: CleanupClient,
  repository: string,
  manifests: readonly ArtifactManifestProperties[],
  toDelete: CleanupDeleteEntry[],
  keep: CleanupKeepEntry[],
  options: OperationOptions,
): Promise<CleanupDeleteEntry[]> {
  const listed = new Set(manifests.map((m) => m.digest));
  const subjects = new Map<string, string>();
  for (const entry of toDelete) {
    if (entry.tags.length === 0) {
      const subject = (await client.getManifest(repository, entry.digest, options)).manifest.subject?.digest;
      if (subject && listed.has(subject)) {
        subjects.set(entry.digest, subject);
      }
    }
  }
  let remaining = toDelete;
  for (let changed = true; changed;) {
    const going = new Set(remaining.map((entry) => entry.digest));
    const kept = remaining.filter((entry) => subjects.has(entry.digest) && !going.has(subjects.get(entry.digest)!));
    changed = kept.length > 0;
    for (const entry of kept) {
      keep.push({ ...entry, reason: "a referrer of a kept manifest", detail: `refers to ${subjects.get(entry.digest)}` });
    }
    remaining = remaining.filter((entry) => !kept.includes(entry));
  }
  return remaining;
}

export async function executeCleanup(
  client: CleanupClient,
  plan: CleanupPlan,
  options: ExecuteCleanupOptions = {},
): Promise<CleanupResult> {
  validateRepositoryName(plan.repository);
  const result: CleanupResult = { deleted: [], skipped: [], failed: [] };
  const total = plan.delete.length;
  for (const [i, entry] of plan.delete.entries()) {
    if (options.abortSignal?.aborted) {
      result.skipped.push({ digest: entry.digest, reason: "cancelled" });
    } else {
      await deleteOne(client, plan.repository, entry, result, options.abortSignal);
    }
    options.onProgress?.({ done: i + 1, total, digest: entry.digest });
  }
  return result;
}

async function deleteOne(
  client: CleanupClient,
  repository: string,
  entry: CleanupDeleteEntry,
  result: CleanupResult,
  abortSignal?: AbortSignalLike,
): Promise<void> {
  try {
    let now: ArtifactManifestProperties;
    try {
      now = await client.getManifestProperties(repository, entry.digest, { abortSignal });
    } catch (error) {
      if (error instanceof RegistryNotFoundError) {
        result.skipped.push({ digest: entry.digest, reason: "already gone" });
        return;
      }
      throw error;
    }
    const changed = describeTagChange(entry.tags, now.tags);
    if (changed) {
      result.skipped.push({ digest: entry.digest, reason: `its tags changed since the plan (${changed})` });
    } else if (now.canDelete === false || now.canWrite === false) {
      result.skipped.push({ digest: entry.digest, reason: "locked since the plan" });
    } else {
      await client.deleteManifest(repository, entry.digest, { abortSignal });
      result.deleted.push(entry.digest);
    }
  } catch (error) {
    if (abortSignal?.aborted || error instanceof AbortError) {
      result.skipped.push({ digest: entry.digest, reason: "cancelled" });
    } else {
      result.failed.push({ digest: entry.digest, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
}

function describeTagChange(planned: readonly string[], now: readonly string[]): string | undefined {
  const added = now.filter((tag) => !planned.includes(tag));
  const removed = planned.filter((tag) => !now.includes(tag));
  if (added.length === 0 && removed.length === 0) {
    return undefined;
  }
  return [added.length ? `now tagged ${added.join(", ")}` : "", removed.length ? `no longer tagged ${removed.join(", ")}` : ""]
    .filter(Boolean)
    .join("; ");
}

function matches(pattern: RegExp, tag: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(tag);
}

/** Each platform manifest an index in the repository names, with the index (its first tag, else its digest). */
async function indexReferences(
  client: CleanupClient,
  repository: string,
  manifests: readonly ArtifactManifestProperties[],
  options: OperationOptions,
): Promise<Map<string, string>> {
  const referenced = new Map<string, string>();
  for (const manifest of manifests) {
    const name = manifest.tags[0] ? `${repository}:${manifest.tags[0]}` : `${repository}@${manifest.digest}`;
    let children = manifest.relatedArtifacts.map((child) => child.digest);
    if (children.length === 0 && (manifest.mediaType === undefined || isIndexMediaType(manifest.mediaType))) {
      // The registry did not list the platforms (or the media type): read the index itself.
      const read = await client.getManifest(repository, manifest.digest, options);
      children = isIndexMediaType(read.mediaType) ? (read.manifest.manifests ?? []).map((child) => child.digest) : [];
    }
    for (const child of children) {
      if (!referenced.has(child)) {
        referenced.set(child, name);
      }
    }
  }
  return referenced;
}

/**
 * When the manifest was last updated (ACR reports it), else when its image
 * was built: the image config's `created` (image-spec config.md). An index's
 * age is its newest platform's. This reads the config itself; the inspect
 * work adds a public getImageConfig, which can replace this small helper.
 */
async function ageOf(
  client: CleanupClient,
  repository: string,
  manifest: ArtifactManifestProperties,
  options: OperationOptions,
): Promise<Date | undefined> {
  if (manifest.lastUpdatedOn) {
    return manifest.lastUpdatedOn;
  }
  return createdOf(client, repository, manifest.digest, options, 0);
}

async function createdOf(
  client: CleanupClient,
  repository: string,
  digest: string,
  options: OperationOptions,
  depth: number,
): Promise<Date | undefined> {
  const { manifest, mediaType } = await client.getManifest(repository, digest, options);
  if (isIndexMediaType(mediaType)) {
    if (depth > 0) {
      return undefined;
    }
    const ages = [];
    for (const child of manifest.manifests ?? []) {
      ages.push(await createdOf(client, repository, child.digest, options, depth + 1).catch(() => undefined));
    }
    const known = ages.filter((age): age is Date => age !== undefined);
    return known.length ? new Date(Math.max(...known.map((age) => age.getTime()))) : undefined;
  }
  const config = manifest.config;
  if (!config || !isImageConfigMediaType(config.mediaType) || typeof config.size !== "number" || config.size > MAX_CONFIG_BYTES) {
    return undefined;
  }
  const { content } = await client.downloadBlob(repository, config.digest, options);
  const chunks: Buffer[] = [];
  for await (const chunk of content as AsyncIterable<Buffer>) {
    chunks.push(chunk);
  }
  try {
    const created = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { created?: unknown }).created;
    const date = typeof created === "string" ? new Date(created) : undefined;
    return date && !Number.isNaN(date.getTime()) ? date : undefined;
  } catch {
    return undefined;
  }
}
