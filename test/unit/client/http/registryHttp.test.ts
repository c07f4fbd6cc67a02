// RegistryHttp, the one place requests leave from: relative URLs resolved on
// the registry's origin, bodies read with a cap, transport failures turned
// into typed errors that say what to do, and no Authorization value in any
// error it throws, even when the registry echoes it back.

import * as assert from "node:assert/strict";
import * as http from "node:http";
import { RegistryError, RegistryTlsError, ResponseTooLargeError } from "../../../../src/client/errors";
import { json, registryErrors, transportError } from "../../fakeHttpClient";
import { REGISTRY_ORIGIN, registryStack } from "../../registryStack";

const CREDENTIAL = { username: "alice", password: "correct-horse" };
const BASIC = `Basic ${Buffer.from("alice:correct-horse").toString("base64")}`;

const get = (url: string, operation = "get manifest") => ({ method: "GET" as const, url, operation, expectedStatus: [200] });

describe("RegistryHttp", function () {
  it("resolves a relative URL on the registry's origin and sends the caller's headers", async function () {
    const { http, client } = registryStack(() => ({ status: 200 }));
    await http.sendAndDiscard({ ...get("/v2/app/manifests/v1"), headers: { Accept: "application/vnd.oci.image.manifest.v1+json" } });
    assert.equal(client.sent[0].url, `${REGISTRY_ORIGIN}/v2/app/manifests/v1`);
    assert.equal(client.sent[0].headers.accept, "application/vnd.oci.image.manifest.v1+json");
  });

  it("returns the expected status with the body unread, for the caller to stream", async function () {
    const { http } = registryStack(() => ({ status: 206, headers: { "content-range": "bytes 0-4/10" }, body: "01234" }));
    const response = await http.send({
      method: "GET",
      url: "/v2/app/blobs/sha256:abc",
      operation: "download blob",
      expectedStatus: [200, 206],
    });
    assert.equal(response.status, 206);
    assert.equal(response.headers.get("content-range"), "bytes 0-4/10");
    assert.ok(response.body);
  });

  it("parses JSON and refuses a body over the cap", async function () {
    const { http } = registryStack(() => json(200, { tags: ["a", "b"] }));
    assert.deepEqual((await http.sendForJson(get("/v2/app/tags/list", "list tags"))).json, { tags: ["a", "b"] });
    await assert.rejects(http.sendForJson(get("/v2/app/tags/list", "list tags"), 10), {
      name: "ResponseTooLargeError",
      message: "The list tags response is larger than the 10 bytes limit",
    });
  });

  it("scrubs the Authorization value it sent from an error whose body echoes it", async function () {
    const { http } = registryStack(
      (r) =>
        r.headers.authorization
          ? registryErrors(403, "DENIED", `credentials ${BASIC} (alice:correct-horse) lack pull`)
          : { status: 401, headers: { "www-authenticate": 'Basic realm="r"' } },
      CREDENTIAL,
    );
    await assert.rejects(http.send(get("/v2/app/manifests/v1")), (error: RegistryError) => {
      assert.equal(error.name, "RegistryPermissionError");
      const everything = `${error.message}\n${error.stack}\n${JSON.stringify(error.errors)}`;
      for (const secret of ["correct-horse", BASIC.slice(6)]) {
        assert.ok(!everything.includes(secret), `the error contains ${secret}: ${everything}`);
      }
      return true;
    });
  });

  describe("transport failures", function () {
    it("a refused connection, after its retries, says the registry could not be reached", async function () {
      const { http, client } = registryStack(
        () => {
          throw transportError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:443");
        },
        undefined,
        { retry: { maxRetries: 2 } },
      );
      await assert.rejects(http.send(get("/v2/")), (error: RegistryError) => {
        assert.equal(error.constructor, RegistryError);
        assert.equal(
          error.message,
          `Get manifest failed: could not reach registry.example (GET ${REGISTRY_ORIGIN}/v2/): connect ECONNREFUSED 127.0.0.1:443 (gave up after 3 attempts)`,
        );
        return true;
      });
      assert.equal(client.sent.length, 3);
    });

    it("an untrusted certificate says how to trust the CA, and is not retried", async function () {
      const { http, client } = registryStack(() => {
        throw transportError("SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain");
      });
      await assert.rejects(http.send(get("/v2/")), (error: Error) => {
        assert.ok(error instanceof RegistryTlsError);
        assert.match(
          error.message,
          /^Get manifest failed: could not connect securely to registry\.example: its TLS certificate is not trusted \(SELF_SIGNED_CERT_IN_CHAIN\)\. /,
        );
        assert.match(error.message, /caCertificateFile/);
        return true;
      });
      assert.equal(client.sent.length, 1);
    });

    it("oversized response headers become ResponseTooLargeError naming Node's limit", async function () {
      const { http } = registryStack(() => {
        throw transportError("HPE_HEADER_OVERFLOW", "Header overflow");
      });
      await assert.rejects(http.send(get("/v2/")), (error: Error) => {
        assert.ok(error instanceof ResponseTooLargeError);
        assert.equal(
          error.message,
          `Get manifest failed on registry.example: the response headers are larger than Node's limit of ${http_maxHeaderSize()} bytes (GET ${REGISTRY_ORIGIN}/v2/)`,
        );
        return true;
      });
    });

    it("a response that is not HTTP says so with the parser's code", async function () {
      const { http } = registryStack(() => {
        throw transportError("HPE_INVALID_CONSTANT", "Parse Error: Expected HTTP/");
      });
      await assert.rejects(http.send(get("/v2/")), {
        name: "RegistryError",
        message: `Get manifest failed on registry.example: the response is not valid HTTP (HPE_INVALID_CONSTANT) (GET ${REGISTRY_ORIGIN}/v2/)`,
      });
    });

    it("the caller's abort stays an AbortError and stops the request", async function () {
      const controller = new AbortController();
      const { http } = registryStack(() => {
        setTimeout(() => controller.abort(), 5);
        return "hang";
      });
      await assert.rejects(http.send({ ...get("/v2/"), abortSignal: controller.signal }), { name: "AbortError" });
    });
  });
});

function http_maxHeaderSize(): number {
  return http.maxHeaderSize;
}
