// The registry endpoint the user gives: normalised to an origin and a login
// server, and the plain-HTTP rule (http:// only for loopback, or when allowed
// for that registry). The table of refused endpoints is in
// test/client/validation.test.ts.

import * as assert from "node:assert/strict";
import { isLoopbackHost, parseEndpoint } from "../../../src/client/endpoint";
import { InvalidInputError } from "../../../src/client/errors";

describe("parseEndpoint", function () {
  it("takes a bare host as https", function () {
    assert.deepEqual(parseEndpoint("myregistry.azurecr.io"), {
      origin: "https://myregistry.azurecr.io",
      loginServer: "myregistry.azurecr.io",
      hostname: "myregistry.azurecr.io",
    });
  });

  it("keeps the port in the login server and drops trailing slashes and spaces", function () {
    assert.deepEqual(parseEndpoint("  https://registry.example:8443/// "), {
      origin: "https://registry.example:8443",
      loginServer: "registry.example:8443",
      hostname: "registry.example",
    });
  });

  it("drops the default port, as the URL does", function () {
    assert.equal(parseEndpoint("https://registry.example:443").loginServer, "registry.example");
  });

  it("lowercases the host", function () {
    assert.equal(parseEndpoint("Registry.EXAMPLE").origin, "https://registry.example");
  });

  it("allows plain http on loopback", function () {
    assert.equal(parseEndpoint("http://127.0.0.1:5000").origin, "http://127.0.0.1:5000");
    assert.equal(parseEndpoint("http://localhost:5000").loginServer, "localhost:5000");
    assert.equal(parseEndpoint("http://[::1]:5000").loginServer, "[::1]:5000");
  });

  it("allows plain http to another host only when asked to", function () {
    assert.throws(() => parseEndpoint("http://registry.internal:5000"), InvalidInputError);
    assert.equal(parseEndpoint("http://registry.internal:5000", true).origin, "http://registry.internal:5000");
  });

  it("never repeats a password given in the URL", function () {
    assert.throws(
      () => parseEndpoint("https://alice:s3cret-pw@registry.example"),
      (error: InvalidInputError) => {
        assert.match(error.message, /put credentials in the credential argument, not in the URL/);
        assert.ok(!error.message.includes("s3cret-pw") && !error.value.includes("s3cret-pw"));
        return true;
      },
    );
  });
});

describe("isLoopbackHost", function () {
  it("knows localhost, 127.0.0.0/8 and ::1 (bracketed or not)", function () {
    for (const host of ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]"]) {
      assert.equal(isLoopbackHost(host), true, host);
    }
  });

  it("does not take look-alikes for loopback", function () {
    for (const host of ["127.0.0.1.example.com", "localhost.example", "128.0.0.1", "10.0.0.1", "::2", "0.0.0.0"]) {
      assert.equal(isLoopbackHost(host), false, host);
    }
  });
});
