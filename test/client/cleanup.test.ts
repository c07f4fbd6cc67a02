// planCleanup / executeCleanup and addTag against a real CNCF distribution
// registry (ages from the image configs' `created`, tagged manifests only)
// and the ACR stand-in (lastUpdatedOn, locks, untagged manifests).

import * as assert from "node:assert/strict";
import {
  type CleanupPlan,
  ContainerRegistryClient,
  InvalidInputError,
  MediaTypes,
  RegistryNotFoundError,
  RegistryPermissionError,
} from "../../src/client";
import { type AcrStandIn, startAcrStandIn } from "../fixtures/acrStandIn";
import { type FaultProxy, startFaultProxy } from "../fixtures/faultProxy";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { pushManifest } from "../fixtures/seed";
import { sha256 } from "./helpers";

const ADMIN = { username: "acradmin", password: "admin-pass" };

/** Pushes a one-layer image whose config says `created` (or nothing), under the tags given (the first by PUT, the rest by addTag). */
async function pushAged(
  client: ContainerRegistryClient,
  repository: string,
  name: string,
  created: string | undefined,
  tags: string[],
): Promise<string> {
  const layer = await client.uploadBlob(repository, Buffer.from(`layer of ${name}`));
  const config = await client.uploadBlob(
    repository,
    Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        ...(created ? { created } : {}),
        rootfs: { type: "layers", diff_ids: [layer.digest] },
      }),
    ),
  );
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.OCI_MANIFEST,
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config.digest, size: config.sizeInBytes },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: layer.digest, size: layer.sizeInBytes }],
  };
  const { digest } = await client.setManifest(repository, manifest, tags.length ? { tag: tags[0] } : {});
  for (const tag of tags.slice(1)) {
    await client.addTag(repository, digest, tag);
  }
  return digest;
}

async function pushIndex(client: ContainerRegistryClient, repository: string, platform: string, tag: string): Promise<string> {
  const child = await client.getManifest(repository, platform);
  const index = {
    schemaVersion: 2,
    mediaType: MediaTypes.OCI_INDEX,
    manifests: [
      {
        mediaType: child.mediaType,
        digest: child.digest,
        size: child.content.byteLength,
        platform: { architecture: "amd64", os: "linux" },
      },
    ],
  };
  return (await client.setManifest(repository, index, { tag })).digest;
}

interface Seeded {
  old: string;
  mid: string;
  recent: string;
  dev: string;
  undated: string;
  plat: string;
  multi: string;
}

async function seed(client: ContainerRegistryClient, repository: string): Promise<Seeded> {
  const plat = await pushAged(client, repository, "plat", "2019-01-01T00:00:00Z", ["plat-amd64"]);
  return {
    plat,
    multi: await pushIndex(client, repository, plat, "multi"),
    old: await pushAged(client, repository, "old", "2020-01-01T00:00:00Z", ["v1"]),
    mid: await pushAged(client, repository, "mid", "2021-01-01T00:00:00Z", ["v2"]),
    recent: await pushAged(client, repository, "recent", "2022-01-01T00:00:00Z", ["v3", "latest"]),
    dev: await pushAged(client, repository, "dev", "2023-01-01T00:00:00Z", ["dev-1"]),
    undated: await pushAged(client, repository, "undated", undefined, ["v0"]),
  };
}

const sorted = (digests: string[]): string[] => [...digests].sort();
const keptFor = (plan: CleanupPlan, digest: string): string | undefined => plan.keep.find((k) => k.digest === digest)?.reason;

describe("clean-up against distribution (ages from the image config)", function () {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let client: ContainerRegistryClient;
  let repoCount = 0;
  const freshRepo = async (): Promise<{ repository: string; s: Seeded }> => {
    const repository = `clean/app${++repoCount}`;
    return { repository, s: await seed(client, repository) };
  };

  before(async function () {
    registry = await startRegistry({ deleteEnabled: true });
    proxy = await startFaultProxy(registry.url);
    client = new ContainerRegistryClient(proxy.url);
  });

  after(async function () {
    await proxy?.close();
    await registry?.stop();
  });

  it("keepLatest keeps the N newest by created; unknown age and index platforms are kept with reasons; nothing changes", async function () {
    const { repository, s } = await freshRepo();
    proxy.requests.length = 0;
    const plan = await client.planCleanup(repository, { keepLatest: 2 });
    assert.deepEqual(
      plan.delete.map((d) => d.digest),
      [s.mid, s.old, s.multi],
      "newest first: 2021, 2020, the index (its platform is 2019)",
    );
    assert.equal(plan.delete[0].lastUpdatedOn?.toISOString(), "2021-01-01T00:00:00.000Z");
    assert.equal(keptFor(plan, s.dev), "among the newest");
    assert.equal(keptFor(plan, s.recent), "among the newest");
    assert.equal(keptFor(plan, s.undated), "unknown age");
    assert.equal(keptFor(plan, s.plat), "referenced by an index");
    assert.match(plan.keep.find((k) => k.digest === s.plat)!.detail, new RegExp(`${repository}:multi`));
    assert.equal(plan.keep.length + plan.delete.length, 7);
    assert.equal(
      plan.bytesFreed,
      plan.delete.reduce((sum, d) => sum + d.sizeInBytes!, 0),
    );
    assert.ok((plan.bytesFreed ?? 0) > 0);
    assert.deepEqual(
      proxy.requests.filter((r) => !["GET", "HEAD"].includes(r.method)),
      [],
      "planning sent only reads",
    );
  });

  it("olderThan deletes only what was created before the date", async function () {
    const { repository, s } = await freshRepo();
    const plan = await client.planCleanup(repository, { olderThan: new Date("2021-06-01T00:00:00Z") });
    assert.deepEqual(
      plan.delete.map((d) => d.digest),
      [s.mid, s.old, s.multi],
    );
    assert.equal(keptFor(plan, s.recent), "too recent");
    assert.equal(keptFor(plan, s.dev), "too recent");
    assert.equal(keptFor(plan, s.undated), "unknown age");
  });

  it("tagPattern alone makes candidates of manifests whose tags all match (age plays no part)", async function () {
    const { repository, s } = await freshRepo();
    const plan = await client.planCleanup(repository, { tagPattern: "v[0-9]+" });
    assert.deepEqual(sorted(plan.delete.map((d) => d.digest)), sorted([s.old, s.mid, s.undated]));
    assert.equal(keptFor(plan, s.recent), "not a candidate", "v3 matches but latest does not");
    assert.equal(keptFor(plan, s.dev), "not a candidate");
    const regexPlan = await client.planCleanup(repository, { tagPattern: /^dev-/ });
    assert.deepEqual(
      regexPlan.delete.map((d) => d.digest),
      [s.dev],
    );
  });

  it("untaggedOnly finds nothing on a registry that lists tagged manifests only", async function () {
    const { repository } = await freshRepo();
    const plan = await client.planCleanup(repository, { untaggedOnly: true });
    assert.deepEqual(plan.delete, []);
    assert.ok(plan.keep.every((k) => k.reason === "not a candidate" || k.reason === "referenced by an index"));
  });

  it("combined rules, executed: only the planned manifest goes", async function () {
    const { repository, s } = await freshRepo();
    const plan = await client.planCleanup(repository, { tagPattern: "v[0-9]+", keepLatest: 1 });
    assert.deepEqual(
      plan.delete.map((d) => d.digest),
      [s.old],
    );
    assert.equal(keptFor(plan, s.mid), "among the newest");
    assert.equal(keptFor(plan, s.undated), "unknown age");
    const progress: number[] = [];
    const result = await client.executeCleanup(plan, { onProgress: ({ done }) => progress.push(done) });
    assert.deepEqual(result, { deleted: [s.old], skipped: [], failed: [] });
    assert.deepEqual(progress, [1]);
    await assert.rejects(client.getManifest(repository, s.old), RegistryNotFoundError);
    assert.equal((await client.getManifest(repository, "v2")).digest, s.mid);
  });

  it("skips an entry whose tags changed between plan and execute, and deletes the rest", async function () {
    const { repository, s } = await freshRepo();
    const plan = await client.planCleanup(repository, { keepLatest: 2 });
    await client.addTag(repository, "v1", "hotfix");
    const result = await client.executeCleanup(plan);
    assert.deepEqual(sorted(result.deleted), sorted([s.mid, s.multi]));
    assert.equal(result.skipped.length, 1);
    assert.equal(result.skipped[0].digest, s.old);
    assert.match(result.skipped[0].reason, /tags changed.*now tagged hotfix/);
    assert.equal((await client.getManifest(repository, "hotfix")).digest, s.old);
  });

  it("keeps going after a failure midway and reports every outcome", async function () {
    const { repository, s } = await freshRepo();
    const plan = await client.planCleanup(repository, { keepLatest: 2 });
    proxy.inject({
      method: "DELETE",
      path: new RegExp(`/manifests/${s.old}`),
      fault: { kind: "status", status: 403, body: JSON.stringify({ errors: [{ code: "DENIED", message: "injected" }] }) },
    });
    const result = await client.executeCleanup(plan);
    assert.deepEqual(sorted(result.deleted), sorted([s.mid, s.multi]));
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0].digest, s.old);
    assert.ok(result.failed[0].error instanceof RegistryPermissionError, String(result.failed[0].error));
    assert.equal((await client.getManifest(repository, "v1")).digest, s.old);
  });

  it("refuses no rule at all, a bad pattern, a bad keepLatest and an invalid date before any request", async function () {
    proxy.requests.length = 0;
    const refused = async (rules: object, field: string): Promise<void> =>
      void (await assert.rejects(
        client.planCleanup("clean/none", rules),
        (e: unknown) => e instanceof InvalidInputError && e.field === field,
      ));
    await refused({}, "rules");
    await refused({ tagPattern: "v[" }, "tagPattern");
    await refused({ keepLatest: -1 }, "keepLatest");
    await refused({ keepLatest: 1.5 }, "keepLatest");
    await refused({ olderThan: new Date("not a date") }, "olderThan");
    assert.deepEqual(proxy.requests, []);
  });

  it("addTag puts the same bytes under a new tag: the digest does not change", async function () {
    const { repository, s } = await freshRepo();
    const before = await client.getManifest(repository, "v3");
    const { digest } = await client.addTag(repository, "v3", "promoted");
    assert.equal(digest, s.recent);
    const after = await client.getManifest(repository, "promoted");
    assert.equal(after.digest, s.recent);
    assert.ok(Buffer.from(after.content).equals(Buffer.from(before.content)));
    await assert.rejects(client.addTag(repository, "v3", "bad tag!"), InvalidInputError);
    await assert.rejects(client.addTag(repository, "missing", "x"), RegistryNotFoundError);
  });
});

describe("clean-up against the ACR stand-in (lastUpdatedOn, locks, untagged)", function () {
  let registry: RunningRegistry;
  let acr: AcrStandIn;
  let client: ContainerRegistryClient;

  before(async function () {
    registry = await startRegistry({ auth: "anonymous", deleteEnabled: true });
    acr = await startAcrStandIn({ upstream: registry.url, adminUser: ADMIN });
    client = new ContainerRegistryClient(acr.url, ADMIN);
  });

  after(async function () {
    await acr?.stop();
    await registry?.stop();
  });

  /** Pushes one after the other, a few milliseconds apart, so lastUpdatedOn orders them (the configs say nothing). */
  async function seedAcr(repository: string): Promise<Record<"a" | "b" | "c" | "d" | "untagged", string>> {
    const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 15));
    const a = await pushAged(client, repository, "a", undefined, ["a"]);
    await pause();
    const untagged = await pushAged(client, repository, "untagged", undefined, []);
    await pause();
    const b = await pushAged(client, repository, "b", undefined, ["b"]);
    await pause();
    const c = await pushAged(client, repository, "c", undefined, ["c"]);
    await pause();
    const d = await pushAged(client, repository, "d", undefined, ["d"]);
    return { a, b, c, d, untagged };
  }

  it("orders by lastUpdatedOn, keeps a locked manifest, and executes", async function () {
    const repository = "acrclean/app";
    const m = await seedAcr(repository);
    await client.updateManifestProperties(repository, m.b, { canDelete: false });
    const plan = await client.planCleanup(repository, { keepLatest: 1 });
    assert.deepEqual(
      plan.delete.map((d) => d.digest),
      [m.c, m.untagged, m.a],
      "newest first by lastUpdatedOn",
    );
    assert.equal(keptFor(plan, m.d), "among the newest");
    assert.equal(keptFor(plan, m.b), "locked");
    assert.ok(plan.delete.every((d) => d.lastUpdatedOn instanceof Date));
    const result = await client.executeCleanup(plan);
    assert.deepEqual(sorted(result.deleted), sorted([m.a, m.c, m.untagged]));
    assert.equal((await client.getManifest(repository, "b")).digest, m.b);
    assert.equal((await client.getManifest(repository, "d")).digest, m.d);
  });

  it("untaggedOnly deletes only the untagged manifest; olderThan uses lastUpdatedOn", async function () {
    const repository = "acrclean/untagged";
    const m = await seedAcr(repository);
    const untagged = await client.planCleanup(repository, { untaggedOnly: true });
    assert.deepEqual(
      untagged.delete.map((d) => d.digest),
      [m.untagged],
    );
    const cut = (await client.getManifestProperties(repository, m.c)).lastUpdatedOn!;
    const older = await client.planCleanup(repository, { olderThan: cut, tagPattern: "[a-z]" });
    assert.deepEqual(
      older.delete.map((d) => d.digest),
      [m.b, m.untagged, m.a],
    );
    assert.equal(keptFor(older, m.c), "too recent");
    assert.equal(keptFor(older, m.d), "too recent");
  });

  it("skips an entry locked between plan and execute", async function () {
    const repository = "acrclean/locked";
    const m = await seedAcr(repository);
    const plan = await client.planCleanup(repository, { keepLatest: 3 });
    assert.deepEqual(
      plan.delete.map((d) => d.digest),
      [m.untagged, m.a],
    );
    await client.updateManifestProperties(repository, m.a, { canDelete: false });
    const result = await client.executeCleanup(plan);
    assert.deepEqual(result.deleted, [m.untagged]);
    assert.deepEqual(result.skipped, [{ digest: m.a, reason: "locked since the plan" }]);
  });

  it("keeps an untagged referrer whose subject stays; one whose subject goes goes with it", async function () {
    const repository = "acrclean/referrers";
    const a = await pushAged(client, repository, "ref-a", undefined, ["a"]);
    const b = await pushAged(client, repository, "ref-b", undefined, ["b"]);
    const subjectOf = async (digest: string) => {
      const m = await client.getManifest(repository, digest);
      return { mediaType: m.mediaType, digest, size: m.content.byteLength };
    };
    await client.uploadBlob(repository, Buffer.from("{}"));
    // Pushed by digest with the raw seed (not setManifest), so no fallback tag index lists them:
    // untagged manifests with a subject, as on a registry that keeps referrers itself.
    const push = async (subject: string, note: string): Promise<string> => {
      const bytes = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaTypes.OCI_MANIFEST,
          artifactType: "application/vnd.example.signature",
          config: { mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 },
          layers: [{ mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 }],
          subject: await subjectOf(subject),
          annotations: { note },
        }),
      );
      const digest = sha256(bytes);
      await pushManifest({ url: acr.url, ...ADMIN }, repository, digest, bytes, MediaTypes.OCI_MANIFEST);
      return digest;
    };
    const refA = await push(a, "of a");
    const refB = await push(b, "of b");
    const plan = await client.planCleanup(repository, { tagPattern: "a" });
    assert.deepEqual(sorted(plan.delete.map((d) => d.digest)), sorted([a, refA]));
    assert.equal(keptFor(plan, refB), "a referrer of a kept manifest");
    assert.equal(keptFor(plan, b), "not a candidate");
  });
});
