// ACR-specific behaviour against the ACR stand-in (test/fixtures/acrStandIn.ts),
// whose /v2 traffic goes to a real CNCF distribution registry: the token
// exchange driven by a real @azure/identity credential, the /acr/v1 metadata
// API with properties, ordering and relative Link paging, 307 blob redirects
// to another origin, anonymous pull and the admin user.

import * as assert from "node:assert/strict";
import {
  ContainerRegistryClient,
  MediaTypes,
  RegistryAuthenticationError,
  RegistryNotFoundError,
  RegistryLockedError,
  RegistryPermissionError,
} from "../../src/client";
import { ACR_AUDIENCE, type AcrStandIn, createFakeEntraCredential, startAcrStandIn } from "../fixtures/acrStandIn";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { collect, randomBytes, readAll, sha256, streamOf } from "./helpers";

const ADMIN = { username: "acradmin", password: "admin-pass" };

async function pushArtifact(client: ContainerRegistryClient, repository: string, tag: string, payload: Buffer) {
  await client.uploadBlob(repository, Buffer.from("{}"));
  const layer = await client.uploadBlob(repository, streamOf(payload), { sizeInBytes: payload.length });
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.OCI_MANIFEST,
    artifactType: "application/vnd.example.file",
    config: { mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 },
    layers: [{ mediaType: "application/octet-stream", digest: layer.digest, size: layer.sizeInBytes }],
  };
  const { digest } = await client.setManifest(repository, manifest, { tag });
  return { digest, layer };
}

describe("client against the ACR stand-in", function () {
  let registry: RunningRegistry;
  let acr: AcrStandIn;
  let client: ContainerRegistryClient;

  before(async function () {
    registry = await startRegistry({ auth: "anonymous" });
    acr = await startAcrStandIn({ upstream: registry.url, adminUser: ADMIN, anonymousPull: true });
    client = new ContainerRegistryClient(acr.url, await createFakeEntraCredential());
  });

  after(async function () {
    await acr?.stop();
    await registry?.stop();
  });

  it("detects ACR's metadata API", async function () {
    assert.deepEqual(await client.getCapabilities(), { kind: "acr", properties: true, ordering: true, deleteTagDirectly: true });
  });

  it("exchanges the Entra token once and caches access tokens per scope", async function () {
    const fresh = new ContainerRegistryClient(acr.url, await createFakeEntraCredential());
    acr.resetRecords();
    await pushArtifact(fresh, "tokens/app", "v1", Buffer.from("one"));
    for (let i = 0; i < 3; i++) {
      await fresh.getTagProperties("tokens/app", "v1");
      await fresh.getManifest("tokens/app", "v1");
      await collect(fresh.listRepositoryNames());
    }
    assert.equal(acr.exchangeCount, 1, "one exchange for the registry");
    assert.equal(acr.exchanges[0].entraAudience, ACR_AUDIENCE);
    const scopes = acr.tokenRequests.filter((t) => t.status === 200).map((t) => t.scopes.join(" "));
    assert.equal(new Set(scopes).size, scopes.length, `a scope was fetched twice: ${scopes.join(" | ")}`);
    assert.ok(acr.tokenRequests.every((t) => t.via === "refresh_token"));
  });

  it("pushes through relative Locations and pulls through a 307 to storage without leaking Authorization", async function () {
    const payload = randomBytes(1024 * 1024 + 5);
    const { digest, layer } = await pushArtifact(client, "blobs/app", "v1", payload);
    const download = await client.downloadBlob("blobs/app", layer.digest);
    assert.deepEqual(await readAll(download.content), payload);
    assert.equal(sha256(payload), layer.digest);
    assert.ok(acr.storage.requests.length > 0, "the blob came from the storage origin");
    assert.equal(acr.storage.sawAuthorization, false);
    assert.equal((await client.getManifest("blobs/app", "v1")).digest, digest);
  });

  it("lists repositories through relative Link pages", async function () {
    for (const name of ["list/a", "list/b", "list/c"]) {
      await pushArtifact(client, name, "v1", Buffer.from(name));
    }
    const pages = await collect(client.listRepositoryNames().byPage({ maxPageSize: 2 }));
    assert.ok(pages.length >= 2);
    assert.ok(pages.slice(0, -1).every((p) => p.length === 2 && p.continuationToken));
    const all = pages.flat();
    for (const name of ["list/a", "list/b", "list/c"]) {
      assert.ok(all.includes(name));
    }
  });

  it("reads and updates repository properties, and the registry enforces them", async function () {
    await pushArtifact(client, "props/repo", "v1", Buffer.from("repo"));
    const repo = await client.getRepositoryProperties("props/repo");
    assert.equal(repo.name, "props/repo");
    assert.equal(repo.registryLoginServer, acr.host);
    assert.equal(repo.tagCount, 1);
    assert.ok(repo.createdOn instanceof Date && !Number.isNaN(repo.createdOn.getTime()));
    assert.deepEqual([repo.canDelete, repo.canWrite, repo.canList, repo.canRead], [true, true, true, true]);

    const locked = await client.updateRepositoryProperties("props/repo", { canDelete: false, canWrite: false });
    assert.deepEqual([locked.canDelete, locked.canWrite, locked.canList, locked.canRead], [false, false, true, true]);
    await assert.rejects(client.deleteRepository("props/repo"), RegistryPermissionError);

    const unlocked = await client.updateRepositoryProperties("props/repo", { canDelete: true, canWrite: true });
    assert.deepEqual([unlocked.canDelete, unlocked.canWrite], [true, true]);
    assert.equal((await client.getRepositoryProperties("props/repo")).canWrite, true);
  });

  it("a locked (write-disabled) tag, manifest or repository is not deleted nor overwritten: RegistryLockedError", async function () {
    const repo = "locked/items";
    const v1 = await pushArtifact(client, repo, "v1", Buffer.from("locked v1"));
    const v2 = await pushArtifact(client, repo, "v2", Buffer.from("locked v2"));
    const isLocked = (operation: string) => (error: unknown) => {
      assert.ok(error instanceof RegistryLockedError, `${operation}: ${String(error)}`);
      assert.ok(error instanceof RegistryPermissionError, "a lock is still a refused permission for callers that catch that");
      assert.equal(error.statusCode, 405);
      assert.equal(error.code, "REGISTRY_DISALLOWED_OPERATION");
      return true;
    };

    // Only writeEnabled is turned off: deleteEnabled stays on, and ACR still refuses the delete.
    await client.updateTagProperties(repo, "v1", { canWrite: false });
    await assert.rejects(client.deleteTag(repo, "v1"), isLocked("delete tag"));
    await assert.rejects(
      client.setManifest(repo, (await client.getManifest(repo, "v2")).manifest, { tag: "v1" }),
      isLocked("move a locked tag"),
    );
    await assert.rejects(client.deleteManifest(repo, v1.digest), isLocked("delete the manifest of a locked tag"));
    assert.equal((await client.getTagProperties(repo, "v1")).digest, v1.digest, "the tag still points where it did");
    await client.updateTagProperties(repo, "v1", { canWrite: true });

    await client.updateManifestProperties(repo, v2.digest, { canWrite: false });
    await assert.rejects(client.deleteManifest(repo, v2.digest), isLocked("delete manifest"));
    assert.equal((await client.getManifestProperties(repo, v2.digest)).digest, v2.digest);
    await client.updateManifestProperties(repo, v2.digest, { canWrite: true });

    await client.updateRepositoryProperties(repo, { canWrite: false });
    await assert.rejects(client.deleteRepository(repo), isLocked("delete repository"));
    await assert.rejects(client.deleteTag(repo, "v2"), isLocked("delete a tag in a locked repository"));
    await client.updateRepositoryProperties(repo, { canWrite: true });
    assert.deepEqual((await collect(client.listTagProperties(repo))).map((t) => t.name).sort(), ["v1", "v2"], "nothing was deleted");

    await client.deleteTag(repo, "v1");
    assert.deepEqual(
      (await collect(client.listTagProperties(repo))).map((t) => t.name),
      ["v2"],
      "unlocked, the delete goes through",
    );
  });

  it("lists manifests newest first or oldest first, with their tags and sizes", async function () {
    const first = await pushArtifact(client, "order/app", "first", Buffer.from("1"));
    const second = await pushArtifact(client, "order/app", "second", Buffer.from("22"));
    const third = await pushArtifact(client, "order/app", "third", Buffer.from("333"));
    const newest = await collect(client.listManifestProperties("order/app", { order: "LastUpdatedOnDescending" }));
    assert.deepEqual(
      newest.map((m) => m.digest),
      [third.digest, second.digest, first.digest],
    );
    const oldest = await collect(client.listManifestProperties("order/app", { order: "LastUpdatedOnAscending" }));
    assert.deepEqual(
      oldest.map((m) => m.digest),
      [first.digest, second.digest, third.digest],
    );
    assert.deepEqual(newest[0].tags, ["third"]);
    assert.equal(newest[0].mediaType, MediaTypes.OCI_MANIFEST);
    assert.ok(newest[0].lastUpdatedOn! >= newest[1].lastUpdatedOn!);
    const paged = await collect(
      client.listManifestProperties("order/app", { order: "LastUpdatedOnDescending" }).byPage({ maxPageSize: 2 }),
    );
    assert.deepEqual(
      paged.map((p) => p.length),
      [2, 1],
    );
  });

  it("reads and toggles each manifest permission, enforced by the registry", async function () {
    const { digest } = await pushArtifact(client, "props/manifest", "v1", Buffer.from("m"));
    const props = await client.getManifestProperties("props/manifest", "v1");
    assert.equal(props.digest, digest);
    assert.deepEqual(props.tags, ["v1"]);
    for (const field of ["canDelete", "canWrite", "canList", "canRead"] as const) {
      const off = await client.updateManifestProperties("props/manifest", digest, { [field]: false });
      assert.equal(off[field], false, `${field} turned off`);
      const on = await client.updateManifestProperties("props/manifest", digest, { [field]: true });
      assert.equal(on[field], true, `${field} turned back on`);
    }
    await client.updateManifestProperties("props/manifest", digest, { canRead: false });
    await assert.rejects(client.getManifest("props/manifest", digest), RegistryPermissionError);
    await client.updateManifestProperties("props/manifest", digest, { canRead: true });
    await client.updateManifestProperties("props/manifest", digest, { canDelete: false });
    await assert.rejects(client.deleteManifest("props/manifest", digest), RegistryPermissionError);
    await client.updateManifestProperties("props/manifest", digest, { canDelete: true });
  });

  it("lists, orders, filters, toggles and deletes tags", async function () {
    const a = await pushArtifact(client, "props/tags", "a", Buffer.from("a"));
    await client.setManifest("props/tags", (await client.getManifest("props/tags", "a")).manifest, { tag: "b" });
    const c = await pushArtifact(client, "props/tags", "c", Buffer.from("c"));
    const newest = await collect(client.listTagProperties("props/tags", { order: "LastUpdatedOnDescending" }));
    assert.deepEqual(
      newest.map((t) => t.name),
      ["c", "b", "a"],
    );
    const ofA = await collect(client.listTagProperties("props/tags", { digest: a.digest }));
    assert.deepEqual(ofA.map((t) => t.name).sort(), ["a", "b"]);
    assert.equal((await client.getTagProperties("props/tags", "c")).digest, c.digest);

    const locked = await client.updateTagProperties("props/tags", "c", { canWrite: false });
    assert.equal(locked.canWrite, false);
    await assert.rejects(
      client.setManifest("props/tags", (await client.getManifest("props/tags", "a")).manifest, { tag: "c" }),
      RegistryPermissionError,
    );
    await client.updateTagProperties("props/tags", "c", { canWrite: true });
    const hidden = await client.updateTagProperties("props/tags", "c", { canList: false });
    assert.equal(hidden.canList, false);
    assert.deepEqual((await collect(client.listTagProperties("props/tags"))).map((t) => t.name).sort(), ["a", "b"]);
    await client.updateTagProperties("props/tags", "c", { canList: true });

    await client.deleteTag("props/tags", "b");
    assert.deepEqual((await collect(client.listTagProperties("props/tags"))).map((t) => t.name).sort(), ["a", "c"]);
    assert.equal((await client.getManifest("props/tags", "a")).digest, a.digest, "the manifest stays");
    await assert.rejects(client.getTagProperties("props/tags", "b"), RegistryNotFoundError);
  });

  it("deletes a repository and reports the deleted manifests and tags", async function () {
    const one = await pushArtifact(client, "gone/app", "one", Buffer.from("1"));
    const two = await pushArtifact(client, "gone/app", "two", Buffer.from("2"));
    const result = await client.deleteRepository("gone/app");
    assert.deepEqual(result.deletedManifests.sort(), [one.digest, two.digest].sort());
    assert.deepEqual(result.deletedTags.sort(), ["one", "two"]);
    await assert.rejects(client.getRepositoryProperties("gone/app"), RegistryNotFoundError);
  });

  it("pulls anonymously with the grant_type=password token, and is refused what needs sign-in", async function () {
    const { digest } = await pushArtifact(client, "public/app", "v1", Buffer.from("public"));
    const anonymous = new ContainerRegistryClient(acr.url);
    acr.resetRecords();
    assert.equal((await anonymous.getManifest("public/app", "v1")).digest, digest);
    assert.ok(acr.tokenRequests.some((t) => t.via === "anonymous" && t.grantType === "password" && t.status === 200));
    await assert.rejects(anonymous.uploadBlob("public/app", Buffer.from("nope")), RegistryAuthenticationError);
  });

  it("signs in as the admin user with username and password", async function () {
    const admin = new ContainerRegistryClient(acr.url, ADMIN);
    acr.resetRecords();
    const { digest } = await pushArtifact(admin, "admin/app", "v1", Buffer.from("admin"));
    assert.equal((await admin.getTagProperties("admin/app", "v1")).digest, digest);
    assert.ok(acr.tokenRequests.length > 0 && acr.tokenRequests.every((t) => t.via === "basic"));
    const wrong = new ContainerRegistryClient(acr.url, { username: ADMIN.username, password: "wrong" });
    await assert.rejects(wrong.getTagProperties("admin/app", "v1"), RegistryAuthenticationError);
  });
});

describe("Microsoft Entra tokens stay with the registry that asked", function () {
  it("refuses to exchange an Entra token with a token realm on another host", async function () {
    const registry = await startRegistry({ auth: "token" });
    try {
      const client = new ContainerRegistryClient(registry.url, await createFakeEntraCredential());
      const before = registry.tokenService!.requests.length;
      await assert.rejects(collect(client.listRepositoryNames()), (error: unknown) => {
        assert.ok(error instanceof RegistryAuthenticationError);
        assert.match(error.message, /only exchanged with the registry itself/);
        return true;
      });
      assert.equal(registry.tokenService!.requests.length, before, "nothing was sent to the foreign realm");
    } finally {
      await registry.stop();
    }
  });
});
