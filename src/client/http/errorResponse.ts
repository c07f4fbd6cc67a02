// Turns a registry's error response into a typed RegistryError. The body is
// the OCI distribution spec's `{"errors":[{"code","message","detail"}]}`
// ("Error Codes"); only a prefix of it is read.

import {
  RegistryAuthenticationError,
  RegistryDeleteDisabledError,
  RegistryError,
  type RegistryErrorDetail,
  type RegistryErrorInit,
  RegistryLockedError,
  RegistryNotFoundError,
  RegistryPermissionError,
} from "../errors";
import { redactUrl } from "../redact";
import { readBodyPrefix } from "./readBody";
import { capitalize } from "../messageText";

const MAX_ERROR_BODY_BYTES = 64 * 1024;

export interface ErrorResponseInfo {
  status: number;
  method: string;
  url: string;
  operation: string;
  registry: string;
  body?: NodeJS.ReadableStream;
}

export async function registryErrorFromResponse(info: ErrorResponseInfo): Promise<RegistryError> {
  let errors: RegistryErrorDetail[] = [];
  try {
    const text = (await readBodyPrefix(info.body, MAX_ERROR_BODY_BYTES)).toString("utf8");
    errors = parseErrorBody(text);
  } catch {
    // An unreadable error body still leaves the status to report.
  }
  return createRegistryError(info, errors);
}

/** Caps on what the registry wrote, as kept in `errors[]` and quoted in `error.message`. */
const MAX_ERROR_MESSAGE_CHARS = 500;
const MAX_ERROR_CODE_CHARS = 64;
const MAX_ERROR_DETAIL_CHARS = 4096;
const MAX_ERROR_ENTRIES = 20;

// Terminal escape sequences (ECMA-48: CSI `ESC [ … final`, OSC `ESC ] … BEL|ST`,
// the C1 forms of both, and two-character `ESC x`), then any other C0/C1
// control and the Unicode bidi overrides (CVE-2021-42574, "Trojan Source").
/* eslint-disable no-control-regex */
const ESCAPE_SEQUENCES =
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[@-_]?/g;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;
/* eslint-enable no-control-regex */

/**
 * Registry-written text made safe to put in a message or a log line: escape
 * sequences and control characters removed (CR/LF become a space, so a
 * registry cannot forge log lines or prompts), and at most `maxChars` long.
 */
export function sanitizeRegistryText(text: string, maxChars: number = MAX_ERROR_MESSAGE_CHARS): string {
  const clean = text.replace(ESCAPE_SEQUENCES, "").replace(CONTROL_CHARACTERS, " ").replace(/ {2,}/g, " ").trim();
  return clean.length > maxChars ? `${clean.slice(0, maxChars)}…` : clean;
}

/** The same for every string inside `detail` (any JSON), which is kept only up to a size. */
function sanitizeDetail(detail: unknown): unknown {
  let json: string | undefined;
  try {
    json = JSON.stringify(detail, (_key, value: unknown) =>
      typeof value === "string" ? sanitizeRegistryText(value, MAX_ERROR_DETAIL_CHARS) : value,
    );
  } catch {
    return undefined;
  }
  if (json === undefined) {
    return undefined;
  }
  return json.length > MAX_ERROR_DETAIL_CHARS ? `${json.slice(0, MAX_ERROR_DETAIL_CHARS)}…` : (JSON.parse(json) as unknown);
}

export function parseErrorBody(text: string): RegistryErrorDetail[] {
  try {
    const parsed = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(parsed.errors)) {
      return parsed.errors
        .filter((e): e is Record<string, unknown> => typeof e === "object" && e !== null)
        .slice(0, MAX_ERROR_ENTRIES)
        .map((e) => ({
          code: typeof e.code === "string" ? sanitizeRegistryText(e.code, MAX_ERROR_CODE_CHARS) || "UNKNOWN" : "UNKNOWN",
          message: typeof e.message === "string" ? sanitizeRegistryText(e.message) : undefined,
          detail: e.detail === undefined ? undefined : sanitizeDetail(e.detail),
        }));
    }
  } catch {
    // Not JSON: some proxies answer with HTML.
  }
  return [];
}

export function createRegistryError(info: ErrorResponseInfo, errors: RegistryErrorDetail[]): RegistryError {
  const first = errors[0];
  const said = first ? `${first.code}${first.message ? `: ${first.message}` : ""}` : statusText(info.status);
  const message = `${capitalize(info.operation)} failed on ${info.registry}: ${info.status} ${said} (${info.method} ${redactUrl(info.url)})`;
  const init: RegistryErrorInit = {
    statusCode: info.status,
    method: info.method,
    url: info.url,
    operation: info.operation,
    errors,
  };
  const codes = new Set(errors.map((e) => e.code));
  if (info.status === 401) {
    return new RegistryAuthenticationError(message, init);
  }
  // ACR refuses to delete or change a locked item (writeEnabled or deleteEnabled off)
  // with 405 REGISTRY_DISALLOWED_OPERATION: a lock on the item, not a registry setting.
  if (codes.has("REGISTRY_DISALLOWED_OPERATION")) {
    return new RegistryLockedError(message, init);
  }
  // Distribution with `storage.delete.enabled: false` answers 405 UNSUPPORTED.
  if (info.method === "DELETE" && (codes.has("UNSUPPORTED") || (info.status === 405 && !codes.has("DENIED")))) {
    return new RegistryDeleteDisabledError(message, init);
  }
  if (info.status === 403 || codes.has("DENIED") || info.status === 405) {
    return new RegistryPermissionError(message, init);
  }
  if (info.status === 404) {
    return new RegistryNotFoundError(message, init);
  }
  return new RegistryError(message, init);
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    416: "Range Not Satisfiable",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
  };
  return texts[status] ?? "Error";
}
