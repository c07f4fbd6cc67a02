// Validation of repository names, tags and digests before anything is sent.
// Grammar from the OCI distribution spec ("Pulling manifests": <name> and
// <reference>) and image-spec descriptor.md ("Digests").

import { InvalidInputError } from "./errors";

// <name>: path components of [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* separated by '/'.
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
// <reference> as a tag: at most 128 characters.
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
// algorithm ":" encoded, with the registered algorithms checked more strictly.
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const REGISTERED_DIGESTS: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
};

/** Many registries reject names longer than this (distribution: 255 including the host). */
const MAX_NAME_LENGTH = 255;
// A start of a <name>: whole components each followed by '/', then at most one
// component cut anywhere after its first character (a trailing '.', '_', '__'
// or '-' can still be continued into a valid name).
const REPOSITORY_NAME_PREFIX = /^(?:[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*\/)*(?:[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\.|_|__|-+)?)?$/;

export function validateRepositoryName(name: string): string {
  if (typeof name !== "string" || name.length === 0) {
    throw new InvalidInputError("repository name", String(name), "it is empty");
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new InvalidInputError("repository name", name, `it is longer than ${MAX_NAME_LENGTH} characters`);
  }
  if (!REPOSITORY_NAME.test(name)) {
    const reason = /[A-Z]/.test(name)
      ? "repository names must be lowercase"
      : name.startsWith("/") || name.endsWith("/") || name.includes("//")
        ? "path components must not be empty"
        : "use lowercase letters, digits, and '.', '_', '__' or '-' between them, with '/' between path components";
    throw new InvalidInputError("repository name", name, reason);
  }
  return name;
}

export function validateTag(tag: string): string {
  if (typeof tag !== "string" || tag.length === 0) {
    throw new InvalidInputError("tag", String(tag), "it is empty");
  }
  if (!TAG.test(tag)) {
    const reason =
      tag.length > 128
        ? "tags are at most 128 characters"
        : "tags start with a letter, digit or '_' and contain only letters, digits, '_', '.' and '-'";
    throw new InvalidInputError("tag", tag, reason);
  }
  return tag;
}

export function validateDigest(digest: string): string {
  if (typeof digest !== "string" || digest.length === 0) {
    throw new InvalidInputError("digest", String(digest), "it is empty");
  }
  if (!DIGEST.test(digest)) {
    throw new InvalidInputError("digest", digest, "a digest looks like sha256:<64 hex characters>");
  }
  const [algorithm, encoded] = splitDigest(digest);
  const registered = REGISTERED_DIGESTS[algorithm];
  if (!registered) {
    throw new InvalidInputError("digest", digest, `unsupported algorithm "${algorithm}" (use sha256 or sha512)`);
  }
  if (!registered.test(encoded)) {
    throw new InvalidInputError(
      "digest",
      digest,
      `a ${algorithm} digest has ${algorithm === "sha256" ? 64 : 128} lowercase hex characters`,
    );
  }
  return digest;
}

export function isDigest(tagOrDigest: string): boolean {
  return tagOrDigest.includes(":");
}

/** A tag or a digest, as the `<reference>` in `/v2/<name>/manifests/<reference>`. */
export function validateTagOrDigest(tagOrDigest: string): string {
  return isDigest(tagOrDigest) ? validateDigest(tagOrDigest) : validateTag(tagOrDigest);
}

export function splitDigest(digest: string): [algorithm: string, encoded: string] {
  const colon = digest.indexOf(":");
  return [digest.slice(0, colon), digest.slice(colon + 1)];
}

/** A parsed `host[:port]/repo[:tag][@digest]` reference. */
export interface ArtifactReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * Parses a full reference as users type it (`myregistry.azurecr.io/app:1.0`,
 * `localhost:5000/a/b@sha256:...`). The first component is the registry when
 * it has a '.', a ':' or is `localhost` (the rule docker's reference package uses).
 */
export function parseReference(reference: string): ArtifactReference {
  const input = reference.trim();
  if (input.length === 0) {
    throw new InvalidInputError("reference", reference, "it is empty");
  }
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = validateDigest(rest.slice(at + 1));
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf("/");
  if (slash < 0) {
    throw new InvalidInputError("reference", reference, "it needs a registry host and a repository, e.g. host/repo:tag");
  }
  const first = rest.slice(0, slash);
  if (!(first.includes(".") || first.includes(":") || first === "localhost")) {
    throw new InvalidInputError(
      "reference",
      reference,
      `"${first}" is not a registry host (a host has a '.' or a ':port', or is localhost)`,
    );
  }
  rest = rest.slice(slash + 1);
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon >= 0) {
    tag = validateTag(rest.slice(colon + 1));
    rest = rest.slice(0, colon);
  }
  return { registry: first, repository: validateRepositoryName(rest), tag, digest };
}

/**
 * A repository-name prefix: the empty string, or a string that some valid
 * repository name starts with (`team`, `team/`, `team-`), so that a listing
 * by prefix cannot be asked for names no registry can hold.
 */
export function validateRepositoryPrefix(prefix: string): string {
  if (typeof prefix !== "string") {
    throw new InvalidInputError("repository prefix", String(prefix), "it is not a string");
  }
  if (prefix.length > MAX_NAME_LENGTH) {
    throw new InvalidInputError("repository prefix", prefix, `it is longer than ${MAX_NAME_LENGTH} characters`);
  }
  if (!REPOSITORY_NAME_PREFIX.test(prefix)) {
    const reason = /[A-Z]/.test(prefix)
      ? "repository names are lowercase"
      : prefix.startsWith("/") || prefix.includes("//")
        ? "path components must not be empty"
        : "no repository name starts like this: use lowercase letters, digits, and '.', '_', '__' or '-' between them, with '/' between path components";
    throw new InvalidInputError("repository prefix", prefix, reason);
  }
  return prefix;
}

/** Formats `host/repo:tag` or `host/repo@digest`. */
export function formatReference(registry: string, repository: string, tagOrDigest: string): string {
  return `${registry}/${repository}${isDigest(tagOrDigest) ? "@" : ":"}${tagOrDigest}`;
}
