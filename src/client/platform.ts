// Platforms as users write them (`os/architecture[/variant]`, as in
// `docker pull --platform`) and as index entries carry them (image-spec
// image-index.md "platform").

import { InvalidInputError } from "./errors";
import type { OciDescriptor } from "./models";

export interface ImagePlatform {
  os: string;
  architecture: string;
  variant?: string;
}

const PLATFORM_PATTERN = /^([a-z0-9_.-]+)\/([a-z0-9_.-]+)(?:\/([a-z0-9_.-]+))?$/i;

export function parsePlatform(text: string): ImagePlatform {
  const match = PLATFORM_PATTERN.exec(text);
  if (!match) {
    throw new InvalidInputError("platform", text, "write it as os/architecture or os/architecture/variant, e.g. linux/arm64");
  }
  return match[3] ? { os: match[1], architecture: match[2], variant: match[3] } : { os: match[1], architecture: match[2] };
}

export function formatPlatform(platform: ImagePlatform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}

/** An index entry's platform, if it names one. */
export function platformOf(descriptor: OciDescriptor): ImagePlatform | undefined {
  const p = descriptor.platform;
  if (!p || typeof p.os !== "string" || typeof p.architecture !== "string") {
    return undefined;
  }
  return p.variant ? { os: p.os, architecture: p.architecture, variant: p.variant } : { os: p.os, architecture: p.architecture };
}

/**
 * Whether an entry's platform is the one asked for. A request without a
 * variant matches any variant (linux/arm64 finds linux/arm64/v8), as
 * container runtimes do when only one is listed.
 */
export function platformMatches(entry: ImagePlatform, wanted: ImagePlatform): boolean {
  return (
    entry.os === wanted.os &&
    entry.architecture === wanted.architecture &&
    (wanted.variant === undefined || entry.variant === wanted.variant)
  );
}
