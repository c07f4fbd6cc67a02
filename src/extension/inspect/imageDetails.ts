// Everything the inspector and the comparison show about one manifest, read
// through the client (whose digest caches mean nothing is fetched twice):
// the manifest, its size, for an image its config and history, its referrers.

import type {
  ContainerRegistryClient,
  GetManifestResult,
  HistoryStep,
  ImageConfigResult,
  ManifestSize,
  ReferrerTree,
} from "../../client/index";
import { historySteps, MediaTypes, NotAnImageError } from "../../client/index";

export interface ImageDetails {
  loginServer: string;
  repository: string;
  /** The tag asked for, if any (the digest is always known). */
  tag?: string;
  manifest: GetManifestResult;
  isIndex: boolean;
  size: ManifestSize;
  /** For an image manifest. */
  image?: { config: ImageConfigResult; steps: HistoryStep[] };
  /** Why there is no image config (an artifact's config is not an image config). */
  notAnImage?: string;
  referrers: ReferrerTree | { error: string };
}

export async function readImageDetails(
  client: ContainerRegistryClient,
  repository: string,
  digest: string,
  tag: string | undefined,
  abortSignal: AbortSignal,
): Promise<ImageDetails> {
  const manifest = await client.getManifest(repository, digest, { abortSignal });
  const isIndex =
    MediaTypes.isIndexMediaType(manifest.mediaType) ||
    (manifest.manifest.manifests !== undefined && manifest.manifest.layers === undefined);
  const [size, image, referrers] = await Promise.all([
    client.getManifestSize(repository, digest, { abortSignal }),
    isIndex ? Promise.resolve(undefined) : readImage(client, repository, manifest, abortSignal),
    // A registry without referrers (or a broken fallback index) leaves the rest readable.
    client.getReferrerTree(repository, digest, { abortSignal }).catch((error: Error) => ({ error: error.message })),
  ]);
  return {
    loginServer: client.loginServer,
    repository,
    tag,
    manifest,
    isIndex,
    size,
    image: image && "config" in image ? image : undefined,
    notAnImage: image && "notAnImage" in image ? image.notAnImage : undefined,
    referrers,
  };
}

async function readImage(
  client: ContainerRegistryClient,
  repository: string,
  manifest: GetManifestResult,
  abortSignal: AbortSignal,
): Promise<{ config: ImageConfigResult; steps: HistoryStep[] } | { notAnImage: string }> {
  try {
    const config = await client.getImageConfig(repository, manifest.digest, { abortSignal });
    return { config, steps: historySteps(config.config, config.manifest) };
  } catch (error) {
    if (error instanceof NotAnImageError) {
      return { notAnImage: error.message };
    }
    throw error;
  }
}

/** `host/repo:tag` or `host/repo@digest`. */
export function referenceOf(details: Pick<ImageDetails, "loginServer" | "repository" | "tag" | "manifest">): string {
  return details.tag
    ? `${details.loginServer}/${details.repository}:${details.tag}`
    : `${details.loginServer}/${details.repository}@${details.manifest.digest}`;
}
