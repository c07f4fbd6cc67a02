// Normalises the registry endpoint the user gave and enforces the plain-HTTP
// rule: http:// only for loopback hosts, or when the caller opted in.

import { InvalidInputError } from "./errors";

export interface RegistryEndpoint {
  /** Scheme, host and port, no trailing slash: `https://myregistry.azurecr.io`. */
  origin: string;
  /** Host and port as used in references: `myregistry.azurecr.io`, `127.0.0.1:5000`. */
  loginServer: string;
  hostname: string;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The endpoint without anything that could be userinfo (`user:password@`):
 * everything between the scheme and the last `@` goes, so no later message or
 * error value can repeat a password, whatever else is wrong with the input (a
 * password may itself hold `/`, `:` or `@`).
 */
function withoutUserinfo(endpoint: string): { text: string; hadUserinfo: boolean } {
  const at = endpoint.lastIndexOf("@");
  if (at < 0) {
    return { text: endpoint, hadUserinfo: false };
  }
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(endpoint)?.[0] ?? "";
  return { text: `${scheme}${endpoint.slice(at + 1)}`, hadUserinfo: true };
}

export function parseEndpoint(rawEndpoint: string, allowInsecureHttp = false): RegistryEndpoint {
  const { text: endpoint, hadUserinfo } = withoutUserinfo(typeof rawEndpoint === "string" ? rawEndpoint : String(rawEndpoint ?? ""));
  if (hadUserinfo) {
    // Checked before anything else, so the error shows only the host part.
    throw new InvalidInputError("registry endpoint", endpoint, "put credentials in the credential argument, not in the URL");
  }
  const trimmed = endpoint.trim().replace(/\/+$/, "");
  if (trimmed.length === 0) {
    throw new InvalidInputError("registry endpoint", endpoint, "it is empty");
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidInputError("registry endpoint", endpoint, "it is not a valid host or URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new InvalidInputError(
      "registry endpoint",
      endpoint,
      `the scheme must be https:// (or http:// for loopback), not ${url.protocol}//`,
    );
  }
  if (url.username || url.password) {
    throw new InvalidInputError("registry endpoint", url.host, "put credentials in the credential argument, not in the URL");
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
    throw new InvalidInputError("registry endpoint", endpoint, "give only the registry host (and port), without a path or query");
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname) && !allowInsecureHttp) {
    throw new InvalidInputError(
      "registry endpoint",
      endpoint,
      "plain http:// is only used for loopback hosts; use https://, or allow insecure HTTP for this registry explicitly",
    );
  }
  return { origin: url.origin, loginServer: url.host, hostname: url.hostname };
}
