// Assembles the core-rest-pipeline stacks the client sends through, one
// concern per policy (outermost first):
//   retry -> redirect -> challenge auth -> request log -> idle timeout -> socket read release -> HTTP client
// Redirects are followed across origins (ACR answers blob GETs with a 307 to
// storage on another host); core's redirect policy drops Authorization on
// every hop, and the challenge policy only signs the registry's own origin.

import {
  createDefaultHttpClient,
  createEmptyPipeline,
  type HttpClient,
  type Pipeline,
  redirectPolicy,
  tlsPolicy,
  userAgentPolicy,
} from "@azure/core-rest-pipeline";
import type { RegistryAuthenticator } from "./auth/registryAuthenticator";
import { challengeAuthPolicy } from "./auth/challengeAuthPolicy";
import { idleTimeoutPolicy } from "./http/idleTimeoutPolicy";
import { releaseSocketReads } from "./http/bufferRelease";
import { requestContext } from "./http/requestContext";
import { type RequestLogger, requestLogPolicy } from "./http/requestLogPolicy";
import { type RetryOptions, retryPolicy } from "./http/retryPolicy";

export interface TransportOptions {
  retry?: RetryOptions;
  /** Receives one line per HTTP request (no headers, no secrets). */
  logRequest?: RequestLogger;
  /** Extra trusted CA certificates (PEM), e.g. for a registry with a private CA. */
  caCertificates?: string;
  /** Replaces the HTTP client (tests, custom agents). */
  httpClient?: HttpClient;
  userAgentPrefix?: string;
  /**
   * Milliseconds a request may go without a byte either way (no response
   * headers, no body bytes, no upload progress) before it fails with
   * RegistryTimeoutError and is retried (noticed within 1 to 1.5 times this);
   * 0 turns it off. The default value is 60000.
   */
  timeoutMs?: number;
}

const USER_AGENT = "container-registry-explorer/0.1";

/** The User-Agent value the pipeline's userAgentPolicy sends (core adds its own part after ours). */
export function userAgentOf(options: TransportOptions): string {
  return [options.userAgentPrefix, USER_AGENT].filter(Boolean).join(" ");
}

function basePipeline(options: TransportOptions, crossOriginRedirects: boolean): Pipeline {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(userAgentPolicy({ userAgentPrefix: userAgentOf(options) }));
  if (options.caCertificates) {
    pipeline.addPolicy(tlsPolicy({ ca: options.caCertificates }));
  }
  pipeline.addPolicy(retryPolicy(options.retry));
  pipeline.addPolicy(redirectPolicy({ maxRetries: 5, allowCrossOriginRedirects: crossOriginRedirects }));
  return pipeline;
}

export function createRegistryPipeline(registryOrigin: string, authenticator: RegistryAuthenticator, options: TransportOptions): Pipeline {
  const pipeline = basePipeline(options, true);
  pipeline.addPolicy(challengeAuthPolicy(registryOrigin, authenticator));
  if (options.logRequest) {
    pipeline.addPolicy(requestLogPolicy(options.logRequest));
  }
  pipeline.addPolicy(idleTimeoutPolicy(options.timeoutMs));
  // Closest to the transport: sees node:http's own response, with its socket.
  pipeline.addPolicy({
    name: "registryReleaseSocketReads",
    async sendRequest(request, next) {
      const response = await next(request);
      if (requestContext(request).releaseSocketReads && response.readableStreamBody) {
        releaseSocketReads(response.readableStreamBody);
      }
      return response;
    },
  });
  return pipeline;
}

/** For token endpoints: no challenge handling, redirects only within one origin. */
export function createTokenPipeline(options: TransportOptions): Pipeline {
  const pipeline = basePipeline(options, false);
  if (options.logRequest) {
    pipeline.addPolicy(requestLogPolicy(options.logRequest));
  }
  pipeline.addPolicy(idleTimeoutPolicy(options.timeoutMs));
  return pipeline;
}

export function createHttpClient(options: TransportOptions): HttpClient {
  return options.httpClient ?? createDefaultHttpClient();
}
