// Image references as people paste them from docs and `docker pull` lines:
// `nginx`, `library/nginx:1.27`, `docker.io/library/nginx`,
// `ghcr.io/org/app@sha256:…`, `127.0.0.1:5000/team/app:dev`.
//
// Normalisation follows Docker's reference package (distribution/reference,
// normalize.go "ParseNormalizedNamed"): the first path component is a
// registry host only when it has a '.', a ':' or is `localhost`; otherwise the
// host is Docker Hub, and a one-component Hub name gets the `library/` prefix.
// Docker Hub's names (`docker.io`, `index.docker.io`) are one registry whose
// API is served at `registry-1.docker.io`.

import { InvalidInputError } from "./errors";
import { validateDigest, validateRepositoryName, validateTag } from "./reference";

/** The host Docker Hub's references name (what `docker` prints). */
export const DOCKER_HUB_HOST = "docker.io";
/** Where Docker Hub's distribution API answers. */
export const DOCKER_HUB_API_HOST = "registry-1.docker.io";
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB_HOST, "index.docker.io", DOCKER_HUB_API_HOST]);
/** The tag `docker pull nginx` means. */
export const DEFAULT_TAG = "latest";

export interface ImageReference {
  /** The registry as references name it: `docker.io` for every Docker Hub alias, otherwise the host as typed (lowercased). */
  registry: string;
  /** The host[:port] to connect to: `registry-1.docker.io` for Docker Hub, otherwise `registry`. */
  apiHost: string;
  /** The repository, with `library/` added for one-component Docker Hub names. */
  repository: string;
  tag?: string;
  digest?: string;
  /** What `/v2/<name>/manifests/<reference>` takes: the digest when given, else the tag, else `latest`. */
  tagOrDigest: string;
}

function isRegistryHost(component: string): boolean {
  return component.includes(".") || component.includes(":") || component === "localhost";
}

/** True for the names Docker Hub goes by, in either form (`docker.io` or its API host). */
export function isDockerHubHost(host: string): boolean {
  return DOCKER_HUB_ALIASES.has(host.toLowerCase());
}

/**
 * Parses and validates a reference; throws InvalidInputError saying which
 * part is wrong. A `docker://` prefix (skopeo's transport) is accepted.
 */
export function parseImageReference(input: string): ImageReference {
  const raw = typeof input === "string" ? input.trim() : "";
  if (raw.length === 0) {
    throw new InvalidInputError("image reference", String(input ?? ""), "it is empty");
  }
  let rest = raw.replace(/^docker:\/\//, "");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) {
    throw new InvalidInputError("image reference", raw, "give host/repository:tag without a URL scheme");
  }
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = validateDigest(rest.slice(at + 1));
    rest = rest.slice(0, at);
  }
  let host: string = DOCKER_HUB_HOST;
  const slash = rest.indexOf("/");
  if (slash >= 0 && isRegistryHost(rest.slice(0, slash))) {
    host = rest.slice(0, slash).toLowerCase();
    rest = rest.slice(slash + 1);
    if (!/^[a-z0-9.-]+(?::\d{1,5})?$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/.test(host)) {
      throw new InvalidInputError("image reference", raw, `"${host}" is not a registry host`);
    }
  }
  let tag: string | undefined;
  // After the host is gone, a ':' can only start the tag.
  const colon = rest.lastIndexOf(":");
  if (colon >= 0) {
    tag = validateTag(rest.slice(colon + 1));
    rest = rest.slice(0, colon);
  }
  if (isDockerHubHost(host)) {
    host = DOCKER_HUB_HOST;
    if (rest.length > 0 && !rest.includes("/")) {
      rest = `library/${rest}`;
    }
  }
  const repository = validateRepositoryName(rest);
  return {
    registry: host,
    apiHost: host === DOCKER_HUB_HOST ? DOCKER_HUB_API_HOST : host,
    repository,
    tag,
    digest,
    tagOrDigest: digest ?? tag ?? DEFAULT_TAG,
  };
}

/** The reference written back the way Docker prints it (`docker.io/library/nginx:latest`). */
export function formatImageReference(reference: ImageReference): string {
  const base = `${reference.registry}/${reference.repository}`;
  if (reference.digest) {
    return `${base}${reference.tag ? `:${reference.tag}` : ""}@${reference.digest}`;
  }
  return `${base}:${reference.tag ?? DEFAULT_TAG}`;
}
