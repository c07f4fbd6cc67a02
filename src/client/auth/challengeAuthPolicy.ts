// Pipeline policy: answers 401 challenges and signs requests to the registry.
// - Requests to any origin but the registry's never carry Authorization (a 307
//   to blob storage, a Link or Location on another host).
// - The challenge seen for a kind of request (API, repository, read/write/
//   delete) is remembered, so later requests of that kind are signed up front:
//   no 401 round trip per call, and streamed upload bodies (which cannot be
//   replayed) are sent already signed.
// - A 401 with `error="insufficient_scope"` simply names a new scope: it is
//   answered like any other challenge.

import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from "@azure/core-rest-pipeline";
import { type AuthChallenge, parseChallenge } from "./challenge";
import type { RegistryAuthenticator } from "./registryAuthenticator";
import { destroyBody } from "../http/readBody";
import { registryUrlProblem } from "../foreignOrigin";
import { RegistryError } from "../errors";
import { isReplayable } from "../http/replayableRequest";
import { requestContext } from "../http/requestContext";

export const challengeAuthPolicyName = "registryChallengeAuth";

export function challengeAuthPolicy(registryOrigin: string, authenticator: RegistryAuthenticator): PipelinePolicy {
  const challengesByKind = new Map<string, AuthChallenge>();
  return {
    name: challengeAuthPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      const url = new URL(request.url);
      if (url.origin !== registryOrigin) {
        // Every hop of a redirect, and every Link or Location target, passes here before it is sent.
        const problem = registryUrlProblem(url, registryOrigin);
        if (problem) {
          throw new RegistryError(
            `${new URL(registryOrigin).host} sent the client to a URL it will not use: ${problem}; not followed, so nothing was sent there`,
            {
              method: request.method,
              url: request.url,
            },
          );
        }
        request.headers.delete("Authorization");
        return next(request);
      }
      const kind = requestKind(request);
      const known = challengesByKind.get(kind);
      let sentAuthorization: string | undefined;
      if (known) {
        sentAuthorization = await authenticator.authorize(known, request.abortSignal);
        request.headers.set("Authorization", sentAuthorization);
        capture(request, sentAuthorization);
      }
      const response = await next(request);
      if (response.status !== 401 || !isReplayable(request)) {
        return response;
      }
      const challenge = parseChallenge(response.headers.get("www-authenticate"));
      if (!challenge) {
        return response;
      }
      // The 401's body is not needed, whatever happens next (a failed sign-in must not hold the socket).
      destroyBody(response.readableStreamBody);
      let authorization = await authenticator.authorize(challenge, request.abortSignal);
      if (authorization === sentAuthorization) {
        // The same token was just refused (revoked, or expired early): get a fresh one, once.
        authenticator.invalidate(challenge);
        authorization = await authenticator.authorize(challenge, request.abortSignal);
      }
      challengesByKind.set(kind, challenge);
      request.headers.set("Authorization", authorization);
      capture(request, authorization);
      return next(request);
    },
  };
}

/** Remembers the header for a caller that hands the request on to a receiving thread (requestContext.ts). */
function capture(request: PipelineRequest, authorization: string): void {
  const context = requestContext(request);
  if (context.captureAuthorization) {
    context.registryAuthorization = authorization;
    // userAgentPolicy ran before this one: the thread sends the same value.
    context.userAgent = request.headers.get("user-agent");
  }
}

/**
 * Groups requests that need the same token: the API (`/v2` or `/acr/v1`), the
 * repository, and whether the method reads, writes or deletes.
 */
export function requestKind(request: PipelineRequest): string {
  const path = new URL(request.url).pathname;
  const access = request.method === "GET" || request.method === "HEAD" ? "read" : request.method === "DELETE" ? "delete" : "write";
  const acr = /^\/acr\/v1\/(.*?)(?:\/_tags|\/_manifests|$)/.exec(path);
  if (acr) {
    return `acr ${acr[1] || "_catalog"} ${access}`;
  }
  if (path === "/v2/_catalog") {
    return "catalog";
  }
  const v2 = /^\/v2\/(.+?)\/(?:manifests|blobs|tags|referrers)\//.exec(path);
  if (v2) {
    return `v2 ${v2[1]} ${access}`;
  }
  return `other ${path} ${access}`;
}
