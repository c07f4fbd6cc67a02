// The registries tree against a real CNCF distribution registry: connecting,
// the levels, paging with "Load more…", index platforms, ids stable across a
// refresh, and error nodes with retry / re-enter credentials.

import * as assert from "assert";
import * as vscode from "vscode";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { OCI_MANIFEST, pushImage, pushManifest } from "../../fixtures/seed";
import {
  allChildren,
  allIds,
  child,
  children,
  command,
  connect,
  disconnectAll,
  getApi,
  item,
  label,
  labels,
  manifestWithTag,
  registryNode,
  setPageSize,
  childrenBelowImageRows,
  isImageFilesRow,
} from "./extensionTestHelpers";
import { formatBytes } from "../../../src/extension/format";
import type { TreeNode } from "../../../src/extension/tree/treeNode";

const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const REPOSITORIES = ["alpha/app", "alpha/lib", "beta", "gamma/one", "gamma/two"];

describe("registries tree", function () {
  this.timeout(120_000);
  let registry: RunningRegistry;
  const digests: Record<string, string> = {};
  /** Bytes of a pushed image by the manifest's own account: the manifest, its config and its layers. */
  const imageSizes: Record<string, number> = {};

  before(async () => {
    const api = await getApi();
    await disconnectAll(api);
    await setPageSize(2);
    registry = await startRegistry({ auth: "basic" });
    for (const [i, version] of ["v1", "v2", "v3", "v4", "v5"].entries()) {
      const image = await pushImage(registry, "alpha/app", version, {
        layers: [Buffer.from(`layer of ${version}`)],
        architecture: "amd64",
      });
      digests[version] = image.manifestDigest;
      if (i === 0) {
        await pushManifest(registry, "alpha/app", "v1-alias", image.manifestBytes, OCI_MANIFEST);
      }
    }
    await pushImage(registry, "alpha/lib", "1.0", { layers: [Buffer.from("lib")] });
    const amd = await pushImage(registry, "beta", "amd64", { layers: [Buffer.from("amd")], architecture: "amd64" });
    const arm = await pushImage(registry, "beta", "arm64", { layers: [Buffer.from("arm")], architecture: "arm64" });
    const index = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: amd.manifestDigest,
          size: amd.manifestBytes.length,
          platform: { architecture: "amd64", os: "linux" },
        },
        {
          mediaType: OCI_MANIFEST,
          digest: arm.manifestDigest,
          size: arm.manifestBytes.length,
          platform: { architecture: "arm64", os: "linux" },
        },
      ],
    };
    digests.index = await pushManifest(registry, "beta", "multi", index, OCI_INDEX);
    digests.amd = amd.manifestDigest;
    digests.arm = arm.manifestDigest;
    for (const [name, image] of Object.entries({ amd, arm })) {
      const described = image.manifest as { config: { size: number }; layers: { size: number }[] };
      imageSizes[name] = image.manifestBytes.length + described.config.size + described.layers.reduce((sum, l) => sum + l.size, 0);
    }
    await pushImage(registry, "gamma/one", "x", { layers: [Buffer.from("one")] });
    await pushImage(registry, "gamma/two", "y", { layers: [Buffer.from("two")] });
  });

  after(async () => {
    await disconnectAll(await getApi());
    await setPageSize(undefined);
    await registry?.stop();
  });

  it("is empty (the welcome view shows) while nothing is connected", async () => {
    const api = await getApi();
    assert.deepStrictEqual(await children(api), []);
  });

  it("rejects wrong credentials without saving anything", async () => {
    const api = await getApi();
    await assert.rejects(
      command("connect", { endpoint: registry.url, username: registry.username, password: "wrong" }),
      (error: Error) => error.name === "RegistryAuthenticationError",
    );
    assert.deepStrictEqual(api.connections.list(), []);
  });

  it("connects a registry with username and password and shows it", async () => {
    const api = await getApi();
    const id = await connect(registry);
    assert.deepStrictEqual(
      api.connections.list().map((r) => ({ id: r.id, loginServer: r.loginServer, auth: r.auth, username: r.username })),
      [{ id, loginServer: registry.host, auth: "password", username: registry.username }],
    );
    // The password is in SecretStorage, never in global state.
    assert.ok(!JSON.stringify(api.connections.list()).includes(registry.password!));
    const node = await registryNode(api, registry);
    const treeItem = item(api, node);
    assert.strictEqual(treeItem.id, `registry:${id}`);
    assert.strictEqual(treeItem.description, registry.username);
    assert.strictEqual(treeItem.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.strictEqual(treeItem.contextValue, "registry;auth:password");
  });

  it("lists repositories a page at a time, fetching the next only on Load more", async () => {
    const api = await getApi();
    const node = await registryNode(api, registry);
    assert.deepStrictEqual(await labels(api, node), ["alpha/app", "alpha/lib", "Load more…"]);
    // Asking again does not fetch further.
    assert.deepStrictEqual(await labels(api, node), ["alpha/app", "alpha/lib", "Load more…"]);
    const more = (await children(api, node))[2];
    assert.strictEqual(item(api, more).contextValue, "loadMore");
    assert.strictEqual(item(api, more).command?.command, "containerRegistryExplorer.loadMore");
    await command("loadMore", more);
    assert.deepStrictEqual(await labels(api, node), ["alpha/app", "alpha/lib", "beta", "gamma/one", "Load more…"]);
    const all = await allChildren(api, node);
    assert.deepStrictEqual(
      all.map((n) => label(api, n)),
      REPOSITORIES,
    );
    assert.ok(
      all.every((n) => item(api, n).contextValue === "repository"),
      "a plain OCI registry has no property tokens",
    );
  });

  it("shows manifests by short digest with tags, platform, size; tags below them", async () => {
    const api = await getApi();
    const repo = await child(api, await registryNode(api, registry), "alpha/app");
    // Distribution 2.8 ignores `n` on tags/list; the client pages the tags itself (2 a page
    // here: v1 and v1-alias share the first), so manifests come a page at a time too.
    const firstPage = await children(api, repo);
    assert.deepStrictEqual(
      firstPage.map((m) => item(api, m).contextValue),
      ["manifest", "loadMore"],
    );
    const manifests = await allChildren(api, repo);
    assert.ok(
      manifests.every((m) => item(api, m).contextValue === "manifest"),
      (await labels(api, repo)).join(", "),
    );
    const expected = ["v1", "v2", "v3", "v4", "v5"].map((v) => digests[v]);
    // Manifests in the registry's order (distribution lists tags unsorted); one node per digest.
    assert.deepStrictEqual(manifests.map((m) => item(api, m).id).sort(), expected.map((d) => `${item(api, repo).id}/manifest:${d}`).sort());
    const v1 = await manifestWithTag(api, repo, "v1");
    const v1Item = item(api, v1);
    assert.strictEqual(v1Item.label, `sha256:${digests.v1.slice(7, 19)}`);
    const description = String(v1Item.description);
    assert.match(description, /^v1, v1-alias · linux\/amd64 · \d+(\.\d)? (B|KB)$/, description);
    assert.match((v1Item.tooltip as vscode.MarkdownString).value, new RegExp(digests.v1));
    assert.match((v1Item.tooltip as vscode.MarkdownString).value, /application\/vnd\.oci\.image\.manifest\.v1\+json/);
    const below = await children(api, v1);
    // An image's rows start with its Files and Layers (imageFiles.test.ts and imageFilesTree.test.ts go on from there).
    assert.deepStrictEqual(
      below.slice(0, 2).map((t) => [item(api, t).id, item(api, t).contextValue]),
      [
        [`${v1Item.id}/files`, "imageFiles"],
        [`${v1Item.id}/layers`, "imageLayers"],
      ],
    );
    const tags = below.slice(2);
    assert.deepStrictEqual(
      tags.map((t) => [label(api, t), item(api, t).description, item(api, t).contextValue]),
      [
        ["v1", `sha256:${digests.v1.slice(7, 19)}`, "tag"],
        ["v1-alias", `sha256:${digests.v1.slice(7, 19)}`, "tag"],
      ],
    );
    assert.strictEqual(item(api, tags[0]).id, `${v1Item.id}/tag:v1`);
  });

  it("shows an index's platform manifests as its children", async () => {
    const api = await getApi();
    const beta = await child(api, await registryNode(api, registry), "beta");
    const index = await manifestWithTag(api, beta, "multi");
    const indexItem = item(api, index);
    assert.match(String(indexItem.description), /^multi · 2 platforms/);
    assert.strictEqual(indexItem.contextValue, "manifest;index");
    const platforms = await children(api, index);
    assert.deepStrictEqual(
      platforms.map((p) => [label(api, p), item(api, p).description, item(api, p).contextValue]),
      [
        ["linux/amd64", `sha256:${digests.amd.slice(7, 19)}`, "platform"],
        ["linux/arm64", `sha256:${digests.arm.slice(7, 19)}`, "platform"],
        ["multi", `sha256:${digests.index.slice(7, 19)}`, "tag"],
      ],
    );
  });

  it("sizes an index as the sum of its platforms (its own bytes only in the tooltip)", async () => {
    const api = await getApi();
    const beta = await child(api, await registryNode(api, registry), "beta");
    const index = await manifestWithTag(api, beta, "multi");
    const total = formatBytes(imageSizes.amd + imageSizes.arm);
    const deadline = Date.now() + 10_000;
    while (!String(item(api, index).description).startsWith(`multi · 2 platforms · ${total}`) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.match(String(item(api, index).description), new RegExp(`^multi · 2 platforms · ${total.replace(".", "\\.")}( · |$)`));
    // appendText keeps plain text plain: spaces become &nbsp;, punctuation is escaped.
    const tooltip = (item(api, index).tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, " ").replace(/\\(.)/g, "$1");
    assert.ok(tooltip.includes(`${total} across its 2 platforms`), tooltip);
    assert.ok(tooltip.includes("Index manifest itself:"), tooltip);
  });

  it("lives in its own view container, and reveals a tag node (expanding its parents)", async () => {
    const api = await getApi();
    await vscode.commands.executeCommand("containerRegistryExplorer.registries.focus");
    const beta = await child(api, await registryNode(api, registry), "beta");
    const tag = await child(api, await manifestWithTag(api, beta, "multi"), "multi");
    await api.treeView.reveal(tag, { select: true, focus: false, expand: true });
    assert.strictEqual(api.treeView.visible, true);
    assert.deepStrictEqual(
      api.treeView.selection.map((n) => item(api, n as typeof tag).id),
      [item(api, tag).id],
    );
  });

  it("keeps every id stable (and unique) across a refresh", async () => {
    const api = await getApi();
    const before = await allIds(api, await registryNode(api, registry));
    assert.ok(before.length > 20, `expected a populated tree, got ${before.length} ids`);
    assert.strictEqual(new Set(before).size, before.length, "ids are unique");
    await command("refresh");
    const after = await allIds(api, await registryNode(api, registry));
    assert.deepStrictEqual(after, before);
  });

  it("gives every row a screen-reader label: its kind, its label and its description in words", async () => {
    const api = await getApi();
    const kinds = /^(Registry|Repository|Manifest|Image index|Tag|Platform manifest|Files|Layers) /;
    const seen = new Set<string>();
    const visit = async (node: TreeNode): Promise<void> => {
      const treeItem = item(api, node);
      const spoken = treeItem.accessibilityInformation?.label ?? "";
      assert.match(spoken, kinds, `${treeItem.id}: "${spoken}"`);
      assert.ok(spoken.includes(label(api, node)), `${treeItem.id}: "${spoken}" names the row`);
      assert.ok(!spoken.includes(" · "), `${treeItem.id}: separators are read as pauses: "${spoken}"`);
      seen.add(kinds.exec(spoken)![1].split(" ")[0]);
      // Below Files and Layers are an image's files and layers (imageFilesTree.test.ts reads those rows).
      if (treeItem.collapsibleState !== vscode.TreeItemCollapsibleState.None && !isImageFilesRow(api, node)) {
        for (const c of await allChildren(api, node)) {
          await visit(c);
        }
      }
    };
    await visit(await registryNode(api, registry));
    assert.deepStrictEqual([...seen].sort(), ["Files", "Image", "Layers", "Manifest", "Platform", "Registry", "Repository", "Tag"]);
  });

  it("shows a network failure as an error node with Retry", async () => {
    const api = await getApi();
    const doomed = await startRegistry();
    try {
      await connect(doomed);
      const node = await registryNode(api, doomed);
      await doomed.stop();
      await command("refresh", node);
      const nodes = await children(api, node);
      assert.strictEqual(nodes.length, 1);
      const errorItem = item(api, nodes[0]);
      assert.strictEqual(errorItem.contextValue, "error;retry");
      assert.strictEqual(errorItem.command?.command, "containerRegistryExplorer.retry");
      assert.strictEqual(errorItem.id, `${item(api, node).id}/error`);
      // Retrying while it is still down gives the error node again, not a broken tree.
      await command("retry", nodes[0]);
      assert.strictEqual(item(api, (await children(api, node))[0]).contextValue, "error;retry");
    } finally {
      await doomed.stop();
      const saved = api.connections.list().find((r) => r.loginServer === doomed.host);
      if (saved) {
        await command("disconnect", { registry: saved.id });
      }
    }
  });

  it("shows a failed sign-in as an error node, fixed by re-entering credentials", async () => {
    const api = await getApi();
    const locked = await startRegistry({ auth: "basic" });
    try {
      await pushImage(locked, "secret/repo", "1", { layers: [Buffer.from("s")] });
      await connect(locked, { password: "not-the-password", skipVerification: true });
      const node = await registryNode(api, locked);
      const [errorNode] = await children(api, node);
      const errorItem = item(api, errorNode);
      assert.strictEqual(errorItem.contextValue, "error;auth");
      assert.strictEqual(errorItem.command?.command, "containerRegistryExplorer.reenterCredentials");
      await command("reenterCredentials", errorNode, { username: locked.username, password: locked.password });
      assert.deepStrictEqual(await labels(api, await registryNode(api, locked)), ["secret/repo"]);
    } finally {
      const saved = api.connections.list().find((r) => r.loginServer === locked.host);
      if (saved) {
        await command("disconnect", { registry: saved.id });
      }
      await locked.stop();
    }
  });

  it("disconnecting forgets the registry and its secret", async () => {
    const api = await getApi();
    const [saved] = api.connections.list();
    await command("disconnect", { registry: saved.id });
    assert.deepStrictEqual(api.connections.list(), []);
    assert.deepStrictEqual(await children(api), []);
  });
});

describe("registries tree: a digest on two tag pages, a digest twice in an index", function () {
  this.timeout(120_000);
  let registry: RunningRegistry;
  const digests: Record<string, string> = {};

  before(async () => {
    const api = await getApi();
    await disconnectAll(api);
    await setPageSize(2);
    registry = await startRegistry();
    // Tags sort a1, a2, a3; two a page: X has a1 on the first page and a3 on the second.
    const x = await pushImage(registry, "split/tags", "a1", { layers: [Buffer.from("x")] });
    await pushManifest(registry, "split/tags", "a3", x.manifestBytes, OCI_MANIFEST);
    const y = await pushImage(registry, "split/tags", "a2", { layers: [Buffer.from("y")] });
    digests.x = x.manifestDigest;
    digests.y = y.manifestDigest;
    const amd = await pushImage(registry, "dup/index", "amd64", { layers: [Buffer.from("amd")], architecture: "amd64" });
    const arm = await pushImage(registry, "dup/index", "arm64", { layers: [Buffer.from("arm")], architecture: "arm64" });
    const entry = (image: typeof amd, architecture: string) => ({
      mediaType: OCI_MANIFEST,
      digest: image.manifestDigest,
      size: image.manifestBytes.length,
      platform: { architecture, os: "linux" },
    });
    // The same platform manifest listed twice.
    digests.index = await pushManifest(
      registry,
      "dup/index",
      "multi",
      { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry(amd, "amd64"), entry(arm, "arm64"), entry(amd, "amd64")] },
      OCI_INDEX,
    );
    digests.amd = amd.manifestDigest;
    digests.arm = arm.manifestDigest;
    await connect(registry);
  });

  after(async () => {
    await disconnectAll(await getApi());
    await setPageSize(undefined);
    await registry?.stop();
  });

  it("merges a digest's tags from a later page into the node already shown", async () => {
    const api = await getApi();
    const repo = await child(api, await registryNode(api, registry), "split/tags");
    const manifestId = (digest: string): string => `${item(api, repo).id}/manifest:${digest}`;
    const tagLabels = async (manifest: TreeNode): Promise<string[]> =>
      (await childrenBelowImageRows(api, manifest)).map((n) => label(api, n));
    const first = await children(api, repo);
    assert.deepStrictEqual(
      first.map((n) => item(api, n).id),
      [manifestId(digests.x), manifestId(digests.y), `${item(api, repo).id}/loadMore`],
    );
    const x = first[0];
    // Expanded while only the first page is known: its cached tag children must not stay.
    assert.deepStrictEqual(await tagLabels(x), ["a1"]);
    await command("loadMore", first[2]);
    const all = await allChildren(api, repo);
    assert.deepStrictEqual(
      all.map((n) => item(api, n).id),
      [manifestId(digests.x), manifestId(digests.y)],
      "one node per digest",
    );
    assert.strictEqual(all[0], x, "the node shown stays, with the later tags merged in");
    assert.deepStrictEqual(await tagLabels(x), ["a1", "a3"]);
    assert.match(String(item(api, x).description), /^a1, a3 · /);
    assert.deepStrictEqual(await tagLabels(all[1]), ["a2"]);
  });

  it("shows a platform an index lists twice once (ids stay unique)", async () => {
    const api = await getApi();
    const repo = await child(api, await registryNode(api, registry), "dup/index");
    const index = await manifestWithTag(api, repo, "multi");
    assert.match(String(item(api, index).description), /^multi · 2 platforms/);
    const platforms = await children(api, index);
    assert.deepStrictEqual(
      platforms.map((p) => [label(api, p), item(api, p).id]),
      [
        ["linux/amd64", `${item(api, index).id}/platform:${digests.amd}`],
        ["linux/arm64", `${item(api, index).id}/platform:${digests.arm}`],
        ["multi", `${item(api, index).id}/tag:multi`],
      ],
    );
    const ids = await allIds(api, await registryNode(api, registry));
    assert.strictEqual(new Set(ids).size, ids.length, `ids are unique: ${ids.join(", ")}`);
  });
});
