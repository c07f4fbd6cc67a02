// Removes secrets from URLs and headers before they reach an error message or
// a log line. Upload URLs carry `_state` (distribution's signed upload state),
// blob-storage redirects carry SAS signatures (`sig`, `se`, ...): only query
// keys known to be harmless keep their values.

const HARMLESS_QUERY_KEYS = new Set([
  "n",
  "last",
  "digest",
  "mount",
  "from",
  "api-version",
  "orderby",
  "artifactType",
  "service",
  "scope",
]);

const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie", "x-ms-authorization-auxiliary"]);

export const REDACTED = "REDACTED";

export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Relative or malformed: redact any query wholesale.
    const queryStart = url.indexOf("?");
    return queryStart < 0 ? url : `${url.slice(0, queryStart)}?${REDACTED}`;
  }
  parsed.username = "";
  parsed.password = "";
  for (const key of [...parsed.searchParams.keys()]) {
    if (!HARMLESS_QUERY_KEYS.has(key)) {
      parsed.searchParams.set(key, REDACTED);
    }
  }
  return parsed.toString();
}

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

// Text a registry or token service wrote (error messages, `detail`) may echo
// what it was sent. These shapes are never kept: an Authorization value
// (`Basic <base64>`, `Bearer <token>`), a JWT anywhere, and `password=`,
// `token=` style pairs in query strings, forms and JSON.
const SECRET_PATTERNS: RegExp[] = [
  /\b(Basic|Bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi,
  /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  /((?:password|passwd|secret|client_secret|token|access_token|refresh_token|identitytoken)"?\s*[:=]\s*"?)[^"&\s,;)}]+/gi,
];

/** Removes anything shaped like a credential from free text. */
export function redactText(text: string, knownSecrets: readonly string[] = []): string {
  let result = text;
  for (const pattern of SECRET_PATTERNS) {
    result = result.replace(pattern, (match, prefix: string) =>
      pattern === SECRET_PATTERNS[2] ? `${prefix}${REDACTED}` : pattern === SECRET_PATTERNS[0] ? `${match.split(/\s+/)[0]} ${REDACTED}` : REDACTED,
    );
  }
  for (const secret of knownSecrets) {
    // Short values (an empty password, "x") would shred ordinary words.
    if (secret.length >= 4) {
      result = result.split(secret).join(REDACTED);
    }
  }
  return result;
}

/** The secrets inside an Authorization value: the whole value, its credential part, and for Basic the decoded password. */
export function secretsOfAuthorization(authorization: string | undefined): string[] {
  if (!authorization) {
    return [];
  }
  const [, credential = ""] = /^\s*\S+\s+(.*)$/.exec(authorization) ?? [];
  const secrets = [authorization, credential];
  if (/^\s*basic\s/i.test(authorization)) {
    const decoded = Buffer.from(credential, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    secrets.push(decoded, colon >= 0 ? decoded.slice(colon + 1) : "");
  }
  return secrets.filter((s) => s.length > 0);
}

/**
 * Scrubs an error (and its `cause` chain) in place: its message, and the
 * registry's own `errors[]` entries (message and `detail`), which callers may
 * log or serialise. Returns the same error.
 */
export function scrubError<T>(error: T, knownSecrets: readonly string[] = []): T {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    current.message = redactText(current.message, knownSecrets);
    if (current.stack) {
      current.stack = redactText(current.stack, knownSecrets);
    }
    const details = (current as { errors?: unknown }).errors;
    if (Array.isArray(details)) {
      for (const detail of details as { message?: unknown; detail?: unknown }[]) {
        if (detail && typeof detail === "object") {
          if (typeof detail.message === "string") {
            detail.message = redactText(detail.message, knownSecrets);
          }
          if (detail.detail !== undefined) {
            detail.detail = redactValue(detail.detail, knownSecrets);
          }
        }
      }
    }
    current = (current as { cause?: unknown }).cause;
  }
  return error;
}

function redactValue(value: unknown, knownSecrets: readonly string[]): unknown {
  try {
    const json = JSON.stringify(value);
    return json === undefined ? undefined : JSON.parse(redactText(json, knownSecrets));
  } catch {
    return REDACTED;
  }
}
