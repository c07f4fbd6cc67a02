// The credentials a client accepts: none (anonymous), a TokenCredential from
// @azure/core-auth (any @azure/identity credential; used with ACR's token
// exchange), or a username and password (ACR admin user or repository-scoped
// token, and any registry: Basic auth or the distribution token service).

import type { TokenCredential } from "@azure/core-auth";
import type { UsernamePasswordCredential } from "../models";

export type RegistryCredential = TokenCredential | UsernamePasswordCredential;

export function isTokenCredential(credential: unknown): credential is TokenCredential {
  return typeof (credential as TokenCredential | undefined)?.getToken === "function";
}

export function isUsernamePassword(credential: unknown): credential is UsernamePasswordCredential {
  const candidate = credential as UsernamePasswordCredential | undefined;
  return typeof candidate?.username === "string" && typeof candidate?.password === "string";
}

export function basicAuthorization(credential: UsernamePasswordCredential): string {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`, "utf8").toString("base64")}`;
}
