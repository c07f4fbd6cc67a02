// Checks a token realm before anything is sent to it. A challenge is written by
// the registry, so a hostile one could point anywhere: only http(s) URLs are
// followed, and plain http only on loopback or on the registry's own origin.

import { RegistryAuthenticationError } from "../errors";
import { isLoopbackHost } from "../endpoint";

export function validateRealm(realm: string | undefined, registryOrigin: string): URL {
  if (!realm) {
    throw new RegistryAuthenticationError(`${new URL(registryOrigin).host} sent a Bearer challenge without a realm`);
  }
  let url: URL;
  try {
    url = new URL(realm, registryOrigin);
  } catch {
    throw new RegistryAuthenticationError(`${new URL(registryOrigin).host} sent an invalid token realm`);
  }
  const plainHttpAllowed = url.origin === registryOrigin || isLoopbackHost(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && plainHttpAllowed)) {
    throw new RegistryAuthenticationError(
      `${new URL(registryOrigin).host} sent a token realm that is not https (${url.protocol}//${url.host}); refusing to use it`,
    );
  }
  url.hash = "";
  return url;
}
