// Answers an auth challenge with an Authorization header value. Three flows:
// - Basic challenge: the username and password as Basic (htpasswd registries).
// - Bearer challenge with a TokenCredential: ACR's exchange (docs/protocols.md#acr-token-exchange
//   "ACR authentication"): Entra token -> /oauth2/exchange -> refresh token
//   (cached per registry) -> /oauth2/token -> access token (cached per scope).
// - Bearer challenge otherwise: the distribution token spec, GET <realm> with
//   Basic credentials or anonymously; ACR's anonymous pull uses the
//   grant_type=password form with no credentials.

import type { AbortSignalLike } from "@azure/abort-controller";
import type { TokenCredential } from "@azure/core-auth";
import { RegistryAuthenticationError } from "../errors";
import type { UsernamePasswordCredential } from "../models";
import type { AuthChallenge } from "./challenge";
import { basicAuthorization, isTokenCredential, isUsernamePassword, type RegistryCredential } from "./credentials";
import { TokenCache, tokenExpiryMs } from "./tokenCache";
import type { TokenEndpointClient } from "./tokenEndpoint";
import { validateRealm } from "./realm";
import { raceAbort } from "../abort";
import { isLoopbackHost } from "../endpoint";

/** ACR's data-plane API version for the token endpoints. */
const ACR_API_VERSION = "2021-07-01";
export const DEFAULT_ACR_AUDIENCE = "https://containerregistry.azure.net";

export class RegistryAuthenticator {
  private readonly accessTokens = new TokenCache();
  private readonly refreshTokens = new TokenCache();
  /** Token requests in flight, so concurrent requests for one scope share one token call. */
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly credential: RegistryCredential | undefined,
    private readonly registryOrigin: string,
    private readonly tokenEndpoint: TokenEndpointClient,
    private readonly audience: string = DEFAULT_ACR_AUDIENCE,
  ) {}

  /** The Authorization header value that answers this challenge. */
  async authorize(challenge: AuthChallenge, abortSignal?: AbortSignalLike): Promise<string> {
    if (challenge.scheme === "basic") {
      if (!isUsernamePassword(this.credential)) {
        throw new RegistryAuthenticationError(
          `${new URL(this.registryOrigin).host} asks for a username and password (Basic auth), and none were given`,
          { statusCode: 401 },
        );
      }
      return basicAuthorization(this.credential);
    }
    const key = cacheKey(challenge);
    const cached = this.accessTokens.get(key);
    if (cached) {
      return `Bearer ${cached}`;
    }
    let inFlight = this.pending.get(key);
    if (!inFlight) {
      // Shared by every caller that needs this scope now, so no caller's cancellation may end it.
      inFlight = this.fetchAccessToken(challenge, key).finally(() => this.pending.delete(key));
      this.pending.set(key, inFlight);
    }
    return `Bearer ${await raceAbort(inFlight, abortSignal)}`;
  }

  /** Forgets the token for this challenge (the registry rejected it). */
  invalidate(challenge: AuthChallenge): void {
    this.accessTokens.delete(cacheKey(challenge));
    if (challenge.service) {
      this.refreshTokens.delete(challenge.service);
    }
  }

  private async fetchAccessToken(challenge: AuthChallenge, key: string, abortSignal?: AbortSignalLike): Promise<string> {
    const realm = validateRealm(challenge.realm, this.registryOrigin);
    let token: string;
    let expiresIn: number | undefined;
    if (isTokenCredential(this.credential)) {
      token = await this.acrAccessToken(realm, challenge, this.credential, abortSignal);
    } else {
      ({ token, expiresIn } = await this.distributionToken(realm, challenge, abortSignal));
    }
    this.accessTokens.set(key, token, tokenExpiryMs(token, expiresIn));
    return token;
  }

  private async acrAccessToken(
    realm: URL,
    challenge: AuthChallenge,
    credential: TokenCredential,
    abortSignal?: AbortSignalLike,
  ): Promise<string> {
    // ACR's realm is always its own /oauth2/token. An Entra token is good for
    // every registry the user can reach, so it goes nowhere else, whatever a
    // challenge names (a hostile registry could name any https realm).
    if (realm.origin !== this.registryOrigin) {
      throw new RegistryAuthenticationError(
        `${new URL(this.registryOrigin).host} asks for tokens from ${realm.origin}; a Microsoft Entra token is only exchanged with the registry itself (Azure Container Registry). Sign in to this registry with a username and password instead.`,
        { statusCode: 401 },
      );
    }
    const service = challenge.service ?? realm.host;
    const refreshToken = await this.acrRefreshToken(realm, service, credential, abortSignal);
    const form: Record<string, string> = { grant_type: "refresh_token", service, refresh_token: refreshToken };
    if (challenge.scope) {
      form.scope = challenge.scope;
    }
    const { json } = await this.tokenEndpoint.send({
      method: "POST",
      url: withApiVersion(realm),
      form,
      abortSignal,
      operation: "get an ACR access token",
    });
    return requireToken(json.access_token, "access_token", realm);
  }

  private async acrRefreshToken(realm: URL, service: string, credential: TokenCredential, abortSignal?: AbortSignalLike): Promise<string> {
    const cached = this.refreshTokens.get(service);
    if (cached) {
      return cached;
    }
    const entra = await credential.getToken(`${this.audience}/.default`, { abortSignal });
    if (!entra) {
      throw new RegistryAuthenticationError(`The Microsoft Entra credential returned no token for ${this.audience}`);
    }
    const exchangeUrl = new URL("/oauth2/exchange", realm);
    const { json } = await this.tokenEndpoint.send({
      method: "POST",
      url: withApiVersion(exchangeUrl),
      form: { grant_type: "access_token", service, access_token: entra.token },
      abortSignal,
      operation: "exchange the Microsoft Entra token for an ACR refresh token",
    });
    const refreshToken = requireToken(json.refresh_token, "refresh_token", exchangeUrl);
    this.refreshTokens.set(service, refreshToken, tokenExpiryMs(refreshToken, undefined));
    return refreshToken;
  }

  private async distributionToken(
    realm: URL,
    challenge: AuthChallenge,
    abortSignal?: AbortSignalLike,
  ): Promise<{ token: string; expiresIn?: number }> {
    const credential = isUsernamePassword(this.credential) ? this.credential : undefined;
    if (!credential && isAcrStyleRealm(realm, this.registryOrigin)) {
      const anonymous = await this.acrAnonymousToken(realm, challenge, abortSignal);
      if (anonymous) {
        return anonymous;
      }
    }
    const url = new URL(realm);
    if (challenge.service) {
      url.searchParams.set("service", challenge.service);
    }
    // Several scopes are separate `scope` parameters (token spec "Requesting a Token").
    for (const scope of (challenge.scope ?? "").split(" ").filter(Boolean)) {
      url.searchParams.append("scope", scope);
    }
    const { json } = await this.tokenEndpoint.send({
      method: "GET",
      url: url.toString(),
      authorization: credential ? credentialsForRealm(credential, realm, this.registryOrigin) : undefined,
      abortSignal,
      operation: "get a registry token",
    });
    const token = requireToken(json.token ?? json.access_token, "token", realm);
    return { token, expiresIn: typeof json.expires_in === "number" ? json.expires_in : undefined };
  }

  /** ACR anonymous pull: POST grant_type=password without credentials. Undefined when refused. */
  private async acrAnonymousToken(
    realm: URL,
    challenge: AuthChallenge,
    abortSignal?: AbortSignalLike,
  ): Promise<{ token: string } | undefined> {
    const form: Record<string, string> = { grant_type: "password", service: challenge.service ?? realm.host };
    if (challenge.scope) {
      form.scope = challenge.scope;
    }
    try {
      const { json } = await this.tokenEndpoint.send({
        method: "POST",
        url: withApiVersion(realm),
        form,
        abortSignal,
        operation: "get an anonymous ACR token",
      });
      return { token: requireToken(json.access_token ?? json.token, "access_token", realm) };
    } catch (error) {
      if (error instanceof RegistryAuthenticationError && error.statusCode !== undefined && error.statusCode < 500) {
        return undefined;
      }
      throw error;
    }
  }
}

function cacheKey(challenge: AuthChallenge): string {
  return `${challenge.realm ?? ""}\n${challenge.service ?? ""}\n${challenge.scope ?? ""}`;
}

function withApiVersion(url: URL): string {
  const copy = new URL(url);
  copy.searchParams.set("api-version", ACR_API_VERSION);
  return copy.toString();
}

/** ACR's realm is `https://<registry>/oauth2/token` on the registry's own host. */
function isAcrStyleRealm(realm: URL, registryOrigin: string): boolean {
  return realm.origin === registryOrigin && realm.pathname === "/oauth2/token";
}

/**
 * Basic credentials go to the realm only over https, to the registry's own
 * origin, or from a loopback registry to a loopback realm (the bytes never
 * leave the machine): a challenge may name any realm, and sending a password
 * in clear over a network to a host the user never named is how credentials leak.
 */
function credentialsForRealm(credential: UsernamePasswordCredential, realm: URL, registryOrigin: string): string {
  const bothLoopback = isLoopbackHost(realm.hostname) && isLoopbackHost(new URL(registryOrigin).hostname);
  if (realm.protocol !== "https:" && realm.origin !== registryOrigin && !bothLoopback) {
    throw new RegistryAuthenticationError(
      `Refusing to send credentials for ${new URL(registryOrigin).host} to ${realm.origin} over plain http`,
    );
  }
  return basicAuthorization(credential);
}

function requireToken(value: unknown, field: string, endpoint: URL): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new RegistryAuthenticationError(`The token endpoint ${endpoint.origin}${endpoint.pathname} answered without a ${field}`);
  }
  return value;
}
