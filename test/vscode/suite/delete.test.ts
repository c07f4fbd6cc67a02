// Deleting tags, manifests and repositories through the commands, against a
// real registry: what the confirmation names, what the registry still has
// afterwards, and that the node leaves the tree.

import * as assert from "assert";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { OCI_MANIFEST, pushImage, pushManifest } from "../../fixtures/seed";
import {
  child,
  children,
  command,
  connect,
  disconnectAll,
  getApi,
  item,
  label,
  manifestWithTag,
  registryNode,
  childrenBelowImageRows,
} from "./extensionTestHelpers";

async function manifestStatus(registry: RunningRegistry, repository: string, reference: string): Promise<number> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    method: "HEAD",
    headers: { Accept: OCI_MANIFEST },
  });
  return response.status;
}

describe("delete commands", function () {
  this.timeout(120_000);
  let registry: RunningRegistry;
  let registryId: string;
  const digests: Record<string, string> = {};

  before(async () => {
    const api = await getApi();
    await disconnectAll(api);
    registry = await startRegistry();
    digests.keep = (await pushImage(registry, "del/app", "keep", { layers: [Buffer.from("keep")] })).manifestDigest;
    const dropped = await pushImage(registry, "del/app", "drop", { layers: [Buffer.from("drop")] });
    digests.drop = dropped.manifestDigest;
    await pushManifest(registry, "del/app", "drop-too", dropped.manifestBytes, OCI_MANIFEST);
    const twice = await pushImage(registry, "del/app", "m1", { layers: [Buffer.from("m1")] });
    digests.m1 = twice.manifestDigest;
    await pushManifest(registry, "del/app", "m1b", twice.manifestBytes, OCI_MANIFEST);
    digests.palette = (await pushImage(registry, "del/app", "palette", { layers: [Buffer.from("palette")] })).manifestDigest;
    digests.w1 = (await pushImage(registry, "del/whole", "1", { layers: [Buffer.from("w1")] })).manifestDigest;
    digests.w2 = (await pushImage(registry, "del/whole", "2", { layers: [Buffer.from("w2")] })).manifestDigest;
    registryId = await connect(registry);
  });

  after(async () => {
    await disconnectAll(await getApi());
    await registry?.stop();
  });

  it("deletes a tag after a confirmation naming it; the manifest and its other tag stay", async () => {
    const api = await getApi();
    const repo = await child(api, await registryNode(api, registry), "del/app");
    const manifest = await manifestWithTag(api, repo, "drop");
    const tag = await child(api, manifest, "drop");
    const asked: string[][] = [];
    const result = await command<{ deletedTags: string[] }>("deleteTag", tag, {
      confirm: (message: string, detail: string) => {
        asked.push([message, detail]);
        return true;
      },
    });
    assert.deepStrictEqual(result.deletedTags, ["drop"]);
    assert.strictEqual(asked.length, 1);
    assert.strictEqual(asked[0][0], `Delete the tag ${registry.host}/del/app:drop?`);
    assert.match(asked[0][1], new RegExp(`Only the tag goes; the manifest ${digests.drop} and its other tags stay`));
    // Distribution 2.8 cannot delete a tag by name: the modal says how it is done instead.
    assert.match(asked[0][1], /placeholder manifest/);
    assert.strictEqual(await manifestStatus(registry, "del/app", "drop"), 404);
    assert.strictEqual(await manifestStatus(registry, "del/app", "drop-too"), 200);
    assert.strictEqual(await manifestStatus(registry, "del/app", digests.drop), 200);
    // The node is gone and the manifest's description lost the tag, without a refresh.
    assert.deepStrictEqual(
      (await childrenBelowImageRows(api, manifest)).map((n) => label(api, n)),
      ["drop-too"],
    );
    assert.match(String(item(api, manifest).description), /^drop-too · /);
  });

  it("does nothing when the confirmation is declined", async () => {
    const api = await getApi();
    const repo = await child(api, await registryNode(api, registry), "del/app");
    const manifest = await manifestWithTag(api, repo, "keep");
    const result = await command("deleteManifest", manifest, { confirm: () => false });
    assert.strictEqual(result, undefined);
    assert.strictEqual(await manifestStatus(registry, "del/app", digests.keep), 200);
    assert.ok((await children(api, repo)).some((n) => item(api, n).id === item(api, manifest).id));
  });

  it("deletes a manifest after a confirmation that lists every tag going with it", async () => {
    const api = await getApi();
    const repo = await child(api, await registryNode(api, registry), "del/app");
    const manifest = await manifestWithTag(api, repo, "m1");
    const asked: string[][] = [];
    await command("deleteManifest", manifest, {
      confirm: (message: string, detail: string) => {
        asked.push([message, detail]);
        return true;
      },
    });
    assert.strictEqual(asked[0][0], `Delete the manifest ${registry.host}/del/app@${digests.m1}?`);
    assert.match(asked[0][1], /Its 2 tags go with it:\n {2}• m1\n {2}• m1b\n/);
    assert.strictEqual(await manifestStatus(registry, "del/app", digests.m1), 404);
    assert.strictEqual(await manifestStatus(registry, "del/app", "m1"), 404);
    assert.strictEqual(await manifestStatus(registry, "del/app", "m1b"), 404);
    const ids = (await children(api, repo)).map((n) => item(api, n).id);
    assert.ok(!ids.includes(item(api, manifest).id), "the manifest node left the tree");
    assert.ok(ids.length >= 2, "the other manifests stay");
  });

  it("deletes a manifest named without a node (palette path) and updates the loaded tree", async () => {
    const api = await getApi();
    const repo = await child(api, await registryNode(api, registry), "del/app");
    const before = (await children(api, repo)).map((n) => item(api, n).id);
    assert.ok(before.includes(`${item(api, repo).id}/manifest:${digests.palette}`));
    const asked: string[] = [];
    await command("deleteManifest", {
      registry: registryId,
      repository: "del/app",
      reference: digests.palette,
      confirm: (_message: string, detail: string) => (asked.push(detail), true),
    });
    assert.match(asked[0], /Its tag goes with it:\n {2}• palette\n/);
    assert.strictEqual(await manifestStatus(registry, "del/app", digests.palette), 404);
    const after = (await children(api, repo)).map((n) => item(api, n).id);
    assert.deepStrictEqual(
      after,
      before.filter((id) => !id?.endsWith(digests.palette)),
    );
  });

  it("deletes a repository after a confirmation naming it", async () => {
    const api = await getApi();
    const node = await registryNode(api, registry);
    const repo = await child(api, node, "del/whole");
    const asked: string[][] = [];
    const result = await command<{ deletedManifests: string[]; deletedTags: string[] }>("deleteRepository", repo, {
      confirm: (message: string, detail: string) => (asked.push([message, detail]), true),
    });
    assert.strictEqual(asked[0][0], `Delete the repository ${registry.host}/del/whole?`);
    assert.match(asked[0][1], /every manifest and tag in it/);
    assert.deepStrictEqual(result.deletedManifests.sort(), [digests.w1, digests.w2].sort());
    assert.deepStrictEqual(result.deletedTags.sort(), ["1", "2"]);
    assert.strictEqual(await manifestStatus(registry, "del/whole", digests.w1), 404);
    assert.strictEqual(await manifestStatus(registry, "del/whole", digests.w2), 404);
    assert.ok(!(await children(api, node)).some((n) => label(api, n) === "del/whole"), "the repository node left the tree");
  });

  it("reports a registry with deletion disabled, and deletes nothing", async () => {
    const api = await getApi();
    const readOnly = await startRegistry({ deleteEnabled: false });
    try {
      const digest = (await pushImage(readOnly, "ro/app", "1", { layers: [Buffer.from("ro")] })).manifestDigest;
      const id = await connect(readOnly);
      await assert.rejects(
        command("deleteManifest", { registry: id, repository: "ro/app", reference: digest, skipConfirmation: true }),
        (error: Error) => error.name === "RegistryDeleteDisabledError",
      );
      await assert.rejects(
        command("deleteTag", { registry: id, repository: "ro/app", reference: "1", skipConfirmation: true }),
        (error: Error) => error.name === "RegistryDeleteDisabledError",
      );
      assert.strictEqual(await manifestStatus(readOnly, "ro/app", digest), 200);
      assert.strictEqual(await manifestStatus(readOnly, "ro/app", "1"), 200);
      await command("disconnect", { registry: id });
    } finally {
      await readOnly.stop();
    }
    assert.ok(api.connections.list().every((r) => r.loginServer !== readOnly.host));
  });
});
