// Checks a token realm before anything is sent to it. A challenge is written by
// the registry, so a hostile one could point anywhere.
//
// The rule (distribution token spec "How to authenticate"; oras-go and
// go-containerregistry drop Authorization the same way):
// 1. Only a challenge from the registry's own origin is answered. A 401 from
//    any other host (blob storage after a 307, a Link or Location target) is
//    returned as it is: challengeAuthPolicy never handles it, so no realm it
//    names is ever asked and no credential goes there.
// 2. The realm that challenge names may be on another host (Docker Hub's is
//    auth.docker.io): it gets the username and password (Basic) because the
//    registry the user chose sent us there, but only over https; plain http
//    only when the realm is the registry's own origin, or both are loopback
//    (the bytes never leave the machine). Anything else (http to a remote
//    host, other schemes) is refused here, before a connection is made.
// 3. The token the realm returns is sent only to the registry's origin;
//    Authorization is stripped from every request to any other origin.
// README: "Credentials go only to the registry you connected to, and to the
// token service its own 401 challenge names, over https (plain http only on
// loopback); tokens go only to the registry; blob storage, paging Links and
// upload Locations on other hosts never receive Authorization."

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
