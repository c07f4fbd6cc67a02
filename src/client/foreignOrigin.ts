// The one rule for every URL the registry hands out (a paging `Link`, an
// upload `Location`, a redirect, a token realm), checked before anything is
// sent there:
// - only http(s);
// - the registry's own origin is always fine (its scheme was accepted when
//   the client was made, including plain http where the user allowed it);
// - a target on this machine (loopback, 0.0.0.0, `*.localhost`) only when the
//   registry is on this machine too: otherwise a remote registry could aim
//   the client, with the user's bytes, DELETEs or password, at a local service;
// - plain http to another origin only between two loopback hosts (the bytes
//   never leave the machine); anywhere else, https.
// Authorization never goes to another origin either way (challengeAuthPolicy).

import { isLoopbackHost } from "./endpoint";

export type RegistryUrlUse = "paging Link" | "upload Location" | "redirect" | "token realm";

/** Hosts that reach this machine: loopback, the unspecified address, IPv4-mapped loopback, `*.localhost` (RFC 6761). */
export function isLocalMachineHost(hostname: string): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, "")
    .toLowerCase()
    .replace(/\.$/, "");
  return (
    isLoopbackHost(host) ||
    host === "0.0.0.0" ||
    host === "::" ||
    host.endsWith(".localhost") ||
    /^::ffff:(7f[0-9a-f]{2}:[0-9a-f]{1,4}|127(\.\d{1,3}){3}|0:0|0\.0\.0\.0)$/.test(host)
  );
}

/** Why the client will not use `url`, or undefined when the rule allows it. */
export function registryUrlProblem(url: URL, registryOrigin: string): string | undefined {
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `${url.protocol}// is not http(s)`;
  }
  if (url.origin === registryOrigin) {
    return undefined;
  }
  const registryIsLocal = isLocalMachineHost(new URL(registryOrigin).hostname);
  const targetIsLocal = isLocalMachineHost(url.hostname);
  if (targetIsLocal && !registryIsLocal) {
    return `${url.protocol}//${url.host} is on this machine and the registry is not`;
  }
  if (url.protocol === "http:" && !(targetIsLocal && registryIsLocal)) {
    return `${url.protocol}//${url.host} is another host over plain http`;
  }
  return undefined;
}

export function isSafeForeignUrl(url: URL, registryOrigin: string): boolean {
  return registryUrlProblem(url, registryOrigin) === undefined;
}
