// Image references as pasted from docs and `docker pull` lines, normalised
// the way Docker's reference package does (distribution/reference,
// normalize.go): Docker Hub's default host, its `library/` prefix, and its
// API host registry-1.docker.io.

import * as assert from "node:assert/strict";
import { InvalidInputError } from "../../../src/client/errors";
import { formatImageReference, isDockerHubHost, parseImageReference } from "../../../src/client/imageReference";

const SHA256 = `sha256:${"0123456789abcdef".repeat(4)}`;

describe("parseImageReference", function () {
  it("takes a bare name for Docker Hub's official image, tag latest", function () {
    assert.deepEqual(parseImageReference("nginx"), {
      registry: "docker.io",
      apiHost: "registry-1.docker.io",
      repository: "library/nginx",
      tag: undefined,
      digest: undefined,
      tagOrDigest: "latest",
    });
  });

  it("normalises every Docker Hub alias to docker.io and adds library/ only to one-component names", function () {
    for (const typed of [
      "docker.io/library/nginx:1.27",
      "index.docker.io/nginx:1.27",
      "registry-1.docker.io/library/nginx:1.27",
      "nginx:1.27",
    ]) {
      const parsed = parseImageReference(typed);
      assert.equal(parsed.registry, "docker.io", typed);
      assert.equal(parsed.apiHost, "registry-1.docker.io", typed);
      assert.equal(parsed.repository, "library/nginx", typed);
      assert.equal(parsed.tagOrDigest, "1.27", typed);
    }
    assert.equal(parseImageReference("bitnami/redis").repository, "bitnami/redis");
    assert.equal(parseImageReference("docker.io/bitnami/redis").repository, "bitnami/redis");
  });

  it("takes the first component as a host only with a '.', a ':' or localhost", function () {
    assert.equal(parseImageReference("team/app:1").registry, "docker.io");
    assert.equal(parseImageReference("team/app:1").repository, "team/app");
    const local = parseImageReference("localhost/app");
    assert.deepEqual([local.registry, local.apiHost, local.repository], ["localhost", "localhost", "app"]);
    const loopback = parseImageReference("127.0.0.1:5000/samples/hello:v1");
    assert.deepEqual([loopback.registry, loopback.repository, loopback.tag], ["127.0.0.1:5000", "samples/hello", "v1"]);
    const acr = parseImageReference("MyRegistry.azurecr.io/team/app");
    assert.equal(acr.registry, "myregistry.azurecr.io");
    assert.equal(acr.apiHost, "myregistry.azurecr.io");
  });

  it("does not take a port for a tag, and prefers the digest when both are given", function () {
    const portOnly = parseImageReference("localhost:5000/app");
    assert.equal(portOnly.tag, undefined);
    assert.equal(portOnly.tagOrDigest, "latest");
    const both = parseImageReference(`ghcr.io/org/app:1.0@${SHA256}`);
    assert.deepEqual([both.tag, both.digest, both.tagOrDigest], ["1.0", SHA256, SHA256]);
  });

  it("accepts skopeo's docker:// transport and surrounding spaces", function () {
    assert.equal(parseImageReference("  docker://ghcr.io/org/app:1 ").repository, "org/app");
  });

  it("refuses what is not a reference, saying which part is wrong", function () {
    const cases: [string, RegExp][] = [
      ["", /empty/],
      ["https://ghcr.io/org/app", /without a URL scheme/],
      ["ghcr.io/Org/App", /lowercase/],
      ["ghcr.io/org/app:bad tag", /tags start with/],
      ["ghcr.io/org/app@sha256:abc", /64 lowercase hex/],
      ["ghcr.io/", /empty/],
      ["bad_host.io:x/app", /not a registry host/],
    ];
    for (const [typed, reason] of cases) {
      assert.throws(
        () => parseImageReference(typed),
        (error: unknown) => error instanceof InvalidInputError && reason.test(error.message),
        typed,
      );
    }
  });
});

describe("formatImageReference", function () {
  it("writes references back the way docker prints them", function () {
    assert.equal(formatImageReference(parseImageReference("nginx")), "docker.io/library/nginx:latest");
    assert.equal(formatImageReference(parseImageReference(`ghcr.io/org/app@${SHA256}`)), `ghcr.io/org/app@${SHA256}`);
    assert.equal(formatImageReference(parseImageReference("127.0.0.1:5000/a:v1")), "127.0.0.1:5000/a:v1");
  });

  it("knows Docker Hub's names", function () {
    assert.ok(isDockerHubHost("INDEX.docker.io"));
    assert.ok(!isDockerHubHost("ghcr.io"));
  });
});
