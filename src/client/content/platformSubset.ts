// An index cut down to some of its platforms (image-spec image-index.md), for
// a pull that wants only those: the chosen children keep their descriptors,
// everything else of the index (media type, annotations, subject) is kept,
// and the result is a new index with a new digest (it is not the registry's
// index, so it cannot keep that index's digest). "all" keeps the index as it is.

import { sha256Digest } from "../digest";
import { InvalidInputError } from "../errors";
import type { OciDescriptor } from "../models";
import { parseManifest } from "./descriptors";

/** Which platforms of an index to keep: all of them, or each named `os/architecture[/variant]` or by digest. */
export type PlatformChoice = "all" | readonly string[];

/** `os/architecture[/variant]`, the way docker and skopeo name a platform. */
export function platformName(descriptor: OciDescriptor): string | undefined {
  const platform = descriptor.platform;
  if (!platform) {
    return undefined;
  }
  return `${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ""}`;
}

/** The index with only the chosen platforms, as bytes and descriptor; the index itself when all are chosen. */
export function selectPlatforms(
  index: { descriptor: OciDescriptor; content: Uint8Array },
  choice: PlatformChoice,
): { descriptor: OciDescriptor; content: Uint8Array } {
  if (choice === "all") {
    return index;
  }
  if (choice.length === 0) {
    throw new InvalidInputError("platforms", "[]", 'name at least one platform, or "all"');
  }
  const parsed = parseManifest(index.content, index.descriptor.digest);
  const children = Array.isArray(parsed.manifests) ? parsed.manifests : [];
  const kept = children.filter((child) => choice.some((wanted) => wanted === child.digest || wanted === platformName(child)));
  for (const wanted of choice) {
    if (!kept.some((child) => wanted === child.digest || wanted === platformName(child))) {
      const known = children.map((child) => platformName(child) ?? child.digest).join(", ");
      throw new InvalidInputError("platforms", wanted, `the index has no such platform; it has ${known}`);
    }
  }
  const content = Buffer.from(JSON.stringify({ ...parsed, manifests: kept }));
  return { descriptor: { mediaType: index.descriptor.mediaType, digest: sha256Digest(content), size: content.byteLength }, content };
}
