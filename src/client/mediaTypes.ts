// Manifest media types (OCI image-spec manifest.md and image-index.md; Docker
// image manifest v2 schema 2). The Accept list must name all four, or some
// registries answer with the old schema 1 (docs/protocols.md#oci-pull-manifests).

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
export const OCI_IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";
export const DOCKER_IMAGE_CONFIG = "application/vnd.docker.container.image.v1+json";
/** The empty descriptor of image-spec manifest.md "Guidance for an Empty Descriptor". */
export const OCI_EMPTY = "application/vnd.oci.empty.v1+json";
export const OCI_EMPTY_DIGEST = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

export const MANIFEST_ACCEPT = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST].join(", ");

export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}

export function isImageConfigMediaType(mediaType: string | undefined): boolean {
  return mediaType === OCI_IMAGE_CONFIG || mediaType === DOCKER_IMAGE_CONFIG;
}

/** Manifests are capped at 4 MiB (OCI distribution spec "Pushing Manifests": registries may reject larger). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
