// Reads images through two bounded caches keyed by digest (digestCache.ts):
// manifests and configs. The tree, the inspector and the comparison share one
// reader per client, so none of them fetches the same manifest or config twice.
// A tag is resolved by fetching the manifest every time (a tag moves); the
// manifest is then cached under its digest.

import type { AbortSignalLike } from "@azure/abort-controller";
import { InvalidRegistryResponseError } from "../errors";
import type { RegistryHttp } from "../http/registryHttp";
import { isImageConfigMediaType, isIndexMediaType } from "../mediaTypes";
import type { GetManifestResult, OciDescriptor } from "../models";
import { isDigest } from "../reference";
import { getManifest } from "../registry/manifests";
import { DigestCache } from "./digestCache";
import { fetchImageConfig } from "./fetchConfig";
import { NotAnImageError, PlatformNotFoundError } from "../imageErrors";
import type { GetImageConfigOptions, ImageConfig, ImageConfigResult } from "./imageModels";
import { formatPlatform, parsePlatform, platformMatches, platformOf, type ImagePlatform } from "../platform";

/** Entries kept per cache: manifests and configs are at most 4 MiB, mostly a few KiB. */
const CACHE_ENTRIES = 512;

export class ImageReader {
  private readonly manifests = new DigestCache<GetManifestResult>(CACHE_ENTRIES);
  private readonly configs = new DigestCache<ImageConfig>(CACHE_ENTRIES);

  constructor(private readonly http: RegistryHttp) {}

  /** Forgets what was cached of a deleted manifest (or of every manifest of a deleted repository). */
  forget(repository: string, digest?: string): void {
    this.manifests.forget(repository, digest);
    this.configs.forget(repository, digest);
  }

  async manifest(repository: string, tagOrDigest: string, abortSignal?: AbortSignalLike): Promise<GetManifestResult> {
    if (isDigest(tagOrDigest)) {
      return this.manifests.get(repository, tagOrDigest, () => getManifest(this.http, repository, tagOrDigest, abortSignal));
    }
    const fetched = await getManifest(this.http, repository, tagOrDigest, abortSignal);
    this.manifests.put(repository, fetched.digest, fetched);
    return fetched;
  }

  config(repository: string, descriptor: OciDescriptor, abortSignal?: AbortSignalLike): Promise<ImageConfig> {
    return this.configs.get(repository, descriptor.digest, () => fetchImageConfig(this.http, repository, descriptor, abortSignal));
  }

  /** The image manifest `tagOrDigest` names, or for an index its child for `platform`. */
  async imageManifest(
    repository: string,
    tagOrDigest: string,
    options: GetImageConfigOptions = {},
  ): Promise<{ manifest: GetManifestResult; platform?: ImagePlatform; indexDigest?: string }> {
    const wanted = options.platform === undefined ? undefined : parsePlatform(options.platform);
    const top = await this.manifest(repository, tagOrDigest, options.abortSignal);
    if (!isIndex(top)) {
      return { manifest: top };
    }
    const entries = (top.manifest.manifests ?? []).flatMap((d) => {
      const platform = platformOf(d);
      return platform ? [{ descriptor: d, platform }] : [];
    });
    const available = entries.map((e) => formatPlatform(e.platform));
    const where = `${repository}@${top.digest} on ${this.http.loginServer}`;
    if (!wanted) {
      throw new PlatformNotFoundError(
        `${where} is an index: choose one of its platforms (${available.join(", ") || "it lists none"})`,
        available,
      );
    }
    const picked = entries.find((e) => platformMatches(e.platform, wanted));
    if (!picked) {
      throw new PlatformNotFoundError(
        `${where} has no manifest for ${formatPlatform(wanted)}; it has ${available.join(", ") || "no platforms"}`,
        available,
      );
    }
    const child = await this.manifest(repository, picked.descriptor.digest, options.abortSignal);
    if (isIndex(child)) {
      throw new InvalidRegistryResponseError(`The ${formatPlatform(picked.platform)} entry of ${where} is itself an index`, "manifests", {
        operation: "get image config",
      });
    }
    return { manifest: child, platform: picked.platform, indexDigest: top.digest };
  }

  async imageConfig(repository: string, tagOrDigest: string, options: GetImageConfigOptions = {}): Promise<ImageConfigResult> {
    const { manifest, platform, indexDigest } = await this.imageManifest(repository, tagOrDigest, options);
    const descriptor = manifest.manifest.config;
    if (!descriptor || !isImageConfigMediaType(descriptor.mediaType)) {
      throw new NotAnImageError(
        `${repository}@${manifest.digest} is not an image: its config is ${descriptor ? descriptor.mediaType : "missing"}`,
      );
    }
    const config = await this.config(repository, descriptor, options.abortSignal);
    const ownPlatform =
      typeof config.os === "string" && typeof config.architecture === "string"
        ? { os: config.os, architecture: config.architecture, ...(typeof config.variant === "string" ? { variant: config.variant } : {}) }
        : undefined;
    return {
      manifestDigest: manifest.digest,
      configDigest: descriptor.digest,
      platform: platform ?? ownPlatform,
      config,
      indexDigest,
      manifest,
    };
  }
}

export function isIndex(result: GetManifestResult): boolean {
  return isIndexMediaType(result.mediaType) || (result.manifest.manifests !== undefined && result.manifest.layers === undefined);
}
