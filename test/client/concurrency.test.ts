// Concurrent work against the registry (issue 11, "Concurrency against the
// registry"): distribution 2.8's tag-delete emulation run many times at once,
// a tag that vanishes between listing and HEAD, concurrent setManifest calls
// sharing a subject on a registry without the referrers API (one client and
// two), a fallback tag that is not an index, a repository deletion that fails
// half-way, and pages that make no progress under ever-new Links.

import * as assert from "node:assert/strict";
import {
  ContainerRegistryClient,
  MediaTypes,
  ReferrersTagConflictError,
  RegistryNotFoundError,
  RegistryPagingError,
  RegistryPermissionError,
} from "../../src/client";
import { type HostileServer, hostileServerPool, json } from "../fixtures/hostileRegistry";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { clientFor, collect, sha256 } from "./helpers";

/** The scripted servers of this file; their responses are the README's count. */
const { serve, closeAll, responses } = hostileServerPool();

const EMPTY = { mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 };

function imageManifest(note: string): object {
  return { schemaVersion: 2, mediaType: MediaTypes.OCI_MANIFEST, config: EMPTY, layers: [EMPTY], annotations: { note } };
}

function referrerOf(subject: { digest: string; size: number }, note: string): object {
  return {
    schemaVersion: 2,
    mediaType: MediaTypes.OCI_MANIFEST,
    artifactType: "application/vnd.example.signature",
    config: EMPTY,
    layers: [EMPTY],
    subject: { mediaType: MediaTypes.OCI_MANIFEST, ...subject },
    annotations: { note },
  };
}

function scriptedClient(server: HostileServer, log?: string[], registryKind: "oci" | "acr" = "oci"): ContainerRegistryClient {
  return new ContainerRegistryClient(server.url, undefined, {
    registryKind,
    retry: { maxRetries: 0 },
    timeoutMs: 5000,
    logRequest: log ? (line) => log.push(line) : undefined,
  });
}

describe("concurrent work against the registry", function () {
  this.timeout(60_000);

  after(function () {
    console.log(`      (hostile servers, concurrency: ${responses()} crafted responses)`);
  });

  afterEach(async function () {
    await closeAll();
  });

  describe("against CNCF distribution 2.8 (no tag DELETE, no referrers API)", function () {
    let registry: RunningRegistry;
    let client: ContainerRegistryClient;

    before(async function () {
      registry = await startRegistry({ auth: "anonymous" });
      client = clientFor(registry);
      await client.uploadBlob("setup/empty", Buffer.from("{}"));
    });

    after(async function () {
      await registry?.stop();
    });

    it("concurrent deleteTag calls on one repository all succeed and leave no dangling tag", async function () {
      const repository = "team/concurrent-deltag";
      await client.uploadBlob(repository, Buffer.from("{}"));
      const { digest } = await client.setManifest(repository, imageManifest("kept"), { tag: "keep" });
      const doomed = Array.from({ length: 20 }, (_, i) => `drop-${i}`);
      for (const tag of doomed) {
        await client.setManifest(repository, imageManifest("kept"), { tag });
      }
      const results = await Promise.allSettled(doomed.map((tag) => client.deleteTag(repository, tag)));
      assert.deepEqual(
        results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok")),
        doomed.map(() => "ok"),
      );
      // Every tag still listed resolves to a manifest that exists: nothing dangling.
      const left = await collect(client.listTagProperties(repository));
      assert.deepEqual(
        left.map((t) => [t.name, t.digest]),
        [["keep", digest]],
      );
      for (const tag of doomed) {
        await assert.rejects(client.getTagProperties(repository, tag), RegistryNotFoundError);
      }
      assert.equal((await client.getManifest(repository, "keep")).digest, digest);
    });

    it("three concurrent setManifest calls with one subject all end up in the fallback index", async function () {
      const repository = "team/concurrent-referrers";
      await client.uploadBlob(repository, Buffer.from("{}"));
      const subject = imageManifest("subject");
      const subjectBytes = Buffer.from(JSON.stringify(subject));
      const { digest } = await client.setManifest(repository, subjectBytes);
      const referrers = await Promise.all(
        ["a", "b", "c"].map((note) => client.setManifest(repository, referrerOf({ digest, size: subjectBytes.length }, note))),
      );
      const listed = await client.listReferrers(repository, digest);
      assert.deepEqual(listed.map((d) => d.digest).sort(), referrers.map((r) => r.digest).sort());
    });

    it("two clients writing referrers of one subject at once lose none (re-read after writing, merge again)", async function () {
      const repository = "team/two-clients-referrers";
      await client.uploadBlob(repository, Buffer.from("{}"));
      const subjectBytes = Buffer.from(JSON.stringify(imageManifest("subject of two")));
      const { digest } = await client.setManifest(repository, subjectBytes);
      const other = clientFor(registry);
      const writes = [];
      for (let i = 0; i < 4; i++) {
        writes.push(client.setManifest(repository, referrerOf({ digest, size: subjectBytes.length }, `first-${i}`)));
        writes.push(other.setManifest(repository, referrerOf({ digest, size: subjectBytes.length }, `second-${i}`)));
      }
      const written = await Promise.all(writes);
      const listed = await client.listReferrers(repository, digest);
      assert.deepEqual(listed.map((d) => d.digest).sort(), written.map((r) => r.digest).sort());
    });

    it("a fallback tag that holds an image manifest is reported, not overwritten", async function () {
      const repository = "team/fallback-conflict";
      await client.uploadBlob(repository, Buffer.from("{}"));
      const subjectBytes = Buffer.from(JSON.stringify(imageManifest("subject with a squatted tag")));
      const { digest } = await client.setManifest(repository, subjectBytes);
      const squatter = await client.setManifest(repository, imageManifest("not an index"), { tag: digest.replace(":", "-") });
      await assert.rejects(client.setManifest(repository, referrerOf({ digest, size: subjectBytes.length }, "x")), (error: unknown) => {
        assert.ok(error instanceof ReferrersTagConflictError, String(error));
        assert.equal(error.tag, digest.replace(":", "-"));
        assert.match(error.message, /holds "application\/vnd\.oci\.image\.manifest\.v1\+json", not an image index; it is left as it is$/);
        return true;
      });
      assert.equal((await client.getManifest(repository, digest.replace(":", "-"))).digest, squatter.digest);
    });
  });

  describe("against scripted registries", function () {
    const digests = { a: sha256(Buffer.from("a")), b: sha256(Buffer.from("b")), c: sha256(Buffer.from("c")) };

    it("a tag deleted between listing and HEAD is skipped and logged, and deleteRepository still deletes the rest", async function () {
      const deletes: string[] = [];
      const server = await serve((req, res, url) => {
        if (url.pathname === "/v2/app/tags/list") {
          return json(res, 200, { name: "app", tags: ["a", "gone", "b"] });
        }
        const reference = url.pathname.split("/").pop()!;
        if (req.method === "DELETE") {
          deletes.push(reference);
          return res.writeHead(202).end();
        }
        if (reference === "gone") {
          return json(res, 404, { errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] });
        }
        res.writeHead(200, { "Docker-Content-Digest": digests[reference as "a" | "b"] }).end();
      });
      const log: string[] = [];
      const client = scriptedClient(server, log);
      const tags = await collect(client.listTagProperties("app"));
      assert.deepEqual(
        tags.map((t) => t.name),
        ["a", "b"],
      );
      assert.ok(
        log.some((line) => /^127\.0\.0\.1:\d+\/app: tag gone was listed but is gone \(404\); skipped$/.test(line)),
        log.join("\n"),
      );
      assert.deepEqual(await client.deleteRepository("app"), { deletedManifests: [digests.a, digests.b], deletedTags: ["a", "b"] });
      assert.deepEqual(deletes, [digests.a, digests.b]);
    });

    it("a deleteRepository that fails half-way says which manifests and tags are already gone", async function () {
      const server = await serve((req, res, url) => {
        if (url.pathname === "/v2/app/tags/list") {
          return json(res, 200, { name: "app", tags: ["a", "also-a", "b", "c"] });
        }
        const reference = url.pathname.split("/").pop()!;
        const digest = reference === "also-a" ? digests.a : (digests[reference as "a" | "b" | "c"] ?? reference);
        if (req.method === "DELETE") {
          return digest === digests.b ? json(res, 403, { errors: [{ code: "DENIED", message: "locked" }] }) : res.writeHead(202).end();
        }
        res.writeHead(200, { "Docker-Content-Digest": digest }).end();
      });
      await assert.rejects(scriptedClient(server).deleteRepository("app"), (error: unknown) => {
        assert.ok(error instanceof RegistryPermissionError, String(error));
        assert.match(
          error.message,
          new RegExp(`403 DENIED: locked .*\\(already deleted before this failure: manifests ${digests.a}; tags a, also-a\\)$`),
        );
        assert.deepEqual(error.deletedBeforeFailure, { deletedManifests: [digests.a], deletedTags: ["a", "also-a"] });
        return true;
      });
      assert.equal(server.requests.filter((r) => r.method === "DELETE").length, 2, "stopped at the failure: c was not deleted");
    });

    it("pages that repeat the same items under ever-new Link URLs stop with a RegistryPagingError", async function () {
      let page = 0;
      const server = await serve((_req, res) => {
        page++;
        json(res, 200, { repositories: ["same-a", "same-b"] }, { Link: `</acr/v1/_catalog?n=2&last=same-b&nonce=${page}>; rel="next"` });
      });
      const names: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const name of scriptedClient(server, undefined, "acr").listRepositoryNames()) {
            names.push(name);
          }
        })(),
        (error: unknown) => {
          assert.ok(error instanceof RegistryPagingError, String(error));
          assert.match(error.message, /^127\.0\.0\.1:\d+ answered with a page that repeats only items already listed; stopped paging$/);
          return true;
        },
      );
      assert.deepEqual(names, ["same-a", "same-b"]);
      assert.equal(server.requests.length, 2);
    });

    it("a page that brings some new items keeps paging", async function () {
      const server = await serve((_req, res, url) => {
        const last = url.searchParams.get("last");
        if (last === null) {
          return json(res, 200, { repositories: ["a", "b"] }, { Link: `</acr/v1/_catalog?n=2&last=b>; rel="next"` });
        }
        json(res, 200, { repositories: ["b", "c"] });
      });
      // ACR passes pages through as the registry sent them (the /v2 dialect windows names after `last` itself).
      assert.deepEqual(await collect(scriptedClient(server, undefined, "acr").listRepositoryNames()), ["a", "b", "b", "c"]);
    });
  });
});
