// Deleting a referrer takes it out of its subject's fallback tag index
// (referrers.ts removeFromFallbackIndex). The subject comes from the
// registry's JSON: a `subject.digest` that is not a digest must not name a
// tag to rewrite. A scripted server (test/fixtures/hostileRegistry.ts) serves
// such a referrer and, under the tag that "digest" would name, an index that
// lists it; the delete goes through and nothing is written.

import * as assert from "node:assert/strict";
import { ContainerRegistryClient, MediaTypes } from "../../src/client";
import { type HostileServer, startHostileServer } from "../fixtures/hostileRegistry";
import { sha256 } from "./helpers";

const EMPTY = { mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 };

describe("deleting a referrer whose subject a hostile registry made up", function () {
  this.timeout(20_000);
  let server: HostileServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  for (const subject of [{ digest: "latest" }, { digest: "sha256-latest" }, { digest: 42 }, "sha256:abc"]) {
    it(`deletes it and rewrites no tag for subject ${JSON.stringify(subject)}`, async () => {
      const referrer = Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.OCI_MANIFEST, config: EMPTY, layers: [], subject }),
      );
      const referrerDigest = sha256(referrer);
      // What the tag the bad "digest" names holds: an index listing the referrer (the old code rewrote it).
      const listing = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaTypes.OCI_INDEX,
          manifests: [{ mediaType: MediaTypes.OCI_MANIFEST, digest: referrerDigest, size: referrer.length }],
        }),
      );
      server = await startHostileServer((req, res) => {
        const url = req.url ?? "";
        if (url === "/v2/" || url === "/v2") {
          res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
        } else if (url === `/v2/app/manifests/${referrerDigest}` && req.method === "DELETE") {
          res.writeHead(202).end();
        } else if (url === `/v2/app/manifests/${referrerDigest}`) {
          res.writeHead(200, { "Content-Type": MediaTypes.OCI_MANIFEST, "Docker-Content-Digest": referrerDigest });
          res.end(req.method === "HEAD" ? undefined : referrer);
        } else if (url.startsWith("/v2/app/manifests/") && (req.method === "GET" || req.method === "HEAD")) {
          res.writeHead(200, { "Content-Type": MediaTypes.OCI_INDEX, "Docker-Content-Digest": sha256(listing) });
          res.end(req.method === "HEAD" ? undefined : listing);
        } else {
          res.writeHead(201).end();
        }
      });
      const client = new ContainerRegistryClient(server.url);
      await client.deleteManifest("app", referrerDigest);
      const sent = server.requests.map((r) => `${r.method} ${r.path}`);
      assert.ok(sent.includes(`DELETE /v2/app/manifests/${referrerDigest}`), sent.join(", "));
      assert.deepEqual(
        sent.filter((r) => r.startsWith("PUT ")),
        [],
        "no tag was written",
      );
    });
  }
});
