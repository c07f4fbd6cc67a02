// The rule for URLs on another origin than the registry's (a 307 to blob
// storage, an upload Location): followed only over https, or plain http on
// loopback. Otherwise an https registry could send private layer bytes, or
// have them sent, in the clear. Authorization never goes there either way
// (challengeAuthPolicy).

import { isLoopbackHost } from "../endpoint";

export function isSafeForeignUrl(url: URL, registryOrigin: string): boolean {
  return url.origin === registryOrigin || url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
}
