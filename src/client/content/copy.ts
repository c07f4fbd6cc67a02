// The one copy routine: content from any source store to any target store
// (contentStore.ts). pushImage, pullImage, the extension's Pull to Folder and
// Push Files as Artifact are each one call of it.
//
// 1. Walk: the root manifest (resolved from a reference, or given with its
//    bytes so nothing is fetched twice), then an index's child manifests,
//    depth first; every descriptor is validated on the way (descriptors.ts).
// 2. Blobs: each unique config and layer once, largest first, several at a
//    time; skipped when the target has it, mounted where the target can,
//    else moved and verified by the target. Transfer resumes are the
//    stores' business (registry/resumableDownload.ts, registry/uploadBlob.ts).
// 3. Manifests: children before their index, the root last and only then
//    under its tag, so that a tag never names an image the target does not
//    hold whole (a registry refuses a manifest whose blobs it lacks, spec
//    "Pushing Manifests"; a layout's index.json names nothing incomplete).
// On failure or cancellation the target may drop what it staged (abandon).

import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import { forEachWithConcurrency } from "../concurrency";
import { digestOf } from "../digest";
import { DigestValidationError, InvalidInputError } from "../errors";
import type { OciDescriptor, TransferProgress } from "../models";
import { splitDigest } from "../reference";
import type { BlobPushOutcome, ContentSource, ContentTarget } from "./contentStore";
import { childrenOf, dedupe, InvalidDescriptorError, parseManifest, validateDescriptor } from "./descriptors";

/** How many blobs move at once. The default value is 4 (skopeo moves up to 6, go-containerregistry 4, oras 3). */
export const DEFAULT_TRANSFER_CONCURRENCY = 4;

/** An index nested deeper than this is refused (image-spec allows nesting; nothing real goes this deep). */
const MAX_INDEX_DEPTH = 8;

export interface BlobTransferEvent {
  digest: string;
  size: number;
  outcome: BlobPushOutcome | "downloaded";
}

export interface CopyOptions {
  abortSignal?: AbortSignalLike;
  /** Blobs in flight at once, 1 to 32. The default value is 4. */
  concurrency?: number;
  /** Bytes moved so far over all blobs; `totalBytes` is the sum of the sizes of the image's blobs. */
  onProgress?: (progress: TransferProgress) => void;
  /** Called when a blob is done, with what happened to it. */
  onBlob?: (event: BlobTransferEvent) => void;
  /** The tag the root manifest gets in the target; without one it is stored by digest. */
  tag?: string;
  /** Repositories of the target's registry that may hold the blobs (offered as mounts, first one first). */
  mountFrom?: readonly string[];
  /** Called with each manifest walked, before any blob moves; a throw stops the copy (e.g. a target that takes no index). */
  onManifest?: (descriptor: OciDescriptor, isRoot: boolean) => void;
  /**
   * Copy the artifacts that refer to the copied manifests (signatures, SBOMs)
   * as well, and theirs in turn; the source must list referrers
   * (ContentSource.listReferrers). They are stored by digest after the
   * blobs and before the root's tag.
   */
  referrers?: boolean;
}

/** The root of a copy: a tag or digest the source resolves, or a manifest already fetched (not fetched again). */
export type CopyRoot = string | { descriptor: OciDescriptor; content: Uint8Array };

export interface CopyResult {
  /** The root manifest's descriptor. */
  root: OciDescriptor;
  /** Every manifest stored, children first, then the referrers, the root last. */
  manifests: OciDescriptor[];
  blobs: BlobTransferEvent[];
  /** Bytes that moved as blob bodies (0 when everything existed or was mounted). */
  transferredBytes: number;
}

export function checkConcurrency(concurrency: number | undefined): number {
  const value = concurrency ?? DEFAULT_TRANSFER_CONCURRENCY;
  if (!Number.isInteger(value) || value < 1 || value > 32) {
    throw new InvalidInputError("concurrency", String(value), "must be an integer from 1 to 32");
  }
  return value;
}

interface WalkedManifest {
  descriptor: OciDescriptor;
  content: Uint8Array;
}

export async function copyContent(
  source: ContentSource,
  target: ContentTarget,
  root: CopyRoot,
  options: CopyOptions = {},
): Promise<CopyResult> {
  const concurrency = checkConcurrency(options.concurrency);
  if (options.referrers && !source.listReferrers) {
    throw new InvalidInputError("referrers", "true", "this source cannot list referrers");
  }
  const signal = options.abortSignal;
  try {
    const { manifests, rootAt, blobs } = await walk(source, root, options);
    const moved = await copyBlobs(source, target, blobs, concurrency, options);
    throwIfAborted(signal);
    // The root's children, then the referrers (a registry takes a manifest whose subject it
    // does not hold yet, distribution spec "Pushing Manifests with Subject"), the root last.
    const rootManifest = manifests[rootAt];
    const ordered = [...manifests.slice(0, rootAt), ...manifests.slice(rootAt + 1), rootManifest];
    for (const [i, manifest] of ordered.entries()) {
      const isRoot = i === ordered.length - 1;
      throwIfAborted(signal);
      await target.pushManifest(manifest.descriptor, manifest.content, {
        abortSignal: signal,
        root: isRoot,
        tag: isRoot ? options.tag : undefined,
      });
    }
    return { root: rootManifest.descriptor, manifests: ordered.map((m) => m.descriptor), ...moved };
  } catch (error) {
    await target.abandon?.().catch(() => undefined);
    throw signal?.aborted ? new AbortError("The copy was cancelled.") : error;
  }
}

/**
 * The manifests, children first (the root at `rootAt`, then the referrers'
 * trees when asked for), and the unique blobs they name.
 */
async function walk(
  source: ContentSource,
  root: CopyRoot,
  options: CopyOptions,
): Promise<{ manifests: WalkedManifest[]; rootAt: number; blobs: OciDescriptor[] }> {
  const signal = options.abortSignal;
  const manifests: WalkedManifest[] = [];
  const blobs: OciDescriptor[] = [];
  const seen = new Set<string>();

  async function visit(
    descriptor: OciDescriptor,
    given: Uint8Array | undefined,
    where: string,
    parent: string,
    depth: number,
  ): Promise<void> {
    if (depth > MAX_INDEX_DEPTH) {
      throw new InvalidDescriptorError(where, parent, `indexes nest deeper than ${MAX_INDEX_DEPTH}`);
    }
    if (seen.has(descriptor.digest)) {
      return;
    }
    seen.add(descriptor.digest);
    const content = given ?? (await source.fetchManifest(descriptor, { abortSignal: signal }));
    // Sources check what they fetch; a manifest handed in is checked here, and the check is cheap for all.
    const actual = digestOf(content, splitDigest(descriptor.digest)[0]);
    if (actual !== descriptor.digest) {
      throw new DigestValidationError(descriptor.digest, actual, "manifest");
    }
    if (content.byteLength !== descriptor.size) {
      throw new InvalidDescriptorError(`${where}.size`, parent, `says ${descriptor.size} bytes, the manifest has ${content.byteLength}`);
    }
    const parsed = parseManifest(content, descriptor.digest);
    const mediaType = descriptor.mediaType ?? (typeof parsed.mediaType === "string" ? parsed.mediaType : undefined);
    const resolved: OciDescriptor = { ...descriptor, mediaType };
    options.onManifest?.(resolved, depth === 0);
    const children = childrenOf(parsed, mediaType ?? "", descriptor.digest);
    for (const [i, child] of children.manifests.entries()) {
      await visit(child, undefined, `manifests[${i}]`, descriptor.digest, depth + 1);
    }
    blobs.push(...children.blobs);
    manifests.push({ descriptor: resolved, content });
  }

  if (typeof root === "string") {
    const descriptor = validateDescriptor(await source.resolve(root, { abortSignal: signal }), "reference", root);
    await visit(descriptor, undefined, "reference", root, 0);
  } else {
    const descriptor = validateDescriptor(root.descriptor, "root", "the given manifest");
    await visit(descriptor, root.content, "root", "the given manifest", 0);
  }
  const rootAt = manifests.length - 1;
  if (options.referrers && source.listReferrers) {
    // Breadth first over subjects: every manifest walked (the root, its platforms, each referrer) may have
    // referrers, listed through the API or the fallback tag (docs/protocols.md#oci-referrers).
    for (let next = 0; next < manifests.length; next++) {
      const subject = manifests[next].descriptor.digest;
      const referrers = await source.listReferrers(subject, { abortSignal: signal });
      for (const [i, referrer] of referrers.entries()) {
        await visit(validateDescriptor(referrer, `referrers[${i}]`, subject), undefined, `referrers[${i}]`, subject, 1);
      }
    }
  }
  return { manifests, rootAt, blobs: dedupe(blobs) };
}

async function copyBlobs(
  source: ContentSource,
  target: ContentTarget,
  blobs: OciDescriptor[],
  concurrency: number,
  options: CopyOptions,
): Promise<{ blobs: BlobTransferEvent[]; transferredBytes: number }> {
  const signal = options.abortSignal;
  const total = blobs.reduce((sum, blob) => sum + blob.size, 0);
  let progressed = 0;
  const report = (delta: number): void => {
    progressed += delta;
    options.onProgress?.({ transferredBytes: progressed, totalBytes: total });
  };
  const events: BlobTransferEvent[] = [];
  let transferredBytes = 0;
  // Large blobs first, so the last lane does not start a big one alone.
  const ordered = [...blobs].sort((a, b) => b.size - a.size);
  try {
    await target.beginBlobs?.(ordered, concurrency);
    await forEachWithConcurrency(ordered, concurrency, async (blob) => {
      throwIfAborted(signal);
      let outcome: BlobTransferEvent["outcome"];
      if (await target.hasBlob(blob, { abortSignal: signal })) {
        outcome = "existing";
      } else {
        outcome = await target.pushBlob(blob, source, {
          abortSignal: signal,
          mountFrom: options.mountFrom,
          onBytes: (delta) => {
            transferredBytes += delta;
            report(delta);
          },
        });
      }
      if (outcome === "existing" || outcome === "mounted") {
        report(blob.size);
      }
      const event = { digest: blob.digest, size: blob.size, outcome };
      events.push(event);
      options.onBlob?.(event);
    });
  } finally {
    await target.endBlobs?.();
  }
  return { blobs: events, transferredBytes };
}

function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) {
    throw new AbortError("The copy was cancelled.");
  }
}
