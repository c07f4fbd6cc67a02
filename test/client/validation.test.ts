// Bad input is refused with a message that says what is wrong, before any
// request: a table of cases, then a check that nothing reached the server.

import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import {
  ContainerRegistryClient,
  InvalidInputError,
  parseEndpoint,
  parseReference,
  validateDigest,
  validateRepositoryName,
  validateTag,
} from "../../src/client";
import * as client from "../../src/client";

const HEX64 = "a".repeat(64);

const BAD_INPUT: { what: string; check: () => unknown; message: RegExp }[] = [
  { what: "empty repository", check: () => validateRepositoryName(""), message: /repository name "": it is empty/ },
  { what: "uppercase repository", check: () => validateRepositoryName("Team/App"), message: /must be lowercase/ },
  { what: "leading slash", check: () => validateRepositoryName("/app"), message: /path components must not be empty/ },
  { what: "double slash", check: () => validateRepositoryName("a//b"), message: /path components must not be empty/ },
  { what: "trailing separator", check: () => validateRepositoryName("app-"), message: /lowercase letters, digits/ },
  { what: "space in repository", check: () => validateRepositoryName("my app"), message: /lowercase letters, digits/ },
  { what: "path traversal", check: () => validateRepositoryName("../etc"), message: /lowercase letters, digits/ },
  { what: "too long repository", check: () => validateRepositoryName("a".repeat(256)), message: /longer than 255/ },
  { what: "empty tag", check: () => validateTag(""), message: /tag "": it is empty/ },
  { what: "tag with slash", check: () => validateTag("v1/2"), message: /tags start with/ },
  { what: "tag starting with dot", check: () => validateTag(".hidden"), message: /tags start with/ },
  { what: "tag too long", check: () => validateTag("a".repeat(129)), message: /at most 128/ },
  { what: "digest without algorithm", check: () => validateDigest(HEX64), message: /sha256:<64 hex/ },
  { what: "short sha256", check: () => validateDigest("sha256:abc"), message: /64 lowercase hex/ },
  { what: "uppercase hex", check: () => validateDigest(`sha256:${"A".repeat(64)}`), message: /64 lowercase hex/ },
  { what: "unknown algorithm", check: () => validateDigest(`md5:${HEX64}`), message: /unsupported algorithm "md5"/ },
  { what: "endpoint with path", check: () => parseEndpoint("registry.example.com/v2"), message: /without a path/ },
  { what: "endpoint with credentials", check: () => parseEndpoint("https://u:p@registry.example.com"), message: /not in the URL/ },
  { what: "ftp endpoint", check: () => parseEndpoint("ftp://registry.example.com"), message: /scheme must be https/ },
  { what: "plain http to a remote host", check: () => parseEndpoint("http://registry.example.com"), message: /only used for loopback/ },
  { what: "empty endpoint", check: () => parseEndpoint("  "), message: /it is empty/ },
  { what: "reference without host", check: () => parseReference("app:1.0"), message: /needs a registry host/ },
  { what: "reference with bad digest", check: () => parseReference("example.com/app@sha256:xyz"), message: /64 lowercase hex/ },
  { what: "reference host that is not a host", check: () => parseReference("team/app:1"), message: /is not a registry host/ },
  // Gaps checked for issue 4: control characters, traversal, odd encodings, schemes, look-alike loopback hosts, non-strings.
  { what: "digest with a trailing newline", check: () => validateDigest(`sha256:${HEX64}\n`), message: /Invalid digest/ },
  { what: "digest with a leading space", check: () => validateDigest(` sha256:${HEX64}`), message: /Invalid digest/ },
  { what: "sha512 digest of sha256 length", check: () => validateDigest(`sha512:${HEX64}`), message: /sha512/ },
  { what: "tag with a NUL byte", check: () => validateTag("v1\u0000"), message: /tags start with/ },
  { what: "tag with a newline", check: () => validateTag("v1\n"), message: /tags start with/ },
  { what: "tag with non-ASCII letters", check: () => validateTag("vé"), message: /tags start with/ },
  { what: "repository with non-ASCII letters", check: () => validateRepositoryName("café"), message: /lowercase letters, digits/ },
  { what: "repository with an encoded slash", check: () => validateRepositoryName("a%2fb"), message: /lowercase letters, digits/ },
  { what: "repository with a .. component", check: () => validateRepositoryName("a/../b"), message: /lowercase letters, digits/ },
  { what: "repository with a . component", check: () => validateRepositoryName("a/./b"), message: /lowercase letters, digits/ },
  { what: "repository with a backslash", check: () => validateRepositoryName("a\\b"), message: /lowercase letters, digits/ },
  { what: "repository with a trailing newline", check: () => validateRepositoryName("app\n"), message: /lowercase letters, digits/ },
  { what: "repository that is not a string", check: () => validateRepositoryName(undefined as unknown as string), message: /it is empty/ },
  { what: "endpoint with a query", check: () => parseEndpoint("registry.example.com?x=1"), message: /without a path or query/ },
  { what: "endpoint with a fragment", check: () => parseEndpoint("registry.example.com#x"), message: /without a path or query/ },
  { what: "javascript: endpoint", check: () => parseEndpoint("javascript:alert(1)"), message: /not a valid host or URL/ },
  { what: "file: endpoint", check: () => parseEndpoint("file:///etc/passwd"), message: /scheme must be https/ },
  { what: "endpoint with a space", check: () => parseEndpoint("regi stry.example.com"), message: /not a valid host or URL/ },
  { what: "endpoint port out of range", check: () => parseEndpoint("registry.example.com:99999"), message: /not a valid host or URL/ },
  { what: "endpoint with a newline and a path", check: () => parseEndpoint("registry.example.com\n/evil"), message: /without a path/ },
  {
    what: "plain http to a host that only starts like localhost",
    check: () => parseEndpoint("http://localhost.evil.example"),
    message: /only used for loopback/,
  },
  { what: "plain http to 0.0.0.0", check: () => parseEndpoint("http://0.0.0.0:5000"), message: /only used for loopback/ },
  {
    what: "endpoint with credentials and a bad port (no password in the message)",
    check: () => parseEndpoint("https://u:hunter2@registry.example.com:99999"),
    message:
      /^Invalid registry endpoint "https:\/\/registry\.example\.com:99999": put credentials in the credential argument, not in the URL$/,
  },
  {
    what: "endpoint with credentials and a wrong scheme (no password in the message)",
    check: () => parseEndpoint("ftp://u:hunter2@registry.example.com"),
    message: /^Invalid registry endpoint "ftp:\/\/registry\.example\.com": put credentials/,
  },
  { what: "reference with a space", check: () => parseReference("example.com/app :v1"), message: /Invalid repository name/ },
  { what: "empty reference", check: () => parseReference(""), message: /reference "": it is empty/ },
];

describe("input validation", function () {
  for (const { what, check, message } of BAD_INPUT) {
    it(`rejects ${what}`, function () {
      assert.throws(check, (error: unknown) => error instanceof InvalidInputError && message.test(error.message));
    });
  }

  it("accepts what the spec allows", function () {
    for (const name of ["a", "team/app", "a.b_c__d-e/f--g", "x/y/z/w"]) {
      assert.equal(validateRepositoryName(name), name);
    }
    for (const tag of ["latest", "v1.2.3", "_private", "A".repeat(128)]) {
      assert.equal(validateTag(tag), tag);
    }
    assert.equal(validateDigest(`sha256:${HEX64}`), `sha256:${HEX64}`);
    assert.equal(validateDigest(`sha512:${"b".repeat(128)}`), `sha512:${"b".repeat(128)}`);
    assert.deepEqual(parseEndpoint("myregistry.azurecr.io"), {
      origin: "https://myregistry.azurecr.io",
      loginServer: "myregistry.azurecr.io",
      hostname: "myregistry.azurecr.io",
    });
    assert.equal(parseEndpoint("http://127.0.0.1:5000/").origin, "http://127.0.0.1:5000");
    assert.equal(parseEndpoint("http://registry.internal", true).origin, "http://registry.internal");
    assert.deepEqual(parseReference("localhost:5000/team/app:1.0"), {
      registry: "localhost:5000",
      repository: "team/app",
      tag: "1.0",
      digest: undefined,
    });
    assert.deepEqual(parseReference(`example.com/app@sha256:${HEX64}`), {
      registry: "example.com",
      repository: "app",
      tag: undefined,
      digest: `sha256:${HEX64}`,
    });
  });

  describe("no request leaves for bad input", function () {
    let server: http.Server;
    let requests = 0;
    let client: ContainerRegistryClient;

    before(async function () {
      server = http.createServer((_req, res) => {
        requests++;
        res.writeHead(500).end();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      client = new ContainerRegistryClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });

    after(function () {
      server.close();
    });

    const calls: [string, (c: ContainerRegistryClient) => Promise<unknown>][] = [
      ["getManifest with a bad tag", (c) => c.getManifest("app", "bad tag")],
      ["getManifest with a bad repository", (c) => c.getManifest("App", "v1")],
      ["downloadBlob with a bad digest", (c) => c.downloadBlob("app", "sha256:123")],
      ["deleteBlob with a bad digest", (c) => c.deleteBlob("app", "nope")],
      ["uploadBlob to a bad repository", (c) => c.uploadBlob("bad//repo", Buffer.from("x"))],
      ["setManifest with a bad tag", (c) => c.setManifest("app", {}, { tag: "-x" })],
      ["deleteTag with a bad tag", (c) => c.deleteTag("app", "a/b")],
      ["deleteManifest with a bad reference", (c) => c.deleteManifest("app", "sha256:zz")],
      ["updateTagProperties with a bad repository", (c) => c.updateTagProperties("UPPER", "v1", { canWrite: false })],
      ["listTagProperties filtered by a bad digest", async (c) => c.listTagProperties("app", { digest: "sha1:00" })],
      ["getRepositoryProperties with an empty name", (c) => c.getRepositoryProperties("")],
      ["uploadBlob of a source with a negative size", (c) => c.uploadBlob("app", { sizeInBytes: -1, open: () => Readable.from([]) })],
      ["uploadBlob of a source with a fractional size", (c) => c.uploadBlob("app", { sizeInBytes: 1.5, open: () => Readable.from([]) })],
      ["downloadBlob with a digest that has a newline", (c) => c.downloadBlob("app", `sha256:${HEX64}\n`)],
      ["getManifest with a traversal repository", (c) => c.getManifest("a/../../v2", "v1")],
    ];
    for (const [what, call] of calls) {
      it(`refuses ${what} before sending`, async function () {
        await assert.rejects(async () => call(client), InvalidInputError);
        assert.equal(requests, 0);
      });
    }
  });
});

describe("one root error class", function () {
  it("every error class the library exports extends ContainerRegistryClientError", function () {
    const errorClasses = (Object.entries(client) as [string, unknown][]).filter(
      (entry): entry is [string, typeof Error] =>
        typeof entry[1] === "function" && /Error$/.test(entry[0]) && (entry[1] as typeof Error).prototype instanceof Error,
    );
    assert.ok(errorClasses.length >= 11, `only ${errorClasses.length} error classes exported`);
    for (const [name, value] of errorClasses) {
      if (name !== "ContainerRegistryClientError") {
        assert.ok(value.prototype instanceof client.ContainerRegistryClientError, `${name} does not extend ContainerRegistryClientError`);
      }
    }
  });

  it("a bad page size is an InvalidInputError naming the field", async function () {
    const registry = new client.ContainerRegistryClient("http://127.0.0.1:9");
    await assert.rejects(
      registry.listRepositoryNames().byPage({ maxPageSize: 0 }).next(),
      (error: unknown) => error instanceof client.InvalidInputError && error.field === "maxPageSize",
    );
  });
});
