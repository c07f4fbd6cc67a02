// Removes secrets from URLs and headers before they reach an error message or
// a log line. Upload URLs carry `_state` (distribution's signed upload state),
// blob-storage redirects carry SAS signatures (`sig`, `se`, ...): only query
// keys known to be harmless keep their values.

const HARMLESS_QUERY_KEYS = new Set(["n", "last", "digest", "mount", "from", "api-version", "orderby", "artifactType", "service", "scope"]);

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
      pattern === SECRET_PATTERNS[2]
        ? `${prefix}${REDACTED}`
        : pattern === SECRET_PATTERNS[0]
          ? `${match.split(/\s+/)[0]} ${REDACTED}`
          : REDACTED,
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
 * Scrubs an error and everything reachable from it: its message and stack,
 * the registry's own `errors[]` entries (message and `detail`), and the whole
 * `cause` chain. A cause that carries objects (core-rest-pipeline's RestError
 * keeps the raw request, Authorization header included, in non-writable
 * properties) is replaced by a plain copy with only its name, code, message
 * and stack, scrubbed. Returns the error to throw: the same one when it holds
 * only plain values (the library's own errors), else such a copy.
 */
export function scrubError<T>(error: T, knownSecrets: readonly string[] = []): T {
  return scrubNode(error, knownSecrets, new Map()) as T;
}

/** Own properties an error may keep as they are, when they hold plain values. */
const ERROR_BOOKKEEPING = new Set(["message", "stack", "cause", "errors", "name"]);

function scrubNode(node: unknown, knownSecrets: readonly string[], seen: Map<unknown, unknown>): unknown {
  if (typeof node === "string") {
    return redactText(node, knownSecrets);
  }
  if (typeof node !== "object" || node === null) {
    return node;
  }
  if (seen.has(node)) {
    return seen.get(node);
  }
  if (!(node instanceof Error)) {
    // A non-error cause (a request, a response, a plain object): only its redacted JSON text survives.
    const text = redactValue(node, knownSecrets);
    seen.set(node, text);
    return text;
  }
  const target: Error = holdsOnlyPlainValues(node) ? node : plainCopy(node);
  seen.set(node, target);
  target.message = redactText(target.message, knownSecrets);
  if (target.stack) {
    target.stack = redactText(target.stack, knownSecrets);
  }
  for (const key of Object.getOwnPropertyNames(target)) {
    const value = (target as unknown as Record<string, unknown>)[key];
    if (!ERROR_BOOKKEEPING.has(key) && typeof value === "string") {
      (target as unknown as Record<string, unknown>)[key] = redactText(value, knownSecrets);
    }
  }
  const details = (target as { errors?: unknown }).errors;
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
  const cause = (node as { cause?: unknown }).cause;
  if (cause !== undefined) {
    Object.defineProperty(target, "cause", {
      value: scrubNode(cause, knownSecrets, seen),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  return target;
}

/** True when every own property (and any custom inspect hook) is a plain value that scrubbing can rewrite in place. */
function holdsOnlyPlainValues(error: Error): boolean {
  if (Object.getOwnPropertySymbols(error).length > 0) {
    return false;
  }
  for (const key of Object.getOwnPropertyNames(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key)!;
    if (key === "stack" || key === "message") {
      // Rewritten in place; newer V8 (Node 22+) makes `stack` an own accessor.
      continue;
    }
    if (key === "cause") {
      if (!descriptor.configurable) {
        return false;
      }
      continue;
    }
    if (key === "errors" || key === "deletedBeforeFailure") {
      // Registry details (scrubbed below) and validated digests and tags.
      continue;
    }
    const value = descriptor.value as unknown;
    const plain = value === null || ["string", "number", "boolean", "undefined"].includes(typeof value);
    if (!plain || (typeof value === "string" && !descriptor.writable) || descriptor.get !== undefined) {
      return false;
    }
  }
  return true;
}

/** A plain Error with the same name, message, stack and primitive `code`/`statusCode`, and nothing else. */
function plainCopy(error: Error): Error {
  const copy = new Error(error.message);
  Object.defineProperty(copy, "name", { value: error.name, writable: true, configurable: true, enumerable: false });
  copy.stack = error.stack;
  for (const key of ["code", "statusCode", "errno", "syscall"]) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value === "string" || typeof value === "number") {
      (copy as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return copy;
}

function redactValue(value: unknown, knownSecrets: readonly string[]): unknown {
  try {
    const json = JSON.stringify(value);
    return json === undefined ? undefined : JSON.parse(redactText(json, knownSecrets));
  } catch {
    return REDACTED;
  }
}
