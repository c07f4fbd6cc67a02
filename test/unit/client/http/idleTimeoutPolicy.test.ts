// The idle timeout: a quiet connection fails with RegistryTimeoutError (which
// callers can tell from their own cancellation), a slow but steady one does
// not, and a reader that is behind is not the network's fault. Bodies from
// the fake transport have no socket, so this is the pass-through path; the
// socket-counter path is covered against the real registry (test/client).

import * as assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { AbortError } from "@azure/abort-controller";
import { createEmptyPipeline, createPipelineRequest, type PipelineRequest } from "@azure/core-rest-pipeline";
import { RegistryTimeoutError } from "../../../../src/client/errors";
import { idleTimeoutPolicy } from "../../../../src/client/http/idleTimeoutPolicy";
import { requestContext } from "../../../../src/client/http/requestContext";
import { ALL_STATUSES } from "../../../../src/client/http/allStatuses";
import { type FakeHandler, FakeHttpClient } from "../../fakeHttpClient";

const BLOB_URL = "https://registry.example/v2/app/blobs/sha256:abc?_state=secret";
const TIMEOUT_MS = 100;

function send(
  handler: FakeHandler,
  request: PipelineRequest = createPipelineRequest({ streamResponseStatusCodes: ALL_STATUSES, url: BLOB_URL }),
) {
  const client = new FakeHttpClient(handler);
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(idleTimeoutPolicy(TIMEOUT_MS));
  return { client, request, result: pipeline.sendRequest(client, request) };
}

async function readAll(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("idleTimeoutPolicy", function () {
  it("fails a request that gets no response headers, naming the operation and a redacted URL", async function () {
    const request = createPipelineRequest({ streamResponseStatusCodes: ALL_STATUSES, url: BLOB_URL });
    requestContext(request).operation = "download blob";
    requestContext(request).registry = "registry.example";
    const started = Date.now();
    const { result } = send(() => "hang", request);
    await assert.rejects(result, (error: RegistryTimeoutError) => {
      assert.ok(error instanceof RegistryTimeoutError);
      assert.equal(error.timeoutMs, TIMEOUT_MS);
      assert.equal(
        error.message,
        "Download blob failed on registry.example: no data for 100 ms while waiting for the response " +
          "(GET https://registry.example/v2/app/blobs/sha256:abc?_state=REDACTED)",
      );
      assert.equal(error.url, "https://registry.example/v2/app/blobs/sha256:abc?_state=REDACTED");
      return true;
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= TIMEOUT_MS && elapsed < TIMEOUT_MS * 1.5 + 100, `noticed after ${elapsed} ms`);
  });

  it("fails a body that stops sending", async function () {
    const body = new PassThrough();
    body.write("first bytes");
    const { result } = send(() => ({ status: 200, body }));
    const response = await result;
    await assert.rejects(readAll(response.readableStreamBody!), (error: Error) => {
      assert.ok(error instanceof RegistryTimeoutError);
      assert.match(error.message, /^Request to registry\.example failed: no data for 100 ms while reading the response body \(GET /);
      return true;
    });
  });

  it("lets a slow body through as long as bytes keep coming", async function () {
    const chunks = Array.from({ length: 8 }, (_, i) => `chunk ${i};`);
    const body = Readable.from(
      (async function* () {
        for (const chunk of chunks) {
          await sleep(TIMEOUT_MS / 3);
          yield Buffer.from(chunk);
        }
      })(),
    );
    const { result } = send(() => ({ status: 200, body }));
    const bytes = await readAll((await result).readableStreamBody!);
    assert.equal(bytes.toString(), chunks.join(""));
  });

  it("does not time out a reader that is behind while bytes wait for it", async function () {
    const source = new PassThrough();
    const waiting = Buffer.alloc(256 * 1024, 7);
    source.write(waiting);
    const { result } = send(() => ({ status: 200, body: source }));
    const response = await result;
    // The network sends nothing more for three timeouts, but bytes sit unread: the reader is the slow one.
    await sleep(TIMEOUT_MS * 3);
    const reading = readAll(response.readableStreamBody!);
    source.end("the end");
    const bytes = await reading;
    assert.equal(bytes.length, waiting.length + "the end".length);
  });

  it("stops watching once the whole body is in, however late it is read", async function () {
    const { result } = send(() => ({ status: 200, body: "all of it, already here" }));
    const response = await result;
    await sleep(TIMEOUT_MS * 3);
    assert.equal((await readAll(response.readableStreamBody!)).toString(), "all of it, already here");
  });

  it("reports the caller's own abort as an abort, not as a timeout", async function () {
    const controller = new AbortController();
    const request = createPipelineRequest({ streamResponseStatusCodes: ALL_STATUSES, url: BLOB_URL, abortSignal: controller.signal });
    const { result } = send(() => {
      setTimeout(() => controller.abort(), 10);
      return "hang";
    }, request);
    await assert.rejects(result, (error: Error) => error instanceof AbortError && !(error instanceof RegistryTimeoutError));
  });

  it("leaves the request's abort signal and progress callback as they came (retries reuse the request)", async function () {
    const controller = new AbortController();
    const onUploadProgress = (): void => undefined;
    const request = createPipelineRequest({
      streamResponseStatusCodes: ALL_STATUSES,
      url: BLOB_URL,
      abortSignal: controller.signal,
      onUploadProgress,
    });
    const { result } = send(() => ({ status: 200 }), request);
    await result;
    assert.equal(request.abortSignal, controller.signal);
    assert.equal(request.onUploadProgress, onUploadProgress);
  });

  it("takes the per-request timeout from the request context, and 0 turns it off", async function () {
    const request = createPipelineRequest({ streamResponseStatusCodes: ALL_STATUSES, url: BLOB_URL });
    requestContext(request).timeoutMs = 0;
    const { result } = send(async () => {
      await sleep(TIMEOUT_MS * 3);
      return { status: 200, body: "late but fine" };
    }, request);
    assert.equal((await result).status, 200);
  });
});
