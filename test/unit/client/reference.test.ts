// References as users type them, and the <name>/<reference> grammar of the
// OCI distribution spec ("Pulling manifests"). The table of rejected names,
// tags and digests is in test/client/validation.test.ts; these are the parts
// that decide where one piece of a reference ends and the next begins.

import * as assert from "node:assert/strict";
import type { InvalidInputError } from "../../../src/client/errors";
import { formatReference, isDigest, parseReference, splitDigest, validateDigest, validateTagOrDigest } from "../../../src/client/reference";

const SHA256 = `sha256:${"0123456789abcdef".repeat(4)}`;
const SHA512 = `sha512:${"0123456789abcdef".repeat(8)}`;

describe("parseReference", function () {
  it("splits host, repository and tag", function () {
    assert.deepEqual(parseReference("myregistry.azurecr.io/team/app:1.0"), {
      registry: "myregistry.azurecr.io",
      repository: "team/app",
      tag: "1.0",
      digest: undefined,
    });
  });

  it("does not take a port for a tag", function () {
    assert.deepEqual(parseReference("localhost:5000/app"), {
      registry: "localhost:5000",
      repository: "app",
      tag: undefined,
      digest: undefined,
    });
    assert.deepEqual(parseReference("127.0.0.1:5000/a/b:v2"), {
      registry: "127.0.0.1:5000",
      repository: "a/b",
      tag: "v2",
      digest: undefined,
    });
  });

  it("reads a digest after @, with or without a tag before it", function () {
    assert.deepEqual(parseReference(`localhost:5000/a/b@${SHA256}`), {
      registry: "localhost:5000",
      repository: "a/b",
      tag: undefined,
      digest: SHA256,
    });
    assert.deepEqual(parseReference(`ghcr.io/o/r:v1@${SHA256}`), { registry: "ghcr.io", repository: "o/r", tag: "v1", digest: SHA256 });
  });

  it("takes localhost as a host, and trims what was typed around the reference", function () {
    assert.equal(parseReference("  localhost/app:x \n").registry, "localhost");
  });

  it("refuses a reference without a registry host", function () {
    assert.throws(() => parseReference("library/ubuntu:22.04"), {
      name: "InvalidInputError",
      message: `Invalid reference "library/ubuntu:22.04": "library" is not a registry host (a host has a '.' or a ':port', or is localhost)`,
    });
    assert.throws(() => parseReference("ubuntu:22.04"), {
      message: `Invalid reference "ubuntu:22.04": it needs a registry host and a repository, e.g. host/repo:tag`,
    });
    assert.throws(() => parseReference("   "), { message: `Invalid reference "   ": it is empty` });
  });

  it("checks each part with the same rules as input on its own", function () {
    assert.throws(
      () => parseReference("registry.example/App:v1"),
      (e: InvalidInputError) => e.field === "repository name",
    );
    assert.throws(
      () => parseReference("registry.example/app:.v1"),
      (e: InvalidInputError) => e.field === "tag",
    );
    assert.throws(
      () => parseReference("registry.example/app@sha256:abc"),
      (e: InvalidInputError) => e.field === "digest",
    );
  });
});

describe("formatReference", function () {
  it("joins a tag with ':' and a digest with '@', and round-trips through parseReference", function () {
    assert.equal(formatReference("localhost:5000", "a/b", "v1"), "localhost:5000/a/b:v1");
    assert.equal(formatReference("localhost:5000", "a/b", SHA256), `localhost:5000/a/b@${SHA256}`);
    assert.deepEqual(parseReference(formatReference("registry.example", "team/app", SHA256)), {
      registry: "registry.example",
      repository: "team/app",
      tag: undefined,
      digest: SHA256,
    });
  });
});

describe("digests and tags as <reference>", function () {
  it("accepts sha256 and sha512 digests", function () {
    assert.equal(validateDigest(SHA256), SHA256);
    assert.equal(validateDigest(SHA512), SHA512);
  });

  it("refuses a sha512 digest of sha256 length, saying how long it must be", function () {
    assert.throws(() => validateDigest(`sha512:${"a".repeat(64)}`), {
      message: `Invalid digest "sha512:${"a".repeat(64)}": a sha512 digest has 128 lowercase hex characters`,
    });
  });

  it("tells a digest from a tag by its ':' and validates it as such", function () {
    assert.equal(isDigest(SHA256), true);
    assert.equal(isDigest("latest"), false);
    assert.equal(validateTagOrDigest("v1.2_3-rc"), "v1.2_3-rc");
    assert.throws(
      () => validateTagOrDigest("sha256:short"),
      (e: InvalidInputError) => e.field === "digest",
    );
    assert.throws(
      () => validateTagOrDigest("../x"),
      (e: InvalidInputError) => e.field === "tag",
    );
  });

  it("splits a digest at its first ':'", function () {
    assert.deepEqual(splitDigest(SHA256), ["sha256", SHA256.slice(7)]);
    assert.deepEqual(splitDigest("multihash+base58:abc:def"), ["multihash+base58", "abc:def"]);
  });

  it("shortens a very long rejected value in the message", function () {
    const long = "x".repeat(300);
    assert.throws(
      () => validateDigest(long),
      (e: Error) => e.message === `Invalid digest "${"x".repeat(200)}…": a digest looks like sha256:<64 hex characters>`,
    );
  });
});
