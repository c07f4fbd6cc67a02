// Errors of reading images: the library's one root, ContainerRegistryClientError.

import { ContainerRegistryClientError } from "./errors";

/** An index has no child for the platform asked for, or none was asked for; lists those it has. */
export class PlatformNotFoundError extends ContainerRegistryClientError {
  override name = "PlatformNotFoundError";
  constructor(
    message: string,
    /** What the index offers, as `os/architecture[/variant]`. */
    readonly availablePlatforms: string[],
    /** The platform asked for; undefined when none was. */
    readonly requested?: string,
  ) {
    super(message);
  }
}

/** The manifest is not an image (an index where an image was needed, or an artifact without an image config). */
export class NotAnImageError extends ContainerRegistryClientError {
  override name = "NotAnImageError";
}
