// The token cache: tokens are kept until shortly before they expire (so no
// request races the expiry), and a token's lifetime comes from its JWT `exp`,
// else `expires_in`, else the distribution token spec's 60 seconds.

import * as assert from "node:assert/strict";
import { DEFAULT_TOKEN_LIFETIME_SECONDS, TokenCache, tokenExpiryMs } from "../../../../src/client/auth/tokenCache";

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.c2lnbmF0dXJl`;
}

describe("TokenCache", function () {
  let now = 1_000_000;
  const cache = () => new TokenCache(() => now);

  beforeEach(function () {
    now = 1_000_000;
  });

  it("returns a token until 30 seconds before it expires, then forgets it", function () {
    const tokens = cache();
    tokens.set("repository:app:pull", "t1", now + 60_000);
    now += 29_999;
    assert.equal(tokens.get("repository:app:pull"), "t1");
    now += 1;
    assert.equal(tokens.get("repository:app:pull"), undefined);
    now -= 10_000;
    assert.equal(tokens.get("repository:app:pull"), undefined, "an expired token is dropped, not kept for later");
  });

  it("never returns a token that expires within the margin", function () {
    const tokens = cache();
    tokens.set("k", "short-lived", now + 10_000);
    assert.equal(tokens.get("k"), undefined);
  });

  it("keeps keys apart, replaces on set, and forgets on delete and clear", function () {
    const tokens = cache();
    tokens.set("pull", "a", now + 600_000);
    tokens.set("push", "b", now + 600_000);
    tokens.set("pull", "c", now + 600_000);
    assert.equal(tokens.get("pull"), "c");
    assert.equal(tokens.get("push"), "b");
    tokens.delete("pull");
    assert.equal(tokens.get("pull"), undefined);
    assert.equal(tokens.get("push"), "b");
    tokens.clear();
    assert.equal(tokens.get("push"), undefined);
  });
});

describe("tokenExpiryMs", function () {
  const now = Date.UTC(2026, 0, 1);

  it("uses a JWT's exp claim over expires_in", function () {
    const exp = now / 1000 + 3 * 3600;
    assert.equal(tokenExpiryMs(jwt({ exp }), 60, now), exp * 1000);
  });

  it("uses expires_in for an opaque token", function () {
    assert.equal(tokenExpiryMs("opaque-token", 300, now), now + 300_000);
  });

  it("falls back to the spec's 60 seconds without a usable lifetime", function () {
    assert.equal(DEFAULT_TOKEN_LIFETIME_SECONDS, 60);
    for (const expiresIn of [undefined, 0, -5]) {
      assert.equal(tokenExpiryMs("opaque-token", expiresIn, now), now + 60_000, String(expiresIn));
    }
  });

  it("treats a token that only looks like a JWT as opaque", function () {
    assert.equal(tokenExpiryMs("a.not-json.c", 120, now), now + 120_000);
    assert.equal(tokenExpiryMs(jwt({ exp: "tomorrow" }), 120, now), now + 120_000);
  });
});
