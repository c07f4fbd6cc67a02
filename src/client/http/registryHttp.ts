// The one place requests are sent from. Every response body is streamed (no
// status is buffered by the pipeline), so each caller decides how much of it
// to read; unexpected statuses become typed RegistryErrors.

import {
  createPipelineRequest,
  HttpClient,
  HttpHeaders,
  HttpMethods,
  isRestError,
  Pipeline,
  RequestBodyType,
} from "@azure/core-rest-pipeline";
import type { AbortSignalLike } from "@azure/abort-controller";
import { RegistryError } from "../errors";
import { redactUrl } from "../redact";
import { registryErrorFromResponse } from "./errorResponse";
import { destroyBody, readBodyCapped } from "./readBody";

/** Every status, so that core-rest-pipeline never buffers a body on its own. */
const ALL_STATUSES = new Set(Array.from({ length: 500 }, (_, i) => i + 100));

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
  /** Milliseconds without progress before the request fails; 0 for none. */
  timeoutMs?: number;
}

export interface RegistryResponse {
  status: number;
  headers: HttpHeaders;
  /** The URL that answered, after redirects. */
  url: string;
  body?: NodeJS.ReadableStream;
}

export class RegistryHttp {
  constructor(
    readonly origin: string,
    readonly loginServer: string,
    private readonly pipeline: Pipeline,
    private readonly httpClient: HttpClient,
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
      timeout: request.timeoutMs ?? 0,
      allowInsecureConnection: true, // the http:// rule is enforced once, in parseEndpoint
    });
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      pipelineRequest.headers.set(name, value);
    }
    let response;
    try {
      response = await this.pipeline.sendRequest(this.httpClient, pipelineRequest);
    } catch (error) {
      throw this.transportError(error, request, url);
    }
    const result: RegistryResponse = {
      status: response.status,
      headers: response.headers,
      url: response.request.url,
      body: response.readableStreamBody,
    };
    if (!request.expectedStatus.includes(response.status)) {
      throw await registryErrorFromResponse({
        status: response.status,
        method: request.method,
        url: response.request.url,
        operation: request.operation,
        registry: this.loginServer,
        body: response.readableStreamBody,
      });
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
      throw new RegistryError(`${request.operation} failed on ${this.loginServer}: the response is not valid JSON`, {
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

  private transportError(error: unknown, request: RegistryRequest, url: string): Error {
    if (error instanceof RegistryError) {
      return error;
    }
    if (isRestError(error) && error.code === "REQUEST_SEND_ERROR" && /abort/i.test(error.message)) {
      return error;
    }
    if ((error as { name?: string }).name === "AbortError") {
      return error as Error;
    }
    const reason = error instanceof Error ? error.message : String(error);
    return new RegistryError(
      `${request.operation} failed: could not reach ${this.loginServer} (${request.method} ${redactUrl(url)}): ${reason}`,
      { method: request.method, url, operation: request.operation, cause: error },
    );
  }
}

export function discardBody(response: RegistryResponse): void {
  const body = response.body as (NodeJS.ReadableStream & { resume?: () => void }) | undefined;
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
