// Fetches an image config blob: capped like manifests (4 MiB, docs/protocols.md
// "Manifest size"), checked against its digest, parsed as a JSON object.

import type { AbortSignalLike } from "@azure/abort-controller";
import { DigestValidationError, InvalidRegistryResponseError, ResponseTooLargeError } from "../errors";
import { digestOf } from "../digest";
import type { RegistryHttp } from "../http/registryHttp";
import { MAX_MANIFEST_BYTES } from "../mediaTypes";
import type { OciDescriptor } from "../models";
import { splitDigest } from "../reference";
import { blobPath } from "../registry/blobPaths";
import type { ImageConfig } from "./imageModels";

export const MAX_CONFIG_BYTES = MAX_MANIFEST_BYTES;

export async function fetchImageConfig(
  http: RegistryHttp,
  repository: string,
  descriptor: OciDescriptor,
  abortSignal?: AbortSignalLike,
): Promise<ImageConfig> {
  const operation = "get image config";
  const what = `image config ${repository}@${descriptor.digest} on ${http.loginServer}`;
  if (descriptor.size > MAX_CONFIG_BYTES) {
    // The manifest says so: refuse before sending anything.
    throw new ResponseTooLargeError(`The ${what} is ${descriptor.size} bytes, larger than the 4 MiB limit`, { operation });
  }
  const { bytes } = await http.sendForBytes(
    { method: "GET", url: blobPath(repository, descriptor.digest), operation, expectedStatus: [200], abortSignal },
    MAX_CONFIG_BYTES,
    what,
  );
  const actual = digestOf(bytes, splitDigest(descriptor.digest)[0]);
  if (actual !== descriptor.digest) {
    throw new DigestValidationError(descriptor.digest, actual, "image config");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new InvalidRegistryResponseError(`The ${what} is not valid JSON`, "config", { operation });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InvalidRegistryResponseError(`The ${what} is not a JSON object`, "config", { operation });
  }
  return parsed as ImageConfig;
}
