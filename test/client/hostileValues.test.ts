// Values a hostile registry hands back, used as if they were safe (issue 11,
// "Registry-supplied values are trusted"): digests and tags with `../` that
// would put another repository's path into a DELETE, wrongly shaped referrers
// indexes, and error text with control characters. Each case asserts the typed
// error naming the field and that the request that must not be sent was not.

import * as assert from "node:assert/strict";
import {
  ContainerRegistryClient,
  type ContainerRegistryClientOptions,
  InvalidRegistryResponseError,
  RegistryError,
} from "../../src/client";
import { type HostileServer, hostileServerPool, json } from "../fixtures/hostileRegistry";
import { collect, sha256 } from "./helpers";

/** The scripted servers of this file; their responses are the README's count. */
const { serve, closeAll, responses } = hostileServerPool();

const VICTIM = sha256(Buffer.from("the victim's manifest"));
const EMPTY_CONFIG = {
  mediaType: "application/vnd.oci.empty.v1+json",
  digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
  size: 2,
};
const MANIFEST = Buffer.from(
  JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: EMPTY_CONFIG, layers: [] }),
);
/** `/v2/app/manifests/<this>` resolves (RFC 3986 dot segments) to `/v2/victim/manifests/<VICTIM>`. */
const TRAVERSAL = `../../victim/manifests/${VICTIM}`;

function clientFor(server: HostileServer, options: ContainerRegistryClientOptions = {}): ContainerRegistryClient {
  return new ContainerRegistryClient(server.url, undefined, { registryKind: "oci", retry: { maxRetries: 0 }, timeoutMs: 5000, ...options });
}

function assertNothingSentTo(server: HostileServer, pattern: RegExp, method?: string): void {
  const sent = server.requests.filter((r) => pattern.test(r.path) && (method === undefined || r.method === method));
  assert.deepEqual(
    sent.map((r) => `${r.method} ${r.path}`),
    [],
    "requests that must not be sent",
  );
}

function invalidValue(field: string | RegExp, message?: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidRegistryResponseError, `${String(error)}`);
    if (typeof field === "string") {
      assert.equal(error.field, field);
    } else {
      assert.match(error.field, field);
    }
    if (message) {
      assert.match(error.message, message);
    }
    return true;
  };
}

describe("values a hostile registry hands back", function () {
  this.timeout(20_000);

  afterEach(async function () {
    await closeAll();
  });

  after(function () {
    console.log(`      (hostile servers, registry values: ${responses()} crafted responses)`);
  });

  describe("digests and tags that would go into a request path", function () {
    it("deleteManifest refuses a Docker-Content-Digest with ../ and sends no DELETE", async function () {
      const server = await serve((req, res) => {
        res
          .writeHead(req.method === "HEAD" ? 200 : 202, { "Docker-Content-Digest": `${VICTIM}/../../../victim/manifests/${VICTIM}` })
          .end();
      });
      await assert.rejects(
        clientFor(server).deleteManifest("app", "v1"),
        invalidValue(
          "Docker-Content-Digest",
          /^Resolve tag failed on 127\.0\.0\.1:\d+: the registry answered with a value the client will not use: Docker-Content-Digest "sha256:[0-9a-f]{64}\/\.\.\/\.\.\/\.\.\/victim\/manifests\/sha256:[0-9a-f]+… is not a valid digest: a digest looks like/,
        ),
      );
      assertNothingSentTo(server, /./, "DELETE");
      assert.deepEqual(
        server.requests.map((r) => `${r.method} ${r.path}`),
        ["HEAD /v2/app/manifests/v1"],
      );
    });

    it("deleteRepository refuses a tag name with ../ from tags/list before any HEAD or DELETE", async function () {
      const server = await serve((req, res, url) => {
        if (url.pathname === "/v2/app/tags/list") {
          return json(res, 200, { name: "app", tags: ["v1", TRAVERSAL] });
        }
        res.writeHead(req.method === "HEAD" ? 200 : 202, { "Docker-Content-Digest": VICTIM }).end();
      });
      await assert.rejects(clientFor(server).deleteRepository("app"), invalidValue("tags/list tags[1]", /is not a valid tag/));
      assertNothingSentTo(server, /manifests/);
    });

    it("deleteRepository refuses a Docker-Content-Digest with ../ on a listed tag and deletes nothing", async function () {
      const server = await serve((req, res, url) => {
        if (url.pathname === "/v2/app/tags/list") {
          return json(res, 200, { name: "app", tags: ["v1"] });
        }
        res.writeHead(req.method === "HEAD" ? 200 : 202, { "Docker-Content-Digest": TRAVERSAL }).end();
      });
      await assert.rejects(clientFor(server).deleteRepository("app"), invalidValue("Docker-Content-Digest"));
      assertNothingSentTo(server, /./, "DELETE");
    });

    it("refuses repository names from the catalog that break the name grammar", async function () {
      const server = await serve((_req, res) => json(res, 200, { repositories: ["ok", "../../etc"] }));
      await assert.rejects(collect(clientFor(server).listRepositoryNames()), invalidValue("_catalog repositories[1]"));
    });

    it("refuses a tag list that is not a list", async function () {
      const server = await serve((_req, res) => json(res, 200, { name: "app", tags: "v1" }));
      await assert.rejects(
        collect(clientFor(server).listTagProperties("app")),
        invalidValue("tags/list tags", /tags\/list tags is not a list/),
      );
    });

    it("refuses a config digest with ../ before reading it as a blob", async function () {
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: { ...EMPTY_CONFIG, mediaType: "application/vnd.oci.image.config.v1+json", digest: TRAVERSAL },
          layers: [],
        }),
      );
      const server = await serve((req, res, url) => {
        if (url.pathname === "/v2/app/tags/list") {
          return json(res, 200, { name: "app", tags: ["v1"] });
        }
        const digest = sha256(manifest);
        if (req.method === "HEAD") {
          return res.writeHead(200, { "Docker-Content-Digest": digest }).end();
        }
        res.writeHead(200, { "Content-Type": "application/vnd.oci.image.manifest.v1+json", "Docker-Content-Digest": digest }).end(manifest);
      });
      await assert.rejects(collect(clientFor(server).listManifestProperties("app")), invalidValue("manifest config.digest"));
      assertNothingSentTo(server, /blobs|victim/);
    });

    it("refuses a layer descriptor without a size, or with a negative one", async function () {
      for (const size of [undefined, -1, 2 ** 60]) {
        const manifest = Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            config: EMPTY_CONFIG,
            layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: VICTIM, size }],
          }),
        );
        const server = await serve((req, res, url) => {
          if (url.pathname === "/v2/app/tags/list") {
            return json(res, 200, { name: "app", tags: ["v1"] });
          }
          res
            .writeHead(200, { "Content-Type": "application/vnd.oci.image.manifest.v1+json", "Docker-Content-Digest": sha256(manifest) })
            .end(req.method === "HEAD" ? undefined : manifest);
        });
        await assert.rejects(
          collect(clientFor(server).listManifestProperties("app")),
          invalidValue("manifest layers[0].size", /is (missing|-1|1152921504606847000), not a byte count/),
        );
      }
    });

    it("ACR: refuses digests and tag names with ../ in /acr/v1 answers", async function () {
      const server = await serve((_req, res, url) => {
        if (url.pathname === "/acr/v1/app/_tags") {
          return json(res, 200, { registry: "x", imageName: "app", tags: [{ name: "v1", digest: TRAVERSAL }] });
        }
        if (url.pathname === "/acr/v1/app/_manifests") {
          return json(res, 200, { registry: "x", imageName: "app", manifests: [{ digest: VICTIM, tags: ["ok", "../x"] }] });
        }
        if (url.pathname === "/acr/v1/_catalog") {
          return json(res, 200, { repositories: ["app/../../x"] });
        }
        res.writeHead(404).end();
      });
      const client = clientFor(server, { registryKind: "acr" });
      await assert.rejects(collect(client.listTagProperties("app")), invalidValue("tag.digest"));
      await assert.rejects(collect(client.listManifestProperties("app")), invalidValue("manifest.tags[1]"));
      await assert.rejects(collect(client.listRepositoryNames()), invalidValue("repositories[0]"));
    });

    it("ACR: refuses a deleteRepository answer listing digests that are not digests", async function () {
      const server = await serve((_req, res) => json(res, 202, { manifestsDeleted: ["sha256:../../x"], tagsDeleted: ["v1"] }));
      await assert.rejects(clientFor(server, { registryKind: "acr" }).deleteRepository("app"), invalidValue("manifestsDeleted[0]"));
    });
  });

  describe("listReferrers parses the index like any manifest", function () {
    const subject = sha256(MANIFEST);

    async function referrersAnswering(body: string | Buffer): Promise<HostileServer> {
      return serve((_req, res) => {
        res.writeHead(200, { "Content-Type": "application/vnd.oci.image.index.v1+json" }).end(body);
      });
    }

    it("a body that is not JSON is an InvalidRegistryResponseError, not a SyntaxError", async function () {
      const server = await referrersAnswering("{not json");
      await assert.rejects(
        clientFor(server).listReferrers("app", subject),
        invalidValue("manifest", /^The referrers index of app@sha256:[0-9a-f]{64} on 127\.0\.0\.1:\d+ is not valid JSON$/),
      );
    });

    it("a JSON array, a null or a string is refused as not an object", async function () {
      for (const body of ["[1,2]", "null", '"index"']) {
        const server = await referrersAnswering(body);
        await assert.rejects(clientFor(server).listReferrers("app", subject), invalidValue("manifest", /is not a JSON object$/));
      }
    });

    it("manifests that is not a list, or entries that are not descriptors, are refused, not returned", async function () {
      const cases: [unknown, string][] = [
        ["all of them", "manifests"],
        [[42], "manifests[0]"],
        [[{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: TRAVERSAL, size: 10 }], "manifests[0].digest"],
        [[{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: VICTIM }], "manifests[0].size"],
        [[{ digest: VICTIM, size: 1 }], "manifests[0].mediaType"],
      ];
      for (const [manifests, field] of cases) {
        const server = await referrersAnswering(
          JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests }),
        );
        await assert.rejects(clientFor(server).listReferrers("app", subject), invalidValue(field));
      }
    });

    it("a valid index still lists its descriptors", async function () {
      const descriptor = {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: VICTIM,
        size: 10,
        artifactType: "application/x-sig",
      };
      const server = await referrersAnswering(
        JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [descriptor] }),
      );
      assert.deepEqual(await clientFor(server).listReferrers("app", subject), [descriptor]);
    });
  });

  describe("error text the registry wrote", function () {
    it("strips CR/LF and terminal escape sequences from error.message and the detail list, and caps the length", async function () {
      const forged = "denied\r\n[INFO] login ok\u001b[2J\u001b]0;pwned\u0007\u009b31m" + "x".repeat(5000);
      const server = await serve((_req, res) =>
        json(res, 403, { errors: [{ code: "DENIED\nFORGED", message: forged, detail: { note: "line\r\nbreak\u001b[31m" } }] }),
      );
      await assert.rejects(clientFor(server).getManifest("app", "v1"), (error: unknown) => {
        assert.ok(error instanceof RegistryError);
        // eslint-disable-next-line no-control-regex
        const control = /[\u0000-\u001f\u007f-\u009f]/;
        assert.doesNotMatch(error.message, control);
        assert.match(
          error.message,
          /^Get manifest failed on 127\.0\.0\.1:\d+: 403 DENIED FORGED: denied \[INFO\] login ok(?:pwned)?x+… \(GET /,
        );
        assert.ok(error.message.length < 700, `capped (${error.message.length} characters)`);
        assert.doesNotMatch(error.errors[0].message!, control);
        assert.ok(error.errors[0].message!.length <= 501);
        assert.doesNotMatch(error.errors[0].code, control);
        assert.deepEqual(error.errors[0].detail, { note: "line break" });
        return true;
      });
    });
  });
});
