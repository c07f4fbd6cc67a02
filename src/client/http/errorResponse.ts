// Turns a registry's error response into a typed RegistryError. The body is
// the OCI distribution spec's `{"errors":[{"code","message","detail"}]}`
// ("Error Codes"); only a prefix of it is read.

import {
  RegistryAuthenticationError,
  RegistryDeleteDisabledError,
  RegistryError,
  RegistryErrorDetail,
  RegistryErrorInit,
  RegistryLockedError,
  RegistryNotFoundError,
  RegistryPermissionError,
} from "../errors";
import { redactUrl } from "../redact";
import { readBodyPrefix } from "./readBody";
import { capitalize } from "./requestShape";

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

export function parseErrorBody(text: string): RegistryErrorDetail[] {
  try {
    const parsed = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(parsed.errors)) {
      return parsed.errors
        .filter((e): e is Record<string, unknown> => typeof e === "object" && e !== null)
        .map((e) => ({
          code: typeof e.code === "string" ? e.code : "UNKNOWN",
          message: typeof e.message === "string" ? e.message.slice(0, 1000) : undefined,
          detail: e.detail,
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

