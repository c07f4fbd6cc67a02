// Error types. One RegistryError carries what the registry said (its
// `errors[]` body, OCI distribution spec "Error Codes"), the status, the
// method and a redacted URL; subclasses exist for what callers branch on.

import { redactUrl, scrubError } from "./redact";

/** One entry of the registry's `{"errors":[...]}` body. */
export interface RegistryErrorDetail {
  code: string;
  message?: string;
  detail?: unknown;
}

export interface RegistryErrorInit {
  statusCode?: number;
  method?: string;
  url?: string;
  /** What the library was doing, e.g. "delete manifest". */
  operation?: string;
  errors?: RegistryErrorDetail[];
  cause?: unknown;
}

/**
 * The root of every error this library throws on purpose, so that a caller
 * can catch "any error of the registry client" in one place. (Errors of the
 * local file system, such as ENOENT when a layout is missing, pass through
 * as Node's own.)
 */
export class ContainerRegistryClientError extends Error {
  override name = "ContainerRegistryClientError";
}

/** The registry answered with an error, or could not be reached. */
export class RegistryError extends ContainerRegistryClientError {
  override name = "RegistryError";
  readonly statusCode?: number;
  readonly method?: string;
  /** The request URL with secrets (query values such as `_state`, signatures) removed. */
  readonly url?: string;
  readonly operation?: string;
  /** The registry's own error list; `code` is the first entry's code. */
  readonly errors: RegistryErrorDetail[];
  /** Set when a repository deletion failed part of the way: what was already deleted. */
  deletedBeforeFailure?: { deletedManifests: string[]; deletedTags: string[] };

  constructor(message: string, init: RegistryErrorInit = {}) {
    // A cause may be core's RestError, which keeps the raw request (Authorization included): only a scrubbed copy is kept.
    super(message, init.cause === undefined ? undefined : { cause: scrubError(init.cause) });
    this.statusCode = init.statusCode;
    this.method = init.method;
    this.url = init.url === undefined ? undefined : redactUrl(init.url);
    this.operation = init.operation;
    this.errors = init.errors ?? [];
  }

  /** The first registry error code, e.g. `MANIFEST_UNKNOWN`. */
  get code(): string | undefined {
    return this.errors[0]?.code;
  }
}

/** 401: credentials missing, wrong or expired. */
export class RegistryAuthenticationError extends RegistryError {
  override name = "RegistryAuthenticationError";
}

/** 403 or `DENIED`: the credentials are valid but lack the permission (or the item is locked). */
export class RegistryPermissionError extends RegistryError {
  override name = "RegistryPermissionError";
}

/**
 * The item, or its repository, is locked: ACR refuses to delete or change a
 * write-disabled item and to delete a delete-disabled one, with 405
 * `REGISTRY_DISALLOWED_OPERATION` (the protocol notes, "ACR locks and
 * errors"). Nothing was changed; unlocking (writeEnabled, deleteEnabled) is the fix.
 */
export class RegistryLockedError extends RegistryPermissionError {
  override name = "RegistryLockedError";
}

/** 404: the repository, manifest, tag or blob does not exist. */
export class RegistryNotFoundError extends RegistryError {
  override name = "RegistryNotFoundError";
}

/** The registry has deletion turned off (distribution answers 405, or `UNSUPPORTED`). */
export class RegistryDeleteDisabledError extends RegistryError {
  override name = "RegistryDeleteDisabledError";
}

/** A response was larger than the library accepts (a manifest over 4 MiB, an endless error body). */
export class ResponseTooLargeError extends RegistryError {
  override name = "ResponseTooLargeError";
}

/**
 * A connection went quiet: no response headers, no body bytes or no upload
 * progress for `timeoutMs` (after the retries, when the request could be retried).
 */
export class RegistryTimeoutError extends RegistryError {
  override name = "RegistryTimeoutError";
  constructor(
    message: string,
    readonly timeoutMs: number,
    init: RegistryErrorInit = {},
  ) {
    super(message, init);
  }
}

/** The TLS connection failed (an untrusted, expired or mismatched certificate); the message says how to fix it. */
export class RegistryTlsError extends RegistryError {
  override name = "RegistryTlsError";
}

/**
 * The registry answered with a value the library will not use: a digest, tag
 * or repository name that breaks the grammar user input is held to (one with
 * `../` would put another repository's path into the next URL), or a document
 * of the wrong shape. `field` names where the value came from, e.g.
 * `Docker-Content-Digest` or `tags/list tags[3]`.
 */
export class InvalidRegistryResponseError extends RegistryError {
  override name = "InvalidRegistryResponseError";
  constructor(
    message: string,
    readonly field: string,
    init: RegistryErrorInit = {},
  ) {
    super(message, init);
  }
}

/**
 * The referrers fallback tag (`sha256-<hex>`, OCI distribution spec
 * "Referrers Tag Schema") holds something that is not an image index, or keeps
 * losing the referrer to concurrent writers: the spec says the client reports
 * a failure rather than overwrite it.
 */
export class ReferrersTagConflictError extends RegistryError {
  override name = "ReferrersTagConflictError";
  constructor(
    message: string,
    readonly tag: string,
    init: RegistryErrorInit = {},
  ) {
    super(message, init);
  }
}

/**
 * Paging stopped because the registry's pages would never end: a `Link` back
 * to a page already read, endless empty pages, or pages that repeat items
 * already listed under ever-new `Link` URLs.
 */
export class RegistryPagingError extends RegistryError {
  override name = "RegistryPagingError";
}

/** The registry cannot do this at all (e.g. properties on a registry without ACR's metadata API). */
export class NotSupportedByRegistryError extends ContainerRegistryClientError {
  override name = "NotSupportedByRegistryError";
  constructor(
    readonly operation: string,
    readonly registry: string,
    reason: string,
  ) {
    super(`${registry} does not support ${operation}: ${reason}`);
  }
}

/** Bytes did not match the digest they were asked for or announced with. */
export class DigestValidationError extends ContainerRegistryClientError {
  override name = "DigestValidationError";
  constructor(
    readonly expectedDigest: string,
    readonly actualDigest: string,
    what = "content",
  ) {
    super(`The ${what} does not match its digest: expected ${expectedDigest}, got ${actualDigest}`);
  }
}

/** A name, tag, digest, reference or endpoint was rejected before any request was sent. */
export class InvalidInputError extends ContainerRegistryClientError {
  override name = "InvalidInputError";
  constructor(
    readonly field: string,
    readonly value: string,
    readonly reason: string,
  ) {
    super(`Invalid ${field} ${JSON.stringify(value.length > 200 ? value.slice(0, 200) + "…" : value)}: ${reason}`);
  }
}
