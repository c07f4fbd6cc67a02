// The one place requests are sent from. Every response body is streamed (no
// status is buffered by the pipeline), so each caller decides how much of it
// to read; unexpected statuses become typed RegistryErrors that name the
// registry, the operation, the status and how many attempts were made.
// Every error leaving here is scrubbed of the Authorization value the request
// carried (a hostile registry may echo it back in its error body).

import {
  createPipelineRequest,
  type HttpClient,
  type HttpHeaders,
  type HttpMethods,
  isRestError,
  type Pipeline,
  type PipelineRequest,
  type RequestBodyType,
} from "@azure/core-rest-pipeline";
import * as http from "node:http";
import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import { RegistryError, RegistryTimeoutError, RegistryTlsError, ResponseTooLargeError } from "../errors";
import { redactUrl, scrubError, secretsOfAuthorization } from "../redact";
import { explainTlsError } from "./tlsErrors";
import type { RetryOptions } from "./retryPolicy";
import { registryErrorFromResponse } from "./errorResponse";
import { destroyBody, readBodyCapped } from "./readBody";
import { requestContext } from "./requestContext";
import { ALL_STATUSES } from "./allStatuses";
import { capitalize } from "../messageText";

export interface RegistryRequest {
  method: HttpMethods;
  /** Absolute, or relative to the registry origin (`Link` and `Location` values are used as given). */
  url: string;
  /** What the caller is doing, for error messages: "get manifest". */
  operation: string;
  expectedStatus: number[];
  headers?: Record<string, string>;
  body?: RequestBodyType;
  abortSignal?: AbortSignalLike;
  /** Milliseconds without progress before the request fails, overriding the client's idle timeout; 0 for none. */
  timeoutMs?: number;
  /**
   * False when the pipeline must not replay the request after a dropped
   * connection or a 5xx (writes into an upload session: the caller recovers
   * from the upload status instead). The default value is true.
   */
  retry?: boolean;
  /**
   * Free each read of the connection as soon as Node's HTTP parser has used
   * it, rather than at the next garbage collection (bufferRelease.ts): for
   * large bodies such as blobs. The default value is false.
   */
  releaseSocketReads?: boolean;
  /** Keep the Authorization value sent to the registry's origin in the response (`authorization`). The default value is false. */
  captureAuthorization?: boolean;
}

export interface RegistryResponse {
  status: number;
  headers: HttpHeaders;
  /** The URL that answered, after redirects. */
  url: string;
  body?: NodeJS.ReadableStream;
  /** With `captureAuthorization`: the Authorization value the registry's origin got, if any. Never put it in an error. */
  authorization?: string;
  /** With `captureAuthorization`: the User-Agent the registry's origin got. */
  userAgent?: string;
}

/**
 * What a thread needs to send a blob GET the way this client's pipeline
 * would (registry/blobGetGrant.ts); absent when the client's requests cannot
 * be reproduced outside the pipeline (a caller-supplied HTTP client).
 */
export interface DirectGetSettings {
  /** The pipeline's extra trusted CA certificates (tlsPolicy). */
  ca?: string;
  userAgent: string;
  /** The client's idle timeout in milliseconds; 0 for none. */
  timeoutMs: number;
  /** The client's retry options for 5xx and 429 answers, defaults filled in (retryPolicy.ts). */
  retry: Required<RetryOptions>;
}

export class RegistryHttp {
  constructor(
    readonly origin: string,
    readonly loginServer: string,
    private readonly pipeline: Pipeline,
    private readonly httpClient: HttpClient,
    /** The client's request logger, for notes that are not one request (a tag skipped because it vanished). */
    readonly log?: (line: string) => void,
    /** Set when blob GETs may be sent from a receiving thread. */
    readonly directGet?: DirectGetSettings,
  ) {}

  resolveUrl(url: string, base: string = this.origin): string {
    return new URL(url, base).toString();
  }

  /** Sends the request; on an unexpected status reads the error body and throws. */
  async send(request: RegistryRequest): Promise<RegistryResponse> {
    const url = this.resolveUrl(request.url);
    const pipelineRequest = createPipelineRequest({
      url,
      method: request.method,
      body: request.body,
      abortSignal: request.abortSignal,
      streamResponseStatusCodes: ALL_STATUSES,
      allowInsecureConnection: true, // the http:// rule is enforced once, in parseEndpoint
    });
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      pipelineRequest.headers.set(name, value);
    }
    const context = requestContext(pipelineRequest);
    context.operation = request.operation;
    context.registry = this.loginServer;
    context.retry = request.retry;
    context.timeoutMs = request.timeoutMs;
    context.releaseSocketReads = request.releaseSocketReads;
    context.captureAuthorization = request.captureAuthorization;
    let response;
    try {
      response = await this.pipeline.sendRequest(this.httpClient, pipelineRequest);
    } catch (error) {
      throw scrubError(
        this.transportError(error, request, url, pipelineRequest),
        secretsOfAuthorization(pipelineRequest.headers.get("authorization")),
      );
    }
    const result: RegistryResponse = {
      status: response.status,
      headers: response.headers,
      url: response.request.url,
      body: response.readableStreamBody,
      authorization: request.captureAuthorization ? context.registryAuthorization : undefined,
      userAgent: request.captureAuthorization ? context.userAgent : undefined,
    };
    if (!request.expectedStatus.includes(response.status)) {
      const error = await registryErrorFromResponse({
        status: response.status,
        method: request.method,
        url: response.request.url,
        operation: request.operation,
        registry: this.loginServer,
        body: response.readableStreamBody,
      });
      error.message += attemptsNote(pipelineRequest);
      throw scrubError(error, secretsOfAuthorization(pipelineRequest.headers.get("authorization")));
    }
    return result;
  }

  /** Sends and reads the whole body, at most `maxBytes`. */
  async sendForBytes(request: RegistryRequest, maxBytes: number, what: string): Promise<{ response: RegistryResponse; bytes: Buffer }> {
    const response = await this.send(request);
    const bytes = await readBodyCapped(response.body, maxBytes, what);
    return { response, bytes };
  }

  /** Sends and parses a JSON body of at most `maxBytes`. */
  async sendForJson<T>(request: RegistryRequest, maxBytes = 16 * 1024 * 1024): Promise<{ response: RegistryResponse; json: T }> {
    const { response, bytes } = await this.sendForBytes(request, maxBytes, `${request.operation} response`);
    try {
      return { response, json: JSON.parse(bytes.toString("utf8")) as T };
    } catch {
      throw new RegistryError(`${capitalize(request.operation)} failed on ${this.loginServer}: the response is not valid JSON`, {
        statusCode: response.status,
        method: request.method,
        url: response.url,
        operation: request.operation,
      });
    }
  }

  /** Sends and discards the body. */
  async sendAndDiscard(request: RegistryRequest): Promise<RegistryResponse> {
    const response = await this.send(request);
    discardBody(response);
    return response;
  }

  private transportError(error: unknown, request: RegistryRequest, url: string, pipelineRequest: PipelineRequest): Error {
    const where = `(${request.method} ${redactUrl(url)})`;
    const init = { method: request.method, url, operation: request.operation, cause: error };
    if (error instanceof RegistryTimeoutError) {
      return new RegistryTimeoutError(error.message + attemptsNote(pipelineRequest), error.timeoutMs, { ...init, url: error.url ?? url });
    }
    if (error instanceof RegistryError) {
      return error;
    }
    if ((error as { name?: string }).name === "AbortError") {
      return error as Error;
    }
    if (isRestError(error) && error.code === "REQUEST_SEND_ERROR" && /abort/i.test(error.message)) {
      // Not the RestError itself: it keeps the request, Authorization header included.
      return new AbortError(error.message);
    }
    const code = (error as { code?: string }).code;
    if (code === "HPE_HEADER_OVERFLOW") {
      // Node's HTTP parser refuses response headers over --max-http-header-size (16 KiB by default).
      return new ResponseTooLargeError(
        `${capitalize(request.operation)} failed on ${this.loginServer}: the response headers are larger than Node's limit of ${http.maxHeaderSize} bytes ${where}`,
        init,
      );
    }
    if (typeof code === "string" && code.startsWith("HPE_")) {
      return new RegistryError(
        `${capitalize(request.operation)} failed on ${this.loginServer}: the response is not valid HTTP (${code}) ${where}`,
        init,
      );
    }
    const tls = explainTlsError(code ?? (error as { cause?: { code?: string } }).cause?.code);
    if (tls) {
      return new RegistryTlsError(
        `${capitalize(request.operation)} failed: could not connect securely to ${this.loginServer}: ${tls} ${where}`,
        init,
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    return new RegistryError(
      `${capitalize(request.operation)} failed: could not reach ${this.loginServer} ${where}: ${reason}${attemptsNote(pipelineRequest)}`,
      init,
    );
  }
}

/** " (gave up after 4 attempts)" when the retry policy tried more than once, and why it stopped early. */
function attemptsNote(request: PipelineRequest): string {
  const context = requestContext(request);
  const notes: string[] = [];
  if (context.exhausted) {
    notes.push(`gave up after ${context.attempts} attempts`);
  }
  if (context.gaveUp) {
    notes.push(`not retried: ${context.gaveUp}`);
  }
  return notes.length > 0 ? ` (${notes.join("; ")})` : "";
}

export function discardBody(response: RegistryResponse): void {
  const body = response.body;
  if (body) {
    // Draining (rather than destroying) keeps the keep-alive connection reusable for small bodies.
    body.on("error", () => undefined);
    if (typeof body.resume === "function") {
      body.resume();
    } else {
      destroyBody(body);
    }
  }
}
