// Sends requests to token endpoints (a distribution token service realm, ACR's
// /oauth2/exchange and /oauth2/token). These go through a pipeline without the
// challenge policy, and their answers are small JSON documents.

import { createPipelineRequest, type HttpClient, type Pipeline } from "@azure/core-rest-pipeline";
import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import { RegistryAuthenticationError } from "../errors";
import { redactUrl, scrubError, secretsOfAuthorization } from "../redact";
import { parseErrorBody } from "../http/errorResponse";
import { readBodyCapped } from "../http/readBody";
import { ALL_STATUSES } from "../http/allStatuses";

const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;

export interface TokenEndpointRequest {
  method: "GET" | "POST";
  url: string;
  authorization?: string;
  form?: Record<string, string>;
  abortSignal?: AbortSignalLike;
  /** For messages: "get a registry token". */
  operation: string;
}

export interface TokenEndpointResponse {
  status: number;
  json: Record<string, unknown>;
}

export class TokenEndpointClient {
  constructor(
    private readonly pipeline: Pipeline,
    private readonly httpClient: HttpClient,
    private readonly registry: string,
  ) {}

  async send(request: TokenEndpointRequest): Promise<TokenEndpointResponse> {
    try {
      return await this.sendUnscrubbed(request);
    } catch (error) {
      // A token service may echo the credentials it was sent (even decoded) in its error message.
      throw scrubError(error, secretsOfAuthorization(request.authorization));
    }
  }

  private async sendUnscrubbed(request: TokenEndpointRequest): Promise<TokenEndpointResponse> {
    const pipelineRequest = createPipelineRequest({
      url: request.url,
      method: request.method,
      abortSignal: request.abortSignal,
      streamResponseStatusCodes: ALL_STATUSES,
      allowInsecureConnection: true, // realms are checked by validateRealm before we get here
    });
    if (request.authorization) {
      pipelineRequest.headers.set("Authorization", request.authorization);
    }
    if (request.form) {
      pipelineRequest.headers.set("Content-Type", "application/x-www-form-urlencoded");
      pipelineRequest.body = new URLSearchParams(request.form).toString();
    }
    let response;
    try {
      response = await this.pipeline.sendRequest(this.httpClient, pipelineRequest);
    } catch (error) {
      if ((error as { name?: string }).name === "AbortError" || request.abortSignal?.aborted) {
        throw new AbortError("The operation was aborted.");
      }
      // A reset or refused connection is a failure of the token request, not of the operation that needed the
      // token; the transport error (which keeps the request and its Basic credentials) survives only as a scrubbed copy.
      const reason = error instanceof Error ? error.message : String(error);
      throw new RegistryAuthenticationError(
        `Could not ${request.operation} for ${this.registry}: the token endpoint could not be reached (${request.method} ${redactUrl(request.url)}): ${reason}`,
        { method: request.method, url: request.url, operation: request.operation, cause: error },
      );
    }
    const bytes = await readBodyCapped(response.readableStreamBody, MAX_TOKEN_RESPONSE_BYTES, "token response");
    const text = bytes.toString("utf8");
    if (response.status >= 400) {
      const said = parseErrorBody(text)[0];
      throw new RegistryAuthenticationError(
        `Could not ${request.operation} for ${this.registry}: ${response.status}${said ? ` ${said.code}${said.message ? `: ${said.message}` : ""}` : ""} (${request.method} ${redactUrl(request.url)})`,
        { statusCode: response.status, method: request.method, url: request.url, operation: request.operation },
      );
    }
    try {
      return { status: response.status, json: JSON.parse(text) as Record<string, unknown> };
    } catch {
      throw new RegistryAuthenticationError(
        `Could not ${request.operation} for ${this.registry}: the token endpoint did not answer with JSON`,
        { statusCode: response.status, method: request.method, url: request.url, operation: request.operation },
      );
    }
  }
}
