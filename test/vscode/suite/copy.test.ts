// Add Tag…, Copy Image To… (the command and a drag and drop through the
// tree's controller), and multi-select delete, between two real distribution
// registries; every outcome checked against the registries over HTTP.

import * as assert from "assert";
import * as vscode from "vscode";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { OCI_MANIFEST, pushImage } from "../../fixtures/seed";
import { child, command, connect, disconnectAll, getApi, manifestWithTag, registryNode } from "./extensionTestHelpers";

async function digestAt(registry: RunningRegistry, repository: string, reference: string): Promise<string | undefined> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    method: "HEAD",
    headers: { Accept: OCI_MANIFEST },
  });
  return response.status === 200 ? (response.headers.get("docker-content-digest") ?? undefined) : undefined;
}

describe("add tag, copy image, drag and drop, multi-select delete", function () {
  this.timeout(180_000);
  let one: RunningRegistry;
  let two: RunningRegistry;
  let app: string;

  before(async () => {
    await disconnectAll(await getApi());
    [one, two] = await Promise.all([startRegistry(), startRegistry()]);
    app = (await pushImage(one, "copy/app", "v1", { layers: [Buffer.from("copy layer one"), Buffer.from("copy layer two")] }))
      .manifestDigest;
    await pushImage(one, "copy/multi", "m1", { layers: [Buffer.from("m1")] });
    await pushImage(one, "copy/multi", "m2", { layers: [Buffer.from("m2")] });
    await pushImage(one, "copy/multi", "m3", { layers: [Buffer.from("m3")] });
    await pushImage(two, "landing/app", "seed", { layers: [Buffer.from("seed")] });
    await connect(one);
    await connect(two);
  });

  after(async () => {
    await disconnectAll(await getApi());
    await Promise.all([one?.stop(), two?.stop()]);
  });

  async function tagNode(repository: string, tag: string) {
    const api = await getApi();
    const repo = await child(api, await registryNode(api, one), repository);
    return child(api, await manifestWithTag(api, repo, tag), tag);
  }

  it("Add Tag puts the same manifest under a new tag", async () => {
    const result = await command<{ digest: string }>("addTag", await tagNode("copy/app", "v1"), { tag: "stable" });
    assert.strictEqual(result.digest, app);
    assert.strictEqual(await digestAt(one, "copy/app", "stable"), app);
    await assert.rejects(command("addTag", await tagNode("copy/app", "v1"), { tag: "not a tag" }), /Invalid tag/);
  });

  it("Copy Image To copies to another registry with the digest preserved, and reports what moved", async () => {
    const seen: number[] = [];
    const result = await command<{ digest: string; blobsCopied: number; blobsSkipped: number; target: string }>(
      "copyImage",
      await tagNode("copy/app", "v1"),
      {
        targetRegistry: two.host,
        targetRepository: "promoted/app",
        tag: "v1",
        includeReferrers: true,
        onProgress: (bytes: number) => seen.push(bytes),
      },
    );
    assert.strictEqual(result.digest, app);
    assert.strictEqual(result.blobsCopied, 3);
    assert.strictEqual(result.target, `${two.host}/promoted/app:v1`);
    assert.ok(seen.length > 0 && seen[seen.length - 1] > 0);
    assert.strictEqual(await digestAt(two, "promoted/app", "v1"), app);
    const again = await command<{ blobsSkipped: number; blobsCopied: number }>("copyImage", await tagNode("copy/app", "v1"), {
      targetRegistry: two.host,
      targetRepository: "promoted/app",
      tag: "v1-again",
      includeReferrers: false,
    });
    assert.deepStrictEqual([again.blobsCopied, again.blobsSkipped], [0, 3]);
  });

  it("asks before moving a tag that names another manifest; declined, the tag stays", async () => {
    const asked: string[] = [];
    const result = await command("copyImage", await tagNode("copy/app", "v1"), {
      targetRegistry: two.host,
      targetRepository: "landing/app",
      tag: "seed",
      includeReferrers: false,
      confirm: (message: string) => (asked.push(message), false),
    });
    assert.strictEqual(result, undefined);
    assert.deepStrictEqual(asked, [`${two.host}/landing/app:seed already exists. Move it?`]);
    assert.notStrictEqual(await digestAt(two, "landing/app", "seed"), app);
    assert.ok(await digestAt(two, "landing/app", "seed"));
  });

  it("refuses copying onto the same repository and tag", async () => {
    await assert.rejects(
      command("copyImage", await tagNode("copy/app", "v1"), {
        targetRegistry: one.host,
        targetRepository: "copy/app",
        tag: "v1",
        includeReferrers: false,
      }),
      /is the source itself/,
    );
  });

  it("drag a tag onto a repository of the other registry: handleDrag, then handleDrop asks and copies", async () => {
    const api = await getApi();
    const dragged = await tagNode("copy/app", "v1");
    const transfer = new vscode.DataTransfer();
    api.dragAndDrop.handleDrag([dragged], transfer);
    assert.ok(transfer.get(api.dragAndDrop.dragMimeTypes[0]), "the drag carries the tag");
    const landing = await child(api, await registryNode(api, two), "landing/app");
    const asked: string[] = [];
    api.dragAndDrop.dropOptions = { tag: "dropped", includeReferrers: false, confirm: (message: string) => (asked.push(message), true) };
    try {
      await api.dragAndDrop.handleDrop(landing, transfer, new vscode.CancellationTokenSource().token);
    } finally {
      api.dragAndDrop.dropOptions = {};
    }
    assert.deepStrictEqual(asked, [`Copy ${one.host}/copy/app:v1 to ${two.host}/landing/app:dropped?`]);
    assert.strictEqual(await digestAt(two, "landing/app", "dropped"), app);
  });

  it("a drop the user declines copies nothing", async () => {
    const api = await getApi();
    const transfer = new vscode.DataTransfer();
    api.dragAndDrop.handleDrag([await tagNode("copy/app", "v1")], transfer);
    const landing = await child(api, await registryNode(api, two), "landing/app");
    api.dragAndDrop.dropOptions = { tag: "declined", includeReferrers: false, confirm: () => false };
    try {
      await api.dragAndDrop.handleDrop(landing, transfer, new vscode.CancellationTokenSource().token);
    } finally {
      api.dragAndDrop.dropOptions = {};
    }
    assert.strictEqual(await digestAt(two, "landing/app", "declined"), undefined);
  });

  it("multi-select delete: one confirmation naming every selected tag, all deleted", async () => {
    const selected = [await tagNode("copy/multi", "m1"), await tagNode("copy/multi", "m2")];
    const asked: [string, string][] = [];
    const result = await command<{ deleted: string[]; failed: unknown[] }>("deleteTag", selected[0], selected, {
      confirm: (message: string, detail: string) => (asked.push([message, detail]), true),
    });
    assert.strictEqual(asked.length, 1);
    assert.strictEqual(asked[0][0], "Delete these 2 items?");
    assert.match(asked[0][1], new RegExp(`tag ${one.host}/copy/multi:m1`));
    assert.match(asked[0][1], new RegExp(`tag ${one.host}/copy/multi:m2`));
    assert.deepStrictEqual(result.failed, []);
    assert.strictEqual(result.deleted.length, 2);
    assert.strictEqual(await digestAt(one, "copy/multi", "m1"), undefined);
    assert.strictEqual(await digestAt(one, "copy/multi", "m2"), undefined);
    assert.ok(await digestAt(one, "copy/multi", "m3"), "the unselected tag stays");
  });
});
