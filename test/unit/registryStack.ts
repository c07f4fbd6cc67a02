// The library's request stack exactly as ContainerRegistryClient assembles it
// (RegistryHttp over the registry pipeline, a real RegistryAuthenticator with
// its token endpoint client), with the FakeHttpClient as the transport. Only
// the network is replaced.

import { RegistryAuthenticator } from "../../src/client/auth/registryAuthenticator";
import type { RegistryCredential } from "../../src/client/auth/credentials";
import { TokenEndpointClient } from "../../src/client/auth/tokenEndpoint";
import { createRegistryPipeline, createTokenPipeline, type TransportOptions } from "../../src/client/pipeline";
import { RegistryHttp } from "../../src/client/http/registryHttp";
import { type FakeHandler, FakeHttpClient } from "./fakeHttpClient";

export const REGISTRY_ORIGIN = "https://registry.example";
export const REGISTRY = "registry.example";

export interface Stack {
  http: RegistryHttp;
  client: FakeHttpClient;
}

/** Retries wait a millisecond by default here, so tests of retries stay fast. */
export function registryStack(handler: FakeHandler, credential?: RegistryCredential, options: TransportOptions = {}): Stack {
  const client = new FakeHttpClient(handler);
  const transport: TransportOptions = { ...options, retry: { initialDelayMs: 1, ...options.retry }, httpClient: client };
  const tokens = new TokenEndpointClient(createTokenPipeline(transport), client, REGISTRY);
  const authenticator = new RegistryAuthenticator(credential, REGISTRY_ORIGIN, tokens);
  const http = new RegistryHttp(REGISTRY_ORIGIN, REGISTRY, createRegistryPipeline(REGISTRY_ORIGIN, authenticator, transport), client);
  return { http, client };
}
