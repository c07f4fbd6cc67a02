// WWW-Authenticate parsing (RFC 7235 section 4.1; distribution token spec
// "How to authenticate") and the realm check before anything is sent to it.

import * as assert from "node:assert/strict";
import { parseChallenge } from "../../../../src/client/auth/challenge";
import { validateRealm } from "../../../../src/client/auth/realm";
import { RegistryAuthenticationError } from "../../../../src/client/errors";

describe("parseChallenge", function () {
  it("reads a Bearer challenge with realm, service and scope", function () {
    assert.deepEqual(
      parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull"'),
      {
        scheme: "bearer",
        realm: "https://auth.docker.io/token",
        service: "registry.docker.io",
        scope: "repository:library/ubuntu:pull",
        error: undefined,
      },
    );
  });

  it("reads ACR's insufficient_scope re-challenge, with several scopes in one value", function () {
    const challenge = parseChallenge(
      'Bearer realm="https://r.azurecr.io/oauth2/token",service="r.azurecr.io",scope="repository:app:pull repository:app:push",error="insufficient_scope"',
    );
    assert.equal(challenge?.scope, "repository:app:pull repository:app:push");
    assert.equal(challenge?.error, "insufficient_scope");
  });

  it("takes schemes and parameter names in any case, unquoted values and escaped quotes", function () {
    assert.deepEqual(parseChallenge('BASIC Realm="Registry \\"Realm\\""'), {
      scheme: "basic",
      realm: 'Registry "Realm"',
      service: undefined,
      scope: undefined,
      error: undefined,
    });
    assert.equal(parseChallenge("bearer realm=https://auth.example/token, service=reg")?.service, "reg");
  });

  it("answers undefined for no header and for schemes it does not speak", function () {
    assert.equal(parseChallenge(undefined), undefined);
    assert.equal(parseChallenge(""), undefined);
    assert.equal(parseChallenge('Negotiate realm="x"'), undefined);
    assert.equal(parseChallenge('Digest realm="x", nonce="y"'), undefined);
  });
});

describe("validateRealm", function () {
  const registry = "https://registry.example";

  it("accepts an https realm on another host (Docker Hub's auth.docker.io) and drops a fragment", function () {
    assert.equal(validateRealm("https://auth.example/token#x", registry).toString(), "https://auth.example/token");
  });

  it("resolves a relative realm on the registry's origin", function () {
    assert.equal(validateRealm("/oauth2/token", registry).toString(), "https://registry.example/oauth2/token");
  });

  it("accepts plain http only on the registry's own origin", function () {
    assert.equal(validateRealm("http://127.0.0.1:5000/token", "http://127.0.0.1:5000").origin, "http://127.0.0.1:5000");
  });

  it("refuses a plain-http realm on a remote host, a missing realm and other schemes", function () {
    assert.throws(() => validateRealm("http://auth.example/token", registry), {
      name: "RegistryAuthenticationError",
      message: "registry.example sent a token realm that is not https (http://auth.example); refusing to use it",
    });
    assert.throws(() => validateRealm(undefined, registry), { message: "registry.example sent a Bearer challenge without a realm" });
    assert.throws(() => validateRealm("file:///etc/passwd", registry), RegistryAuthenticationError);
  });
});
