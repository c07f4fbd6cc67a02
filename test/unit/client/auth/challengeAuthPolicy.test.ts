// Signing requests: answering 401 challenges (Basic, and the distribution
// token flow), signing later requests of the same kind up front, one fresh
// token when the registry refuses the one it was given, and redirects: core's
// redirect policy follows a 307 to blob storage and Authorization never goes
// there. The whole registry stack runs; only the network is the fake.

import * as assert from "node:assert/strict";
import { Readable } from "node:stream";
import { createPipelineRequest } from "@azure/core-rest-pipeline";
import { RegistryAuthenticationError, RegistryError } from "../../../../src/client/errors";
import { requestKind } from "../../../../src/client/auth/challengeAuthPolicy";
import { json, type SentRequest } from "../../fakeHttpClient";
import { REGISTRY_ORIGIN, registryStack } from "../../registryStack";

const CREDENTIAL = { username: "alice", password: "correct-horse" };
const BASIC = `Basic ${Buffer.from("alice:correct-horse").toString("base64")}`;
const BASIC_CHALLENGE = { status: 401, headers: { "www-authenticate": 'Basic realm="Registry Realm"' } };

function bearerChallenge(scope: string) {
  return {
    status: 401,
    headers: { "www-authenticate": `Bearer realm="https://auth.example/token",service="registry.example",scope="${scope}"` },
  };
}

/** "METHOD url [authorization]" for each request sent. */
function trace(sent: SentRequest[]): string[] {
  return sent.map((r) => `${r.method} ${r.url}${r.headers.authorization ? ` [${r.headers.authorization}]` : ""}`);
}

const get = (url: string) => ({ method: "GET" as const, url, operation: "get manifest", expectedStatus: [200] });

describe("challengeAuthPolicy", function () {
  it("answers a Basic challenge and signs the next request of the same kind up front", async function () {
    const { http, client } = registryStack((r) => (r.headers.authorization === BASIC ? { status: 200 } : BASIC_CHALLENGE), CREDENTIAL);
    await http.sendAndDiscard(get("/v2/app/manifests/v1"));
    await http.sendAndDiscard(get("/v2/app/manifests/v2"));
    assert.deepEqual(trace(client.sent), [
      `GET ${REGISTRY_ORIGIN}/v2/app/manifests/v1`,
      `GET ${REGISTRY_ORIGIN}/v2/app/manifests/v1 [${BASIC}]`,
      `GET ${REGISTRY_ORIGIN}/v2/app/manifests/v2 [${BASIC}]`,
    ]);
  });

  it("gets a token from the realm the challenge names, once per scope, and sends it only to the registry", async function () {
    const { http, client } = registryStack((r) => {
      if (r.url.startsWith("https://auth.example/")) {
        return json(200, { token: "pull-token", expires_in: 300 });
      }
      return r.headers.authorization === "Bearer pull-token" ? { status: 200 } : bearerChallenge("repository:team/app:pull");
    }, CREDENTIAL);
    await http.sendAndDiscard(get("/v2/team/app/manifests/v1"));
    await http.sendAndDiscard(get("/v2/team/app/blobs/sha256:" + "a".repeat(64)));
    assert.deepEqual(trace(client.sent), [
      `GET ${REGISTRY_ORIGIN}/v2/team/app/manifests/v1`,
      `GET https://auth.example/token?service=registry.example&scope=repository%3Ateam%2Fapp%3Apull [${BASIC}]`,
      `GET ${REGISTRY_ORIGIN}/v2/team/app/manifests/v1 [Bearer pull-token]`,
      `GET ${REGISTRY_ORIGIN}/v2/team/app/blobs/sha256:${"a".repeat(64)} [Bearer pull-token]`,
    ]);
  });

  it("fetches one fresh token when the registry refuses the cached one, and not a second", async function () {
    let issued = 0;
    const { http, client } = registryStack((r, i) => {
      if (r.url.startsWith("https://auth.example/")) {
        return json(200, { token: `t${++issued}`, expires_in: 300 });
      }
      // t1 works once, then is revoked; t2 works.
      const firstUseOfT1 = r.headers.authorization === "Bearer t1" && i === 2;
      return firstUseOfT1 || r.headers.authorization === "Bearer t2" ? { status: 200 } : bearerChallenge("repository:app:pull");
    }, CREDENTIAL);
    await http.sendAndDiscard(get("/v2/app/manifests/v1"));
    await http.sendAndDiscard(get("/v2/app/manifests/v2"));
    assert.deepEqual(trace(client.sent).slice(3), [
      `GET ${REGISTRY_ORIGIN}/v2/app/manifests/v2 [Bearer t1]`,
      `GET https://auth.example/token?service=registry.example&scope=repository%3Aapp%3Apull [${BASIC}]`,
      `GET ${REGISTRY_ORIGIN}/v2/app/manifests/v2 [Bearer t2]`,
    ]);
    assert.equal(issued, 2);
  });

  it("returns a 401 for a streamed body as it is: the bytes cannot be sent again", async function () {
    const { http, client } = registryStack(() => BASIC_CHALLENGE, CREDENTIAL);
    await assert.rejects(
      http.send({
        method: "PUT",
        url: "/v2/app/blobs/uploads/u1?digest=sha256:" + "b".repeat(64),
        operation: "upload blob",
        expectedStatus: [201],
        body: Readable.from([Buffer.from("layer")]),
      }),
      RegistryAuthenticationError,
    );
    assert.equal(client.sent.length, 1);
  });

  it("says so when a Basic registry is given no username and password", async function () {
    const { http } = registryStack(() => BASIC_CHALLENGE);
    await assert.rejects(http.send(get("/v2/app/manifests/v1")), {
      name: "RegistryAuthenticationError",
      message: "registry.example asks for a username and password (Basic auth), and none were given",
    });
  });

  describe("redirects", function () {
    it("follows a 307 to blob storage on another host without Authorization", async function () {
      const storage = "https://storage.example/blobs/abc?sv=2021&sig=c2ln";
      const { http, client } = registryStack((r) => {
        if (r.url.startsWith("https://storage.example/")) {
          return { status: 200, body: "layer bytes" };
        }
        return r.headers.authorization === BASIC ? { status: 307, headers: { location: storage } } : BASIC_CHALLENGE;
      }, CREDENTIAL);
      const { bytes, response } = await http.sendForBytes(get("/v2/app/blobs/sha256:" + "c".repeat(64)), 1024, "blob");
      assert.equal(bytes.toString(), "layer bytes");
      assert.equal(response.url, storage);
      assert.deepEqual(trace(client.sent), [
        `GET ${REGISTRY_ORIGIN}/v2/app/blobs/sha256:${"c".repeat(64)}`,
        `GET ${REGISTRY_ORIGIN}/v2/app/blobs/sha256:${"c".repeat(64)} [${BASIC}]`,
        `GET ${storage}`,
      ]);
    });

    it("re-signs a redirect that stays on the registry's origin", async function () {
      const { http, client } = registryStack((r) => {
        if (!r.headers.authorization) {
          return BASIC_CHALLENGE;
        }
        return r.url.endsWith("/old") ? { status: 307, headers: { location: "/v2/app/manifests/new" } } : { status: 200 };
      }, CREDENTIAL);
      await http.sendAndDiscard(get("/v2/app/manifests/old"));
      assert.deepEqual(trace(client.sent).slice(1), [
        `GET ${REGISTRY_ORIGIN}/v2/app/manifests/old [${BASIC}]`,
        `GET ${REGISTRY_ORIGIN}/v2/app/manifests/new [${BASIC}]`,
      ]);
    });

    it("refuses a redirect to plain http on a remote host before anything is sent there", async function () {
      const { http, client } = registryStack(() => ({ status: 307, headers: { location: "http://storage.example/blob" } }));
      await assert.rejects(http.send(get("/v2/app/blobs/sha256:" + "d".repeat(64))), (error: Error) => {
        assert.ok(error instanceof RegistryError);
        assert.match(error.message, /http:\/\/storage\.example/);
        assert.match(error.message, /not followed/);
        return true;
      });
      assert.deepEqual(client.lines(), [`GET ${REGISTRY_ORIGIN}/v2/app/blobs/sha256:${"d".repeat(64)}`]);
    });
  });
});

describe("requestKind", function () {
  const kind = (method: string, path: string) =>
    requestKind(createPipelineRequest({ url: `${REGISTRY_ORIGIN}${path}`, method: method as "GET" }));

  it("groups /v2 requests by repository and access", function () {
    assert.equal(kind("GET", "/v2/team/app/manifests/v1"), "v2 team/app read");
    assert.equal(kind("HEAD", "/v2/team/app/blobs/sha256:abc"), "v2 team/app read");
    assert.equal(kind("GET", "/v2/team/app/tags/list"), "v2 team/app read");
    assert.equal(kind("PUT", "/v2/team/app/manifests/v1"), "v2 team/app write");
    assert.equal(kind("POST", "/v2/team/app/blobs/uploads/"), "v2 team/app write");
    assert.equal(kind("DELETE", "/v2/team/app/manifests/sha256:abc"), "v2 team/app delete");
    assert.equal(kind("GET", "/v2/_catalog"), "catalog");
  });

  it("groups /acr/v1 requests by repository and access", function () {
    assert.equal(kind("GET", "/acr/v1/_catalog"), "acr _catalog read");
    assert.equal(kind("GET", "/acr/v1/team/app/_tags"), "acr team/app read");
    assert.equal(kind("PATCH", "/acr/v1/team/app/_manifests/sha256:abc"), "acr team/app write");
    assert.equal(kind("DELETE", "/acr/v1/team/app"), "acr team/app delete");
  });

  it("keeps anything else apart by path", function () {
    assert.equal(kind("GET", "/v2/"), "other /v2/ read");
  });
});
