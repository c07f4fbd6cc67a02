// The retry policy: what is retried, how often, what is never replayed, and
// the Retry-After bound (RFC 9110 section 10.2.3). Requests go through the
// policy as the client stacks it; the fake transport counts what was sent.

import * as assert from "node:assert/strict";
import { Readable } from "node:stream";
import { AbortError } from "@azure/abort-controller";
import { createEmptyPipeline, createPipelineRequest, type PipelineRequest } from "@azure/core-rest-pipeline";
import { RegistryError, RegistryTimeoutError } from "../../../../src/client/errors";
import { requestContext } from "../../../../src/client/http/requestContext";
import { isTransientError, retryAfterMs, retryPolicy, type RetryOptions } from "../../../../src/client/http/retryPolicy";
import { type FakeHandler, FakeHttpClient, registryErrors, transportError } from "../../fakeHttpClient";
import { REGISTRY_ORIGIN, registryStack } from "../../registryStack";

const URL_ = `${REGISTRY_ORIGIN}/v2/app/manifests/latest`;

function send(handler: FakeHandler, options: RetryOptions = {}, request: PipelineRequest = createPipelineRequest({ url: URL_ })) {
  const client = new FakeHttpClient(handler);
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(retryPolicy({ initialDelayMs: 1, ...options }));
  return { client, request, result: pipeline.sendRequest(client, request) };
}

describe("retryPolicy", function () {
  for (const status of [429, 500, 502, 503, 504]) {
    it(`retries a ${status} and returns the answer that follows`, async function () {
      const { client, result } = send((_, i) => (i < 2 ? { status } : { status: 200, body: "ok" }));
      assert.equal((await result).status, 200);
      assert.equal(client.sent.length, 3);
    });
  }

  for (const status of [400, 401, 403, 404, 405, 416, 501]) {
    it(`sends a request answered ${status} once`, async function () {
      const { client, result } = send(() => ({ status }));
      assert.equal((await result).status, status);
      assert.equal(client.sent.length, 1);
    });
  }

  it("stops after maxRetries and marks the request exhausted with the attempt count", async function () {
    const { client, request, result } = send(() => ({ status: 503 }), { maxRetries: 2 });
    assert.equal((await result).status, 503);
    assert.equal(client.sent.length, 3);
    assert.equal(requestContext(request).attempts, 3);
    assert.equal(requestContext(request).exhausted, true);
  });

  it("frees the body of each answer it retries past", async function () {
    const { client, result } = send((_, i) => (i === 0 ? { status: 503, body: "busy" } : { status: 200 }));
    await result;
    assert.equal(client.bodies[0].destroyed, true);
  });

  it("retries dropped connections and rethrows once they run out", async function () {
    const { client, result } = send(
      () => {
        throw transportError("ECONNRESET");
      },
      { maxRetries: 3 },
    );
    await assert.rejects(result, (error: Error & { code?: string }) => error.code === "ECONNRESET");
    assert.equal(client.sent.length, 4);
  });

  it("does not retry an error that is not transient", async function () {
    const { client, result } = send(() => {
      throw transportError("ERR_TLS_CERT_ALTNAME_INVALID");
    });
    await assert.rejects(result, /ERR_TLS_CERT_ALTNAME_INVALID/);
    assert.equal(client.sent.length, 1);
  });

  it("never replays a request whose body is a stream (its bytes are gone)", async function () {
    const request = createPipelineRequest({ url: URL_, method: "PUT" });
    request.body = Readable.from([Buffer.from("layer bytes")]);
    const { client, result } = send(() => ({ status: 503 }), {}, request);
    assert.equal((await result).status, 503);
    assert.equal(client.sent.length, 1);
    assert.equal(client.sent[0].body, "<stream>");
  });

  it("replays a request whose body is bytes", async function () {
    const request = createPipelineRequest({ url: URL_, method: "PUT", body: Buffer.from("{}") });
    const { client, result } = send((_, i) => (i === 0 ? { status: 502 } : { status: 201 }), {}, request);
    assert.equal((await result).status, 201);
    assert.deepEqual(
      client.sent.map((r) => r.body),
      ["{}", "{}"],
    );
  });

  it("never replays a request marked retry: false (a write into an upload session)", async function () {
    const request = createPipelineRequest({ url: `${REGISTRY_ORIGIN}/v2/app/blobs/uploads/u1`, method: "PATCH", body: "chunk" });
    requestContext(request).retry = false;
    const { client, result } = send(() => ({ status: 500 }), {}, request);
    assert.equal((await result).status, 500);
    assert.equal(client.sent.length, 1);
  });

  it("honours a Retry-After of delay-seconds within its bound", async function () {
    const started = Date.now();
    const { client, result } = send((_, i) => (i === 0 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 }), {
      maxDelayMs: 5000,
    });
    assert.equal((await result).status, 200);
    assert.equal(client.sent.length, 2);
    assert.ok(Date.now() - started >= 950, `retried after ${Date.now() - started} ms, before the 1 s the registry asked for`);
  });

  it("returns a Retry-After beyond maxDelayMs at once, without retrying, and says why", async function () {
    const started = Date.now();
    const { client, request, result } = send(() => ({ status: 429, headers: { "retry-after": "120" } }), { maxDelayMs: 30_000 });
    assert.equal((await result).status, 429);
    assert.equal(client.sent.length, 1);
    assert.ok(Date.now() - started < 1000);
    assert.equal(requestContext(request).gaveUp, "the registry asked to retry after 120 s, longer than the 30 s this client waits");
  });

  it("stops waiting when the caller aborts during the backoff, and sends nothing more", async function () {
    const controller = new AbortController();
    const request = createPipelineRequest({ url: URL_, abortSignal: controller.signal });
    const { client, result } = send(
      () => {
        setTimeout(() => controller.abort(), 20);
        return { status: 503 };
      },
      { initialDelayMs: 10_000, maxDelayMs: 10_000 },
      request,
    );
    await assert.rejects(result, (error: Error) => error instanceof AbortError);
    assert.equal(client.sent.length, 1);
  });

  describe("through RegistryHttp", function () {
    it("names the attempts in the final error", async function () {
      const { http, client } = registryStack(() => registryErrors(503, "UNAVAILABLE", "try later"), undefined, {
        retry: { maxRetries: 3 },
      });
      await assert.rejects(
        http.send({ method: "GET", url: "/v2/app/tags/list", operation: "list tags", expectedStatus: [200] }),
        (error: RegistryError) => {
          assert.equal(error.statusCode, 503);
          assert.equal(
            error.message,
            `List tags failed on registry.example: 503 UNAVAILABLE: try later (GET ${REGISTRY_ORIGIN}/v2/app/tags/list) (gave up after 4 attempts)`,
          );
          return true;
        },
      );
      assert.equal(client.sent.length, 4);
    });

    it("says why a throttled request was not retried", async function () {
      const { http, client } = registryStack(() => ({ status: 429, headers: { "retry-after": "3600" } }));
      await assert.rejects(http.send({ method: "GET", url: "/v2/_catalog", operation: "list repositories", expectedStatus: [200] }), {
        message: `List repositories failed on registry.example: 429 Too Many Requests (GET ${REGISTRY_ORIGIN}/v2/_catalog) (not retried: the registry asked to retry after 3600 s, longer than the 30 s this client waits)`,
      });
      assert.equal(client.sent.length, 1);
    });

    it("does not mention attempts when the first answer was final", async function () {
      const { http } = registryStack(() => registryErrors(404, "MANIFEST_UNKNOWN", "manifest unknown"));
      await assert.rejects(http.send({ method: "GET", url: "/v2/app/manifests/v1", operation: "get manifest", expectedStatus: [200] }), {
        message: `Get manifest failed on registry.example: 404 MANIFEST_UNKNOWN: manifest unknown (GET ${REGISTRY_ORIGIN}/v2/app/manifests/v1)`,
      });
    });
  });
});

describe("retryAfterMs", function () {
  it("reads delay-seconds", function () {
    assert.equal(retryAfterMs("120"), 120_000);
    assert.equal(retryAfterMs(" 5 "), 5000);
    assert.equal(retryAfterMs("0"), 0);
  });

  it("reads an HTTP date as the time left until it, and a past date as no wait", function () {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const ms = retryAfterMs(inTenSeconds)!;
    assert.ok(ms > 8000 && ms <= 10_000, `${ms}`);
    assert.equal(retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT"), 0);
  });

  it("ignores an absent or unreadable value", function () {
    assert.equal(retryAfterMs(undefined), undefined);
    assert.equal(retryAfterMs(""), undefined);
    assert.equal(retryAfterMs("soon"), undefined);
  });
});

describe("isTransientError", function () {
  it("counts timeouts and dropped or refused connections, on the error or its cause", function () {
    assert.equal(isTransientError(new RegistryTimeoutError("quiet", 100)), true);
    for (const code of ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "UND_ERR_SOCKET"]) {
      assert.equal(isTransientError(transportError(code)), true, code);
    }
    assert.equal(isTransientError(Object.assign(new Error("fetch failed"), { cause: { code: "ECONNRESET" } })), true);
  });

  it("does not count anything else", function () {
    assert.equal(isTransientError(new Error("boom")), false);
    assert.equal(isTransientError(transportError("CERT_HAS_EXPIRED")), false);
    assert.equal(isTransientError(new RegistryError("404")), false);
    assert.equal(isTransientError(new AbortError("The operation was aborted.")), false);
  });
});
