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
//    (the bytes never leave the machine); a realm on this machine only when
//    the registry is on it too. This is the rule for every URL the registry
//    hands out (http/foreignOrigin.ts), applied here before a connection is made.
// 3. The token the realm returns is sent only to the registry's origin;
//    Authorization is stripped from every request to any other origin.
// README: "Credentials go only to the registry you connected to, and to the
// token service its own 401 challenge names, over https (plain http only on
// loopback); tokens go only to the registry; blob storage, paging Links and
// upload Locations on other hosts never receive Authorization."

import { RegistryAuthenticationError } from "../errors";
import { isLocalMachineHost, registryUrlProblem } from "../foreignOrigin";

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
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new RegistryAuthenticationError(
      `${new URL(registryOrigin).host} sent a token realm that is not https (${url.protocol}//${url.host}); refusing to use it`,
    );
  }
  // The rule every registry-supplied URL follows (foreignOrigin.ts).
  const problem = registryUrlProblem(url, registryOrigin);
  if (problem) {
    throw new RegistryAuthenticationError(
      url.protocol === "http:" && !isLocalMachineHost(url.hostname)
        ? `${new URL(registryOrigin).host} sent a token realm that is not https (${url.protocol}//${url.host}); refusing to use it`
        : `${new URL(registryOrigin).host} sent a token realm the client will not use: ${problem}; refusing to use it`,
    );
  }
  url.hash = "";
  return url;
}
