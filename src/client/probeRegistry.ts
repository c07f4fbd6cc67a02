// One unauthenticated look at a registry address before anyone is asked how
// to sign in: which origin answers (https, or plain http for a loopback
// address typed without a scheme, as Docker treats 127.0.0.0/8 as an
// insecure registry), and what the `/v2/` base endpoint's answer says about
// access (distribution spec "Determining support"; token spec "How to
// authenticate"): 200 is anonymous, a Basic challenge wants a username and
// password, a Bearer challenge names a token realm, which may hand out
// anonymous tokens (Docker Hub, GHCR for public images).

import { createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import type { AbortSignalLike } from "@azure/abort-controller";
import { parseChallenge } from "./auth/challenge";
import { parseEndpoint, isLoopbackHost } from "./endpoint";
import { ContainerRegistryClientError } from "./errors";
import { explainTlsError } from "./http/tlsErrors";
import { createHttpClient, createTokenPipeline, type TransportOptions } from "./pipeline";

export type RegistryAccess =
  /** `/v2/` answered 200 without credentials. */
  | { kind: "anonymous" }
  /** `WWW-Authenticate: Basic`: a username and password (or token) on every request. */
  | { kind: "basic"; realm?: string }
  /** `WWW-Authenticate: Bearer realm=…`; `anonymousTokens` when the realm gave a token without credentials. */
  | { kind: "token"; realm: string; service?: string; anonymousTokens: boolean };

export interface RegistryProbe {
  /** The origin that answered: `https://host[:port]`, or `http://` for loopback. */
  origin: string;
  loginServer: string;
  access: RegistryAccess;
  /** When https was tried first and failed (loopback without a scheme): why. */
  httpsFailure?: string;
}

/** The address could not be reached as a registry; `reason` says why in words (TLS, refused, not a registry). */
export class RegistryProbeError extends ContainerRegistryClientError {
  override name = "RegistryProbeError";
  constructor(
    readonly address: string,
    readonly reason: string,
    /** A TLS failure (an untrusted certificate, a wrong name): fixable with a CA file, not with credentials. */
    readonly tls: boolean,
  ) {
    super(`Cannot reach a registry at ${address}: ${reason}`);
  }
}

export interface ProbeOptions extends TransportOptions {
  abortSignal?: AbortSignalLike;
}

/** The origins to try for what was typed: a loopback host without a scheme gets https, then http. */
export function candidateOrigins(address: string): string[] {
  const typedScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(address.trim());
  const parsed = parseEndpoint(address, true);
  if (!typedScheme && isLoopbackHost(parsed.hostname)) {
    return [parsed.origin, parsed.origin.replace(/^https:/, "http:")];
  }
  return [parsed.origin];
}

export async function probeRegistry(address: string, options: ProbeOptions = {}): Promise<RegistryProbe> {
  const transport: TransportOptions = { ...options, retry: { maxRetries: 0 } };
  const pipeline = createTokenPipeline(transport);
  const httpClient = createHttpClient(transport);
  const send = (url: string): Promise<PipelineResponse> =>
    pipeline.sendRequest(
      httpClient,
      createPipelineRequest({ url, method: "GET", abortSignal: options.abortSignal, allowInsecureConnection: url.startsWith("http:") }),
    );
  const origins = candidateOrigins(address);
  let httpsFailure: RegistryProbeError | undefined;
  for (const origin of origins) {
    let response: PipelineResponse;
    try {
      response = await send(`${origin}/v2/`);
    } catch (error) {
      if ((error as Error).name === "AbortError") {
        throw error;
      }
      const failure = describeFailure(origin, error);
      if (origin.startsWith("https:") && origins.length > 1) {
        httpsFailure = failure;
        continue;
      }
      // Both failed: the https reason is the one worth reading (plain http was the fallback).
      throw httpsFailure && !failure.tls
        ? new RegistryProbeError(address, `${httpsFailure.reason}; over plain http: ${failure.reason}`, httpsFailure.tls)
        : failure;
    }
    const loginServer = new URL(origin).host;
    const result = (access: RegistryAccess): RegistryProbe => ({ origin, loginServer, access, httpsFailure: httpsFailure?.reason });
    if (response.status === 200) {
      return result({ kind: "anonymous" });
    }
    const challenge = response.status === 401 ? parseChallenge(response.headers.get("www-authenticate")) : undefined;
    if (challenge?.scheme === "basic") {
      return result({ kind: "basic", realm: challenge.realm });
    }
    if (challenge?.scheme === "bearer" && challenge.realm) {
      return result({
        kind: "token",
        realm: challenge.realm,
        service: challenge.service,
        anonymousTokens: await anonymousTokenGranted(send, challenge.realm, challenge.service),
      });
    }
    throw new RegistryProbeError(
      address,
      `${origin}/v2/ answered ${response.status}, not as an OCI distribution registry does (200, or 401 with a challenge)`,
      false,
    );
  }
  throw httpsFailure ?? new RegistryProbeError(address, "no address to try", false);
}

/** Whether the realm hands out a token without credentials (a registry with public content). */
async function anonymousTokenGranted(
  send: (url: string) => Promise<PipelineResponse>,
  realm: string,
  service: string | undefined,
): Promise<boolean> {
  try {
    const url = new URL(realm);
    if (service) {
      url.searchParams.set("service", service);
    }
    return (await send(url.href)).status === 200;
  } catch {
    return false;
  }
}

function describeFailure(origin: string, error: unknown): RegistryProbeError {
  const code = (error as { code?: string }).code;
  const tls = explainTlsError(code);
  if (tls) {
    return new RegistryProbeError(origin, tls, !code?.startsWith("EPROTO") && code !== "ERR_SSL_WRONG_VERSION_NUMBER");
  }
  if (code === "ECONNREFUSED") {
    return new RegistryProbeError(origin, "nothing is listening there (connection refused)", false);
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new RegistryProbeError(origin, "the host name is not known (DNS)", false);
  }
  return new RegistryProbeError(origin, (error as Error).message || String(error), false);
}
