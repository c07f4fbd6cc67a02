// listRepositoryNames({ prefix }) against a real CNCF distribution registry
// (seeded on disk with a few thousand repositories, as bench/listing.ts does)
// and the ACR stand-in. Distribution's catalog is in path-component order
// (`team/app` before `team-x`), ACR's in plain string order; the prefix
// listing must find exactly the names asked for in both, and with one or two
// catalog requests, counted through a proxy.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ContainerRegistryClient, InvalidInputError, MediaTypes } from "../../src/client";
import { startAcrStandIn, type AcrStandIn } from "../fixtures/acrStandIn";
import { startFaultProxy, type FaultProxy } from "../fixtures/faultProxy";
import { startRegistry, type RunningRegistry } from "../fixtures/registryServer";
import { collect } from "./helpers";

/** The names right around the prefix `team` that a `last=` computed for one order only would skip. */
const AROUND = [
  "tea",
  "tea/x",
  "tea-y",
  "teal",
  "teal/zz",
  "team",
  "team-x",
  "team--y",
  "team.y",
  "team_a",
  "team__b",
  "team0",
  "team9/a",
  "teamz",
  "teamz/a",
  "teb",
];
const TEAM_APPS = Array.from({ length: 150 }, (_, i) => `team/app${String(i).padStart(3, "0")}`);
/** Filler on both sides, so that a listing from the beginning would take many pages. */
const FILLER = Array.from(
  { length: 3000 },
  (_, i) => (i % 2 === 0 ? "aa" : "zz") + `${String(i % 40).padStart(2, "0")}/app${String(i).padStart(4, "0")}`,
);
const ALL = [...AROUND, ...TEAM_APPS, ...FILLER];

/** Distribution 2.8 takes a directory holding `_layers` for a repository (its catalog is a walk). */
function seedOnDisk(registry: RunningRegistry, names: string[]): void {
  const root = path.join(registry.storageDir, "docker/registry/v2/repositories");
  for (const name of names) {
    fs.mkdirSync(path.join(root, name, "_layers"), { recursive: true });
    fs.mkdirSync(path.join(root, name, "_manifests", "tags"), { recursive: true });
  }
}

/** Distribution's order: component by component, '/' before any other character. */
function pathOrder(names: string[]): string[] {
  return [...names].sort((a, b) => (a.replaceAll("/", "\0") < b.replaceAll("/", "\0") ? -1 : 1));
}

describe("listing repositories by prefix", function () {
  this.timeout(120_000);

  describe("on CNCF distribution", function () {
    let registry: RunningRegistry;
    let proxy: FaultProxy;
    let client: ContainerRegistryClient;

    before(async function () {
      registry = await startRegistry({ auth: "anonymous" });
      seedOnDisk(registry, ALL);
      proxy = await startFaultProxy(registry.url);
      client = new ContainerRegistryClient(proxy.url, undefined, { registryKind: "oci", allowInsecureHttp: true });
    });

    after(async function () {
      await proxy?.close();
      await registry?.stop();
    });

    const catalogRequests = (): string[] => proxy.requests.filter((r) => r.path.startsWith("/v2/_catalog")).map((r) => r.path);

    it("lists everything in path-component order, by pages that cross team/ and team-x", async function () {
      const names: string[] = [];
      for await (const page of client.listRepositoryNames().byPage({ maxPageSize: 7 })) {
        names.push(...page);
      }
      assert.deepEqual(names, pathOrder(ALL));
      assert.ok(names.indexOf("team/app149") < names.indexOf("team-x"), "distribution puts team/… before team-x");
    });

    for (const prefix of [
      "team",
      "team/",
      "team-",
      "team/app14",
      "tea",
      "teal",
      "team0",
      "teamz",
      "t",
      "aa00/",
      "zz39/app2999",
      "nothing-here",
      "a",
    ]) {
      it(`finds exactly the names starting with "${prefix}", in the registry's order, in at most two requests per page of matches`, async function () {
        const expected = pathOrder(ALL).filter((name) => name.startsWith(prefix));
        proxy.requests.length = 0;
        const names: string[] = [];
        for await (const page of client.listRepositoryNames({ prefix }).byPage({ maxPageSize: 100 })) {
          names.push(...page);
        }
        assert.deepEqual(names, expected);
        const requests = catalogRequests();
        assert.ok(
          requests.length <= Math.ceil(expected.length / 100) + 1,
          `${requests.length} requests for ${expected.length} names: ${requests.join(" ")}`,
        );
        if (prefix.length > 1) {
          assert.match(requests[0], /[?&]last=/, "the first request starts near the prefix");
        }
      });
    }

    it("finds team/ among 3,000 repositories with one request when the page is large enough", async function () {
      proxy.requests.length = 0;
      const names = await collect(client.listRepositoryNames({ prefix: "team/" }).byPage({ maxPageSize: 1000 }));
      assert.deepEqual(names.flat(), TEAM_APPS);
      assert.equal(catalogRequests().length, 1);
    });

    it("resumes a prefix listing from a page's continuation token", async function () {
      const pages = client.listRepositoryNames({ prefix: "team/" }).byPage({ maxPageSize: 100 });
      const first = (await pages.next()).value as string[] & { continuationToken?: string };
      assert.ok(first.continuationToken);
      const rest = await collect(
        client.listRepositoryNames({ prefix: "team/" }).byPage({ maxPageSize: 100, continuationToken: first.continuationToken }),
      );
      assert.deepEqual([...first, ...rest.flat()], TEAM_APPS);
    });

    for (const prefix of ["Team", "/team", "team//", "-team", "team_-", "team-/", "team/.", "ñ", "a".repeat(256)]) {
      it(`refuses the prefix ${JSON.stringify(prefix.slice(0, 20))} before any request`, async function () {
        proxy.requests.length = 0;
        const fresh = new ContainerRegistryClient(proxy.url, undefined, { allowInsecureHttp: true });
        assert.throws(
          () => fresh.listRepositoryNames({ prefix }),
          (error: unknown) => error instanceof InvalidInputError && /repository prefix/.test(error.message),
        );
        assert.equal(proxy.requests.length, 0);
      });
    }
  });

  describe("on the ACR stand-in", function () {
    let registry: RunningRegistry;
    let acr: AcrStandIn;
    let client: ContainerRegistryClient;
    const admin = { username: "acradmin", password: "admin-pass" };
    const names = ["tea", "team", "team-x", "team/app", "team/db", "team.y", "team0", "teamz", "teb"];

    before(async function () {
      registry = await startRegistry({ auth: "anonymous" });
      acr = await startAcrStandIn({ upstream: registry.url, adminUser: admin });
      client = new ContainerRegistryClient(acr.url, admin, { allowInsecureHttp: true });
      for (const name of names) {
        await client.uploadBlob(name, Buffer.from("{}"));
        await client.setManifest(
          name,
          {
            schemaVersion: 2,
            mediaType: MediaTypes.OCI_MANIFEST,
            artifactType: "application/vnd.example.prefix",
            config: { mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 },
            layers: [{ mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 }],
          },
          { tag: "v1" },
        );
      }
    });

    after(async function () {
      await acr?.stop();
      await registry?.stop();
    });

    for (const [prefix, expected] of [
      ["team/", ["team/app", "team/db"]],
      ["team", ["team", "team-x", "team.y", "team/app", "team/db", "team0", "teamz"]],
      ["team-", ["team-x"]],
      ["te", [...names].sort()],
    ] as const) {
      it(`finds "${prefix}" in ACR's plain string order with one catalog request`, async function () {
        await client.getCapabilities();
        acr.resetRecords();
        const found = (await collect(client.listRepositoryNames({ prefix }).byPage({ maxPageSize: 100 }))).flat();
        assert.deepEqual(found, expected);
        const catalog = acr.requests.filter((r) => r.url.startsWith("/acr/v1/_catalog") && r.status === 200);
        assert.equal(catalog.length, 1, catalog.map((r) => r.url).join(" "));
      });
    }
  });
});
