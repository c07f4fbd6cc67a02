// The library's one descriptor check (image-spec descriptor.md, image-index.md
// "platform"), and the two errors it is reported with: InvalidRegistryResponseError
// for what a registry served, InvalidDescriptorError for what the copy routine walks.

import * as assert from "node:assert/strict";
import { InvalidDescriptorError, validateDescriptor } from "../../../src/client/content/descriptors";
import { descriptorProblem, MAX_DESCRIPTOR_SIZE } from "../../../src/client/descriptorRules";
import { InvalidRegistryResponseError, RegistryError } from "../../../src/client/errors";
import { registryDescriptor } from "../../../src/client/registryValues";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const LAYER = { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: DIGEST, size: 10 };

describe("descriptorProblem", function () {
  const VALID: [string, unknown][] = [
    ["a plain layer", LAYER],
    ["an empty blob", { ...LAYER, size: 0 }],
    ["the largest size believed", { ...LAYER, size: MAX_DESCRIPTOR_SIZE }],
    ["embedded data (the empty config)", { mediaType: "application/vnd.oci.empty.v1+json", digest: DIGEST, size: 2, data: "e30=" }],
    [
      "an artifact type, annotations and urls",
      { ...LAYER, artifactType: "application/vnd.example+type", annotations: { a: "", b: "x" }, urls: ["https://example.com/l"] },
    ],
    [
      "a full platform",
      {
        ...LAYER,
        mediaType: "application/vnd.docker.distribution.manifest.v2+json",
        platform: {
          architecture: "arm64",
          os: "windows",
          variant: "v8",
          "os.version": "10.0.17763.1",
          "os.features": ["win32k"],
          features: [],
        },
      },
    ],
    ["fields the spec does not know (kept, not checked)", { ...LAYER, extra: { anything: 1 } }],
  ];
  for (const [what, descriptor] of VALID) {
    it(`accepts ${what}`, function () {
      assert.equal(descriptorProblem(descriptor, "d"), undefined);
    });
  }

  const INVALID: [string, unknown, string, RegExp][] = [
    ["a string", "sha256:abc", "d", /^is "sha256:abc", not a descriptor object$/],
    ["null", null, "d", /not a descriptor object/],
    ["a list", [LAYER], "d", /not a descriptor object/],
    ["no mediaType", { digest: DIGEST, size: 1 }, "d.mediaType", /^is missing, not a string$/],
    ["an empty mediaType", { ...LAYER, mediaType: "" }, "d.mediaType", /not a media type/],
    ["a mediaType with a line break", { ...LAYER, mediaType: "text/plain\r\nX-Injected: 1" }, "d.mediaType", /not a media type/],
    ["a mediaType without a subtype", { ...LAYER, mediaType: "application" }, "d.mediaType", /not a media type/],
    ["no digest", { mediaType: LAYER.mediaType, size: 1 }, "d.digest", /^is missing, not a string$/],
    ["a digest with a path", { ...LAYER, digest: "sha256:../../etc/passwd" }, "d.digest", /not a valid digest: a digest looks like/],
    ["a digest with an unknown algorithm", { ...LAYER, digest: "md5:00" }, "d.digest", /unsupported algorithm "md5"/],
    ["no size", { mediaType: LAYER.mediaType, digest: DIGEST }, "d.size", /^is missing, not a byte count$/],
    ["a negative size", { ...LAYER, size: -1 }, "d.size", /^is -1, not a byte count$/],
    ["a fractional size", { ...LAYER, size: 1.5 }, "d.size", /^is 1\.5, not a byte count$/],
    ["a size past the cap", { ...LAYER, size: MAX_DESCRIPTOR_SIZE + 1 }, "d.size", /not a byte count/],
    ["a size that is a string", { ...LAYER, size: "10" }, "d.size", /^is "10", not a byte count$/],
    ["an artifactType that is a number", { ...LAYER, artifactType: 7 }, "d.artifactType", /^is 7, not a string$/],
    ["an artifactType that is no media type", { ...LAYER, artifactType: "sig" }, "d.artifactType", /not a media type/],
    ["urls that is a string", { ...LAYER, urls: "https://example.com" }, "d.urls", /not a list/],
    ["a url that is not one", { ...LAYER, urls: ["https://example.com/a", "not a url"] }, "d.urls[1]", /not a URL/],
    ["annotations that are a list", { ...LAYER, annotations: ["a"] }, "d.annotations", /not a map of strings/],
    [
      "an annotation that is a number",
      { ...LAYER, annotations: { ok: "x", "org.example.n": 1 } },
      'd.annotations["org.example.n"]',
      /^is 1, not a string$/,
    ],
    ["data that is not base64", { ...LAYER, data: "{}" }, "d.data", /not base64/],
    ["a platform that is a string", { ...LAYER, platform: "linux/amd64" }, "d.platform", /not a platform object/],
    ["a platform without an os", { ...LAYER, platform: { architecture: "amd64" } }, "d.platform.os", /^is missing, not a name$/],
    [
      "a platform with an empty architecture",
      { ...LAYER, platform: { architecture: "", os: "linux" } },
      "d.platform.architecture",
      /not a name/,
    ],
    [
      "a variant that is a number",
      { ...LAYER, platform: { architecture: "arm", os: "linux", variant: 7 } },
      "d.platform.variant",
      /not a string/,
    ],
    [
      "os.features with a number",
      { ...LAYER, platform: { architecture: "amd64", os: "windows", "os.features": [1] } },
      "d.platform.os.features[0]",
      /not a string/,
    ],
  ];
  for (const [what, descriptor, field, reason] of INVALID) {
    it(`refuses ${what}, naming ${field}`, function () {
      const problem = descriptorProblem(descriptor, "d");
      assert.ok(problem, "a problem found");
      assert.equal(problem.field, field);
      assert.match(problem.reason, reason);
    });
  }

  it("quotes a hostile value shortened and JSON-escaped, so that it cannot forge lines", function () {
    const problem = descriptorProblem({ ...LAYER, digest: `sha256:\n[INFO] ok${"x".repeat(500)}` }, "d");
    assert.ok(problem);
    assert.doesNotMatch(problem.reason, /\n/);
    assert.ok(problem.reason.length < 250, `${problem.reason.length} characters`);
  });
});

describe("the two errors of the one descriptor check", function () {
  const BAD = { ...LAYER, size: -1 };

  it("a registry's descriptor: InvalidRegistryResponseError (a RegistryError) naming the field and the registry", function () {
    assert.throws(
      () => registryDescriptor(BAD, "manifests[0]", { registry: "registry.example", operation: "list referrers" }),
      (error: unknown) =>
        error instanceof InvalidRegistryResponseError &&
        error instanceof RegistryError &&
        error.field === "manifests[0].size" &&
        error.message ===
          "List referrers failed on registry.example: the registry answered with a value the client will not use: manifests[0].size is -1, not a byte count",
    );
  });

  it("a descriptor the copy routine walks: InvalidDescriptorError naming the field and the manifest, not a RegistryError", function () {
    assert.throws(
      () => validateDescriptor(BAD, "layers[1]", DIGEST),
      (error: unknown) =>
        error instanceof InvalidDescriptorError &&
        !(error instanceof RegistryError) &&
        error.field === "layers[1].size" &&
        error.manifest === DIGEST &&
        error.message === `Invalid descriptor in ${DIGEST}: layers[1].size is -1, not a byte count`,
    );
  });

  it("both return the descriptor itself when it is valid", function () {
    assert.equal(registryDescriptor(LAYER, "d", { registry: "r" }), LAYER);
    assert.equal(validateDescriptor(LAYER, "d", DIGEST), LAYER);
  });
});
