// Clean-up rules are checked before any request: a tag pattern that is not a
// regular expression, is too long, or would backtrack for ever is refused.

import * as assert from "node:assert/strict";
import { checkCleanupRules } from "../../../src/client/cleanup";
import { InvalidInputError } from "../../../src/client/errors";

describe("checkCleanupRules: tag patterns", () => {
  it("anchors a pattern: v1.* matches tags that start with v1, not tags that contain it", () => {
    const pattern = checkCleanupRules({ tagPattern: "v1.*" });
    assert.ok(pattern?.test("v1.2"));
    assert.ok(!pattern?.test("dev-v1.2"));
  });

  it("accepts everyday patterns, a bounded repeat inside a group among them", () => {
    for (const tagPattern of ["pr-\\d+", "(dev|test)-.*", "build-[0-9]{3}", "(v\\d+\\.){2}\\d+", "release-(\\d+)\\.x"]) {
      assert.ok(checkCleanupRules({ tagPattern }) instanceof RegExp, tagPattern);
    }
  });

  it("refuses a group that repeats and itself repeats, before any matching could hang", () => {
    for (const tagPattern of ["(a+)+", "(v\\d+)*", "(x|y*)+", "(ab{2,})+", "([a-z]+){2,}"]) {
      assert.throws(
        () => checkCleanupRules({ tagPattern }),
        (error: unknown) => error instanceof InvalidInputError && /repeats a group that itself repeats/.test(error.message),
        tagPattern,
      );
    }
  });

  it("refuses a pattern longer than any tag needs, and one that is not a regular expression", () => {
    assert.throws(() => checkCleanupRules({ tagPattern: "a".repeat(257) }), /longer than 256 characters/);
    assert.throws(() => checkCleanupRules({ tagPattern: "v1.(" }), /is not a valid regular expression/);
  });
});
