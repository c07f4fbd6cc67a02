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
