// Errors of reading images: the library's one root, ContainerRegistryClientError.

import { ContainerRegistryClientError } from "../errors";

/** An index has no child for the platform asked for, or none was asked for; lists those it has. */
export class PlatformNotFoundError extends ContainerRegistryClientError {
  override name = "PlatformNotFoundError";
  constructor(
    message: string,
    readonly availablePlatforms: string[],
  ) {
    super(message);
  }
}

/** The manifest is not an image (an index where an image was needed, or an artifact without an image config). */
export class NotAnImageError extends ContainerRegistryClientError {
  override name = "NotAnImageError";
}
