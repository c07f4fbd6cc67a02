// The token flows as the registry stack runs them, with the network faked:
// ACR's exchange (Entra token -> /oauth2/exchange -> refresh token per
// registry -> /oauth2/token -> access token per scope), ACR's anonymous pull,
// and concurrent requests sharing one token call. The TokenCredential is a
// stand-in for @azure/identity (it counts the calls it gets).

import * as assert from "node:assert/strict";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { RegistryAuthenticationError } from "../../../../src/client/errors";
import { json, type SentRequest } from "../../fakeHttpClient";
import { REGISTRY_ORIGIN, registryStack } from "../../registryStack";

class CountingCredential implements TokenCredential {
  readonly scopes: string[] = [];
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...[scopes].flat());
    return { token: "entra-token", expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

function acrChallenge(scope: string) {
  return {
    status: 401,
    headers: { "www-authenticate": `Bearer realm="${REGISTRY_ORIGIN}/oauth2/token",service="registry.example",scope="${scope}"` },
  };
}

/** An ACR-shaped registry: /oauth2/exchange, /oauth2/token, and /v2 that wants `Bearer access:<scope>`. */
function acr(request: SentRequest) {
  const url = new URL(request.url);
  const form = new URLSearchParams(request.body ?? "");
  if (url.pathname === "/oauth2/exchange") {
    return json(200, { refresh_token: `refresh-for-${form.get("access_token")}` });
  }
  if (url.pathname === "/oauth2/token") {
    return form.get("grant_type") === "password" && !form.get("refresh_token")
      ? json(200, { access_token: `anonymous:${form.get("scope")}` })
      : json(200, { access_token: `access:${form.get("scope")}` });
  }
  const repository = /^\/v2\/(.+?)\/manifests\//.exec(url.pathname)![1];
  const scope = `repository:${repository}:pull`;
  const token = request.headers.authorization?.replace(/^Bearer /, "");
  return token === `access:${scope}` || token === `anonymous:${scope}` ? { status: 200 } : acrChallenge(scope);
}

const get = (url: string) => ({ method: "GET" as const, url, operation: "get manifest", expectedStatus: [200] });

describe("RegistryAuthenticator", function () {
  it("exchanges the Entra token once per registry and asks for an access token once per scope", async function () {
    const credential = new CountingCredential();
    const { http, client } = registryStack(acr, credential);
    await http.sendAndDiscard(get("/v2/one/manifests/v1"));
    await http.sendAndDiscard(get("/v2/two/manifests/v1"));
    await http.sendAndDiscard(get("/v2/one/manifests/v2"));
    assert.deepEqual(credential.scopes, ["https://containerregistry.azure.net/.default"]);
    const tokenCalls = client.sent.filter((r) => r.url.includes("/oauth2/"));
    assert.deepEqual(
      tokenCalls.map((r) => `${r.method} ${r.url} ${r.body}`),
      [
        `POST ${REGISTRY_ORIGIN}/oauth2/exchange?api-version=2021-07-01 grant_type=access_token&service=registry.example&access_token=entra-token`,
        `POST ${REGISTRY_ORIGIN}/oauth2/token?api-version=2021-07-01 grant_type=refresh_token&service=registry.example&refresh_token=refresh-for-entra-token&scope=repository%3Aone%3Apull`,
        `POST ${REGISTRY_ORIGIN}/oauth2/token?api-version=2021-07-01 grant_type=refresh_token&service=registry.example&refresh_token=refresh-for-entra-token&scope=repository%3Atwo%3Apull`,
      ],
    );
    assert.ok(tokenCalls.every((r) => r.headers["content-type"] === "application/x-www-form-urlencoded" && !r.headers.authorization));
  });

  it("never sends the Entra token to a realm on another host", async function () {
    const credential = new CountingCredential();
    const { http, client } = registryStack(
      () => ({
        status: 401,
        headers: { "www-authenticate": 'Bearer realm="https://evil.example/oauth2/token",service="registry.example"' },
      }),
      credential,
    );
    await assert.rejects(http.send(get("/v2/app/manifests/v1")), (error: Error) => {
      assert.ok(error instanceof RegistryAuthenticationError);
      assert.match(
        error.message,
        /^registry\.example asks for tokens from https:\/\/evil\.example; a Microsoft Entra token is only exchanged with the registry itself/,
      );
      return true;
    });
    assert.deepEqual(credential.scopes, []);
    assert.ok(client.sent.every((r) => !r.url.startsWith("https://evil.example")));
  });

  it("gets ACR's anonymous pull token with grant_type=password and no credentials", async function () {
    const { http, client } = registryStack(acr);
    await http.sendAndDiscard(get("/v2/public/manifests/v1"));
    const token = client.sent.find((r) => r.url.includes("/oauth2/token"))!;
    assert.equal(token.body, "grant_type=password&service=registry.example&scope=repository%3Apublic%3Apull");
    assert.equal(token.headers.authorization, undefined);
    assert.equal(client.sent.at(-1)!.headers.authorization, "Bearer anonymous:repository:public:pull");
  });

  it("shares one token call among concurrent requests for the same scope", async function () {
    const credential = new CountingCredential();
    const { http, client } = registryStack(acr, credential);
    await Promise.all(Array.from({ length: 5 }, (_, i) => http.sendAndDiscard(get(`/v2/app/manifests/v${i}`))));
    assert.equal(client.sent.filter((r) => r.url.includes("/oauth2/exchange")).length, 1);
    assert.equal(client.sent.filter((r) => r.url.includes("/oauth2/token")).length, 1);
  });

  it("reports a token endpoint's refusal with its code, without the credentials", async function () {
    const { http } = registryStack(
      (r) => {
        if (r.url.startsWith("https://auth.example/")) {
          return json(401, { errors: [{ code: "UNAUTHORIZED", message: "bad password correct-horse" }] });
        }
        return {
          status: 401,
          headers: {
            "www-authenticate": 'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:app:pull"',
          },
        };
      },
      { username: "alice", password: "correct-horse" },
    );
    await assert.rejects(http.send(get("/v2/app/manifests/v1")), (error: Error) => {
      assert.ok(error instanceof RegistryAuthenticationError);
      assert.equal(
        error.message,
        "Could not get a registry token for registry.example: 401 UNAUTHORIZED: bad password REDACTED " +
          "(GET https://auth.example/token?service=registry.example&scope=repository%3Aapp%3Apull)",
      );
      return true;
    });
  });
});
