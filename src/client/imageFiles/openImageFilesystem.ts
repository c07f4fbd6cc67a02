// openImageFilesystem: from a reference to a browsable file system. It
// resolves the manifest (picking the platform of an index), reads the config
// for the layers' history and diff_ids, and hands the layers to an
// ImageFilesystem, which fetches them through the cache. Only the client's
// public methods are used (getManifest, downloadBlob), so any client that
// has them (the facade, a test double of the real registry) will do.

import { isImageConfigMediaType, isIndexMediaType } from "../mediaTypes";
import type { DownloadBlobOptions, DownloadBlobResult, GetManifestResult, OciDescriptor, OperationOptions } from "../models";
import { InvalidInputError } from "../errors";
import { validateDigest, validateRepositoryName, validateTagOrDigest } from "../reference";
import { NotAnImageError, PlatformNotFoundError } from "../imageErrors";
import { formatPlatform } from "../platform";
import { ImageContentError } from "./errors";
import { ImageFilesystem, type LayerFetcher } from "./imageFilesystem";
import { indexLayer } from "./indexLayer";
import { type CachedLayer, DEFAULT_CACHE_MAX_BYTES, LayerCache } from "./layerCache";
import { layerCompression } from "./layerCompression";
import type { LayerEntry } from "./layerEntry";
import type { ImageHistoryStep, ImageLayer, ImagePlatform, OpenImageFilesystemOptions } from "./models";

/** What openImageFilesystem needs of a client. */
export interface ImageFilesystemClient {
  getManifest(repository: string, tagOrDigest: string, options?: OperationOptions): Promise<GetManifestResult>;
  downloadBlob(repository: string, digest: string, options?: DownloadBlobOptions): Promise<DownloadBlobResult>;
}

export const DEFAULT_MAX_LAYER_BYTES = 16 * 1024 * 1024 * 1024;
export const DEFAULT_MAX_ENTRIES_PER_LAYER = 1_000_000;
/** A million entries of 64-character paths; a hostile layer of 4 KiB names stops here, not at gigabytes of memory. */
export const DEFAULT_MAX_NAME_BYTES_PER_LAYER = 64 * 1024 * 1024;
export const DEFAULT_LAYER_CONCURRENCY = 3;
/** Image configs are small JSON; the cap bounds memory against a hostile one. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export async function openImageFilesystem(
  client: ImageFilesystemClient,
  repository: string,
  tagOrDigest: string,
  options: OpenImageFilesystemOptions = {},
): Promise<ImageFilesystem> {
  validateRepositoryName(repository);
  validateTagOrDigest(tagOrDigest);
  const limits = {
    maxLayerBytes: positiveInteger("maxLayerBytes", options.maxLayerBytes, DEFAULT_MAX_LAYER_BYTES),
    maxEntries: positiveInteger("maxEntriesPerLayer", options.maxEntriesPerLayer, DEFAULT_MAX_ENTRIES_PER_LAYER),
    maxNameBytes: positiveInteger("maxNameBytesPerLayer", options.maxNameBytesPerLayer, DEFAULT_MAX_NAME_BYTES_PER_LAYER),
  };
  const concurrency = positiveInteger("concurrency", options.concurrency, DEFAULT_LAYER_CONCURRENCY);
  const cacheMaxBytes = positiveInteger("cacheMaxBytes", options.cacheMaxBytes, DEFAULT_CACHE_MAX_BYTES);
  const wanted = options.platform === undefined ? undefined : toImagePlatform(options.platform);
  const operation = { abortSignal: options.abortSignal };

  let resolved = await client.getManifest(repository, tagOrDigest, operation);
  let indexDigest: string | undefined;
  let platform: ImagePlatform | undefined;
  if (isIndexMediaType(resolved.mediaType) || (resolved.manifest.manifests && !resolved.manifest.layers)) {
    indexDigest = resolved.digest;
    const child = choosePlatform(resolved.manifest.manifests ?? [], wanted);
    platform = child.platform;
    resolved = await client.getManifest(repository, validateDigest(child.descriptor.digest), operation);
  }
  const { manifest } = resolved;
  if (!manifest.config || !isImageConfigMediaType(manifest.config.mediaType) || !Array.isArray(manifest.layers)) {
    throw new NotAnImageError(
      `${repository}@${resolved.digest} is not a container image (its config is ${JSON.stringify(manifest.config?.mediaType ?? "missing")})`,
    );
  }
  const cache = options.cacheDir === undefined ? await LayerCache.temporary() : LayerCache.forDirectory(options.cacheDir, cacheMaxBytes);
  let config: Record<string, unknown>;
  try {
    config = await readConfig(client, repository, manifest.config, cache, operation);
  } catch (error) {
    await cache.dispose();
    throw error;
  }
  let layers: ImageLayer[];
  let lastLayer: number;
  try {
    layers = describeLayers(manifest.layers, config);
    if (layers.length === 0) {
      throw new NotAnImageError(`${repository}@${resolved.digest} has no layers`);
    }
    lastLayer = options.upToLayer ?? layers.length - 1;
    if (!Number.isInteger(lastLayer) || lastLayer < 0 || lastLayer >= layers.length) {
      throw new InvalidInputError("upToLayer", String(options.upToLayer), `must be a layer index from 0 to ${layers.length - 1}`);
    }
  } catch (error) {
    await cache.dispose();
    throw error;
  }
  platform ??= platformOf(config);
  const onProgress = options.onProgress;
  const fetchLayer: LayerFetcher = async (index, onEntry, signal) => {
    const layer = layers[index];
    const progress = (phase: "downloading" | "cached" | "indexed", transferredBytes: number): void =>
      onProgress?.({
        layerIndex: index,
        layerDigest: layer.digest,
        phase,
        transferredBytes,
        totalBytes: layer.size,
        mergedLayers: fs.mergedLayers,
        layerCount: lastLayer + 1,
      });
    const hit = cache.isBuilding(layer.digest) ? undefined : await cache.lookupWithEntries(layer.digest);
    if (hit) {
      progress("cached", layer.size);
      return { layer: hit.layer, streamed: false, entries: hit.entries };
    }
    let streamed = false;
    const combined = anySignal([signal, options.abortSignal]);
    const build = (): Promise<CachedLayer> =>
      cache.build(layer.digest, layer.mediaType, async (tarPath) => {
        streamed = true;
        const download = await client.downloadBlob(repository, layer.digest, {
          abortSignal: combined,
          onProgress: ({ transferredBytes }) => progress("downloading", transferredBytes),
        });
        const entries: LayerEntry[] = [];
        const result = await indexLayer({
          digest: layer.digest,
          compression: layerCompression(layer.mediaType, layer.digest),
          content: download.content,
          expectedDiffId: layer.diffId,
          tarPath,
          limits,
          onEntry: (entry) => {
            entries.push(entry);
            onEntry(entry);
          },
        });
        return { tarBytes: result.tarBytes, diffId: result.diffId, entries };
      });
    let built: CachedLayer;
    try {
      built = await build();
    } catch (error) {
      // We waited on another reader's download and that reader cancelled it: fetch the layer ourselves.
      if (streamed || combined.aborted || (error as Error)?.name !== "AbortError") {
        throw error;
      }
      built = await build();
    }
    progress("indexed", layer.size);
    return { layer: built, streamed };
  };
  const fs: ImageFilesystem = new ImageFilesystem({
    repository,
    digest: resolved.digest,
    indexDigest,
    platform,
    layers,
    lastLayer,
    config,
    cache,
    fetchLayer,
    concurrency,
    onProgress,
  });
  if (options.abortSignal) {
    const signal = options.abortSignal;
    const onAbort = (): void => void fs.close();
    signal.addEventListener("abort", onAbort);
    fs.ready.then(
      () => signal.removeEventListener("abort", onAbort),
      () => signal.removeEventListener("abort", onAbort),
    );
  }
  return fs;
}

function positiveInteger(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidInputError(field, String(value), "must be a positive integer");
  }
  return value;
}

/** A platform given as text or as an object, checked. */
export function toImagePlatform(platform: string | ImagePlatform): ImagePlatform {
  if (typeof platform !== "string") {
    if (
      typeof platform?.os !== "string" ||
      typeof platform?.architecture !== "string" ||
      platform.os === "" ||
      platform.architecture === ""
    ) {
      throw new InvalidInputError("platform", JSON.stringify(platform), "needs os and architecture");
    }
    return platform;
  }
  const parts = platform.split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => !/^[A-Za-z0-9._-]+$/.test(part))) {
    throw new InvalidInputError("platform", platform, "must be os/architecture or os/architecture/variant, e.g. linux/arm64/v8");
  }
  return parts.length === 3 ? { os: parts[0], architecture: parts[1], variant: parts[2] } : { os: parts[0], architecture: parts[1] };
}

function choosePlatform(
  manifests: OciDescriptor[],
  wanted: ImagePlatform | undefined,
): { descriptor: OciDescriptor; platform: ImagePlatform } {
  // Attestation manifests (BuildKit's unknown/unknown) are not platforms one can browse.
  const candidates = manifests
    .filter((descriptor) => descriptor.platform && descriptor.platform.os !== "unknown" && descriptor.platform.architecture !== "unknown")
    .map((descriptor) => ({
      descriptor,
      platform: {
        os: descriptor.platform!.os,
        architecture: descriptor.platform!.architecture,
        ...(descriptor.platform!.variant ? { variant: descriptor.platform!.variant } : {}),
      },
    }));
  const available = candidates.map((candidate) => formatPlatform(candidate.platform));
  if (wanted === undefined) {
    if (candidates.length === 1) {
      return candidates[0];
    }
    throw new PlatformNotFoundError(
      `The image is an index of several platforms; choose one of: ${available.join(", ") || "(none)"}`,
      available,
    );
  }
  const match = candidates.find(
    (candidate) =>
      candidate.platform.os === wanted.os &&
      candidate.platform.architecture === wanted.architecture &&
      (wanted.variant === undefined || candidate.platform.variant === wanted.variant),
  );
  if (!match) {
    throw new PlatformNotFoundError(
      `The index has no platform ${formatPlatform(wanted)}; it has: ${available.join(", ") || "(none)"}`,
      available,
      formatPlatform(wanted),
    );
  }
  return match;
}

/** The config from the cache (kept there once its digest checked out) or the registry. */
async function readConfig(
  client: ImageFilesystemClient,
  repository: string,
  descriptor: OciDescriptor,
  cache: LayerCache,
  operation: OperationOptions,
): Promise<Record<string, unknown>> {
  validateDigest(descriptor.digest);
  if (!(descriptor.size <= MAX_CONFIG_BYTES)) {
    throw new ImageContentError(
      `The image config ${descriptor.digest} is ${descriptor.size} bytes, over the ${MAX_CONFIG_BYTES}-byte limit`,
    );
  }
  let bytes = await cache.readBlob(descriptor.digest);
  if (!bytes) {
    const { content } = await client.downloadBlob(repository, descriptor.digest, operation);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of content as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > MAX_CONFIG_BYTES) {
        (content as { destroy?: () => void }).destroy?.();
        throw new ImageContentError(`The image config ${descriptor.digest} is over the ${MAX_CONFIG_BYTES}-byte limit`);
      }
      chunks.push(chunk);
    }
    // The stream ended without a DigestValidationError, so these are the config's bytes.
    bytes = Buffer.concat(chunks);
    if (!cache.ephemeral) {
      await cache.writeBlob(descriptor.digest, bytes);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new ImageContentError(`The image config ${descriptor.digest} is not JSON`, { cause: error });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ImageContentError(`The image config ${descriptor.digest} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function describeLayers(descriptors: OciDescriptor[], config: Record<string, unknown>): ImageLayer[] {
  const rootfs = config.rootfs as { diff_ids?: unknown } | undefined;
  const diffIds =
    Array.isArray(rootfs?.diff_ids) && rootfs.diff_ids.length === descriptors.length ? (rootfs.diff_ids as unknown[]) : undefined;
  // image-spec config.md: history entries with empty_layer make no layer; the others match the layers in order.
  const steps = (Array.isArray(config.history) ? (config.history as Record<string, unknown>[]) : []).filter(
    (step) => typeof step === "object" && step !== null && step.empty_layer !== true,
  );
  return descriptors.map((descriptor, index) => {
    validateDigest(descriptor.digest);
    if (!Number.isSafeInteger(descriptor.size) || descriptor.size < 0) {
      throw new ImageContentError(`Layer ${descriptor.digest} has an invalid size ${JSON.stringify(descriptor.size)}`, {
        layerDigest: descriptor.digest,
      });
    }
    layerCompression(descriptor.mediaType, descriptor.digest);
    const layer: ImageLayer = { index, digest: descriptor.digest, size: descriptor.size, mediaType: descriptor.mediaType };
    const diffId = diffIds?.[index];
    if (typeof diffId === "string" && /^sha256:[a-f0-9]{64}$/.test(diffId)) {
      layer.diffId = diffId;
    }
    const step = steps[index];
    if (step) {
      layer.history = historyStep(step);
    }
    return layer;
  });
}

function historyStep(step: Record<string, unknown>): ImageHistoryStep {
  const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
  const result: ImageHistoryStep = {};
  const created = text(step.created);
  const createdBy = text(step.created_by);
  const author = text(step.author);
  const comment = text(step.comment);
  if (created !== undefined) result.created = created;
  if (createdBy !== undefined) result.createdBy = createdBy;
  if (author !== undefined) result.author = author;
  if (comment !== undefined) result.comment = comment;
  return result;
}

function platformOf(config: Record<string, unknown>): ImagePlatform | undefined {
  const os = config.os;
  const architecture = config.architecture;
  if (typeof os !== "string" || typeof architecture !== "string") {
    return undefined;
  }
  return typeof config.variant === "string" ? { os, architecture, variant: config.variant } : { os, architecture };
}

/** A signal aborted when any of `signals` is. */
function anySignal(
  signals: (AbortSignal | { aborted: boolean; addEventListener: AbortSignal["addEventListener"] } | undefined)[],
): AbortSignal {
  const controller = new AbortController();
  for (const signal of signals) {
    if (!signal) {
      continue;
    }
    if (signal.aborted) {
      controller.abort();
      break;
    }
    signal.addEventListener("abort", () => controller.abort(), { once: true });
  }
  return controller.signal;
}
