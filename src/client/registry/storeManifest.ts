// Storing a manifest under a tag or its digest (spec "Pushing Manifests"),
// and, for one with a `subject` on a registry that keeps no referrers itself
// (no `OCI-Subject` in the answer), adding it to the subject's fallback tag
// index (spec "Pushing Manifests with Subject"). setManifest and the
// repository store (repositoryStore.ts) both store manifests through here.

import type { AbortSignalLike } from "@azure/abort-controller";
import { sha256Digest } from "../digest";
import type { RegistryHttp } from "../http/registryHttp";
import type { OciManifestLike } from "../models";
import { putManifest } from "./manifests";
import { addToFallbackIndex } from "./referrers";

export async function storeManifest(
  http: RegistryHttp,
  repository: string,
  content: Uint8Array,
  mediaType: string,
  tag: string | undefined,
  abortSignal?: AbortSignalLike,
  parsed: OciManifestLike | undefined = parseManifestObject(content),
): Promise<string> {
  const { digest, ociSubject } = await putManifest(http, repository, tag ?? sha256Digest(content), content, mediaType, abortSignal);
  if (parsed?.subject && !ociSubject) {
    await addToFallbackIndex(
      http,
      repository,
      parsed.subject.digest,
      {
        mediaType,
        digest,
        size: content.byteLength,
        artifactType: parsed.artifactType ?? parsed.config?.mediaType,
        annotations: parsed.annotations,
      },
      abortSignal,
    );
  }
  return digest;
}

/** The manifest as an object, or undefined when the bytes are not a JSON object (the registry judges those). */
export function parseManifestObject(content: Uint8Array): OciManifestLike | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString("utf8")) as unknown;
    return typeof parsed === "object" && parsed !== null ? (parsed as OciManifestLike) : undefined;
  } catch {
    return undefined;
  }
}
