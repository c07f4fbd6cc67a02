// Platforms as users write them and as index entries carry them.

import * as assert from "node:assert/strict";
import { InvalidInputError } from "../../../../src/client/errors";
import { formatPlatform, parsePlatform, platformMatches } from "../../../../src/client/platform";

describe("platforms", function () {
  it("parses os/architecture[/variant] and formats it back", function () {
    assert.deepEqual(parsePlatform("linux/arm64/v8"), { os: "linux", architecture: "arm64", variant: "v8" });
    assert.equal(formatPlatform(parsePlatform("linux/amd64")), "linux/amd64");
  });

  it("refuses anything else", function () {
    for (const bad of ["arm64", "linux/", "/amd64", "linux/arm64/v8/extra", "linux amd64"]) {
      assert.throws(() => parsePlatform(bad), InvalidInputError, bad);
    }
  });

  it("matches any variant when none is asked for, else only that variant", function () {
    const entry = { os: "linux", architecture: "arm", variant: "v7" };
    assert.ok(platformMatches(entry, { os: "linux", architecture: "arm" }));
    assert.ok(platformMatches(entry, { os: "linux", architecture: "arm", variant: "v7" }));
    assert.ok(!platformMatches(entry, { os: "linux", architecture: "arm", variant: "v6" }));
    assert.ok(!platformMatches(entry, { os: "windows", architecture: "arm" }));
  });
});
