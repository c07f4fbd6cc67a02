// Redaction: what may reach an error message or a log line. URLs keep only
// query values known to be harmless; free text loses anything shaped like a
// credential; scrubError cleans an error, its registry details and its cause
// chain in place.

import * as assert from "node:assert/strict";
import { RegistryError } from "../../../src/client/errors";
import { isSecretHeader, REDACTED, redactText, redactUrl, scrubError, secretsOfAuthorization } from "../../../src/client/redact";

describe("redactUrl", function () {
  it("redacts distribution's signed upload state and keeps paging and mount parameters", function () {
    assert.equal(
      redactUrl("https://registry.example/v2/app/blobs/uploads/u1?_state=c2lnbmVk&digest=sha256:abc"),
      "https://registry.example/v2/app/blobs/uploads/u1?_state=REDACTED&digest=sha256%3Aabc",
    );
    assert.equal(
      redactUrl("https://registry.example/v2/app/blobs/uploads/?mount=sha256:abc&from=other/app"),
      "https://registry.example/v2/app/blobs/uploads/?mount=sha256:abc&from=other/app",
    );
    assert.equal(
      redactUrl("https://registry.example/v2/_catalog?n=100&last=team/app"),
      "https://registry.example/v2/_catalog?n=100&last=team/app",
    );
  });

  it("redacts every value of a storage SAS URL", function () {
    assert.equal(
      redactUrl("https://storage.example/c/blob?sv=2021-08-06&se=2030-01-01&sr=b&sp=r&sig=abc%2Bdef%3D"),
      "https://storage.example/c/blob?sv=REDACTED&se=REDACTED&sr=REDACTED&sp=REDACTED&sig=REDACTED",
    );
  });

  it("removes user info", function () {
    assert.equal(redactUrl("https://alice:s3cret@registry.example/v2/"), "https://registry.example/v2/");
  });

  it("keeps a URL with nothing secret in it as written (ACR's and the token service's parameters)", function () {
    const url = "https://registry.example/oauth2/token?service=registry.example&scope=repository:app:pull&api-version=2021-07-01";
    assert.equal(redactUrl(url), url);
  });

  it("redacts the whole query of a URL it cannot parse", function () {
    assert.equal(redactUrl("/v2/app/blobs/uploads/u1?_state=abc&n=1"), "/v2/app/blobs/uploads/u1?REDACTED");
    assert.equal(redactUrl("/v2/app/tags/list"), "/v2/app/tags/list");
  });
});

describe("redactText", function () {
  it("removes Authorization values and keeps their scheme", function () {
    assert.equal(redactText("sent Authorization: Bearer abcdefgh.ijkl-mnop"), `sent Authorization: Bearer ${REDACTED}`);
    assert.equal(redactText("got Basic YWxpY2U6c2VjcmV0 back"), `got Basic ${REDACTED} back`);
  });

  it("removes a JWT anywhere", function () {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
    assert.equal(redactText(`invalid token ${jwt} for scope`), `invalid token ${REDACTED} for scope`);
  });

  it('removes password=, token= and JSON "password": values', function () {
    assert.equal(redactText("grant_type=password&password=hunter2&username=a"), `grant_type=password&password=${REDACTED}&username=a`);
    assert.equal(redactText('{"refresh_token":"r-123","x":1}'), `{"refresh_token":"${REDACTED}","x":1}`);
    assert.equal(redactText("access_token: abc, next"), `access_token: ${REDACTED}, next`);
  });

  it("removes known secrets wherever they appear, but not values too short to tell from words", function () {
    assert.equal(redactText("the password was correct-horse", ["correct-horse"]), `the password was ${REDACTED}`);
    assert.equal(redactText("a text about x and abc", ["x", "abc"]), "a text about x and abc");
  });

  it("leaves ordinary registry messages alone", function () {
    const message = "manifest unknown: the tag v1 does not exist in team/app";
    assert.equal(redactText(message), message);
  });
});

describe("secretsOfAuthorization", function () {
  it("lists a Basic value, its credential, the decoded pair and the password", function () {
    const value = `Basic ${Buffer.from("alice:correct-horse").toString("base64")}`;
    assert.deepEqual(secretsOfAuthorization(value), [value, value.slice(6), "alice:correct-horse", "correct-horse"]);
  });

  it("lists a Bearer value and its token, and nothing for no header", function () {
    assert.deepEqual(secretsOfAuthorization("Bearer tok-123"), ["Bearer tok-123", "tok-123"]);
    assert.deepEqual(secretsOfAuthorization(undefined), []);
  });
});

describe("scrubError", function () {
  it("cleans the message, the stack, the registry's details and the whole cause chain, in place", function () {
    const cause = new Error("socket hang up after sending password=correct-horse");
    const error = new RegistryError("Denied: token Bearer abcdefghijkl is not valid", {
      statusCode: 403,
      errors: [{ code: "DENIED", message: "correct-horse is wrong", detail: { echoed: "Basic YWxpY2U6Y29ycmVjdC1ob3JzZQ==" } }],
      cause,
    });
    const same = scrubError(error, ["correct-horse"]);
    assert.equal(same, error);
    assert.equal(error.message, `Denied: token Bearer ${REDACTED} is not valid`);
    assert.ok(!error.stack!.includes("abcdefghijkl"));
    assert.equal(error.errors[0].message, `${REDACTED} is wrong`);
    assert.deepEqual(error.errors[0].detail, { echoed: `Basic ${REDACTED}` });
    assert.equal(cause.message, `socket hang up after sending password=${REDACTED}`);
  });

  it("ends on a cause chain that loops", function () {
    const a = new Error("a Bearer abcdefghijkl");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    scrubError(a);
    assert.equal(a.message, `a Bearer ${REDACTED}`);
  });
});

describe("isSecretHeader", function () {
  it("knows the credential headers, in any case", function () {
    for (const name of ["Authorization", "proxy-authorization", "Cookie", "Set-Cookie", "x-ms-authorization-auxiliary"]) {
      assert.equal(isSecretHeader(name), true, name);
    }
    assert.equal(isSecretHeader("Docker-Content-Digest"), false);
  });
});
