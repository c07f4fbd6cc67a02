// An in-memory core-rest-pipeline HttpClient for the unit tier: it records
// every request exactly as it left the pipeline (the policies reuse and
// mutate one request object across retries and redirects, so headers are
// copied at send time) and answers from a handler the test writes. Where a
// test needs what only a real registry knows, it belongs in test/client/.

import { AbortError } from "@azure/abort-controller";
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { Readable } from "node:stream";

/** What the fake saw for one request, frozen at the moment it was sent. */
export interface SentRequest {
  method: string;
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The request body when it was text or bytes; "<stream>" for a stream. */
  body?: string;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string or bytes become a stream; pass a Readable to control timing. */
  body?: string | Buffer | Readable;
}

/**
 * Answers one request: a response, or a thrown error (a transport failure
 * such as `{ code: "ECONNRESET" }`), or `"hang"` to never answer (until the
 * request's abort signal fires, which rejects with AbortError as Node's
 * client does).
 */
export type FakeHandler = (request: SentRequest, index: number) => FakeResponse | "hang" | Promise<FakeResponse | "hang">;

export class FakeHttpClient implements HttpClient {
  readonly sent: SentRequest[] = [];
  /** The response bodies handed out, in order, so a test can check which were destroyed. */
  readonly bodies: Readable[] = [];

  constructor(private readonly handler: FakeHandler) {}

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    if (request.abortSignal?.aborted) {
      throw new AbortError("The operation was aborted.");
    }
    const sent = snapshot(request);
    this.sent.push(sent);
    const answer = await this.handler(sent, this.sent.length - 1);
    if (answer === "hang") {
      return new Promise((_, reject) => {
        request.abortSignal?.addEventListener("abort", () => reject(new AbortError("The operation was aborted.")));
      });
    }
    const headers = createHttpHeaders(answer.headers ?? {});
    const body = answer.body instanceof Readable ? answer.body : Readable.from(answer.body === undefined ? [] : [Buffer.from(answer.body)]);
    this.bodies.push(body);
    if (request.streamResponseStatusCodes?.has(answer.status)) {
      return { request, status: answer.status, headers, readableStreamBody: body };
    }
    const chunks: Buffer[] = [];
    for await (const chunk of body) {
      chunks.push(Buffer.from(chunk as Buffer));
    }
    return { request, status: answer.status, headers, bodyAsText: Buffer.concat(chunks).toString("utf8") };
  }

  /** The requests as "METHOD url" lines, for exact comparisons. */
  lines(): string[] {
    return this.sent.map((r) => `${r.method} ${r.url}`);
  }
}

function snapshot(request: PipelineRequest): SentRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) {
    headers[name.toLowerCase()] = value;
  }
  const body = request.body;
  let text: string | undefined;
  if (typeof body === "string") {
    text = body;
  } else if (body instanceof Uint8Array) {
    text = Buffer.from(body).toString("utf8");
  } else if (body !== undefined && body !== null) {
    text = "<stream>";
  }
  return { method: request.method, url: request.url, headers, body: text };
}

/** A JSON answer. */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): FakeResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(value) };
}

/** The OCI distribution error body (spec "Error Codes"). */
export function registryErrors(status: number, code: string, message: string, headers: Record<string, string> = {}): FakeResponse {
  return json(status, { errors: [{ code, message }] }, headers);
}

/** A transport failure as Node reports it. */
export function transportError(code: string, message = `connect ${code}`): Error {
  return Object.assign(new Error(message), { code });
}
