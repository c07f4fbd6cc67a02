// Inspect Image, Compare With… and Show Repository Size in a real VS Code
// against a real CNCF distribution registry: the inspector document's
// content (fields, history with layer sizes, platforms, referrers nested),
// its config link, the diff editor's two sides and the layer summary, the
// repository's shared and exclusive bytes, and a platform that does not exist.

import * as assert from "assert";
import * as vscode from "vscode";
import { type ContainerRegistryClient, MediaTypes } from "../../../src/client";
import { formatBytes, shortDigest } from "../../../src/extension/format";
import { clientFor } from "../../client/helpers";
import { pushImageWithConfig, pushIndex, pushReferrer, sampleConfig } from "../../client/imageFixtures";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import type { TreeNode } from "../../../src/extension/tree/treeNode";
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
  manifestWithTag,
  randomBytes,
  registryNode,
  childrenBelowImageRows,
} from "./extensionTestHelpers";

describe("inspect, compare, repository size", function () {
  this.timeout(120_000);
  let registry: RunningRegistry;
  let client: ContainerRegistryClient;
  let registryId: string;
  const shared = randomBytes(3000, 1);
  let v1: Awaited<ReturnType<typeof pushImageWithConfig>>;
  let v2: Awaited<ReturnType<typeof pushImageWithConfig>>;
  let arm64: Awaited<ReturnType<typeof pushImageWithConfig>>;
  let sbom: { digest: string; size: number };
  let sbomSignature: { digest: string; size: number };

  before(async () => {
    const api = await getApi();
    await disconnectAll(api);
    registry = await startRegistry({ auth: "anonymous" });
    client = clientFor(registry);
    v1 = await pushImageWithConfig(client, "app", sampleConfig("amd64", 2), [shared, randomBytes(5000, 2)], "v1");
    v2 = await pushImageWithConfig(client, "app", sampleConfig("amd64", 2, { author: "second" }), [shared, randomBytes(7000, 3)], "v2");
    arm64 = await pushImageWithConfig(client, "app", sampleConfig("arm64", 2), [shared, randomBytes(9000, 4)]);
    await pushIndex(
      client,
      "app",
      [
        { digest: v1.digest, size: v1.size, architecture: "amd64" },
        { digest: arm64.digest, size: arm64.size, architecture: "arm64" },
      ],
      "multi",
    );
    sbom = await pushReferrer(
      client,
      "app",
      { digest: v1.digest, mediaType: MediaTypes.OCI_MANIFEST, size: v1.size },
      "application/spdx+json",
      "{}",
    );
    sbomSignature = await pushReferrer(
      client,
      "app",
      { digest: sbom.digest, mediaType: MediaTypes.OCI_MANIFEST, size: sbom.size },
      "application/vnd.cncf.notary.signature",
      "sig",
    );
    registryId = await connect(registry);
  });

  after(async () => {
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    await disconnectAll(await getApi());
    await registry?.stop();
  });

  it("inspects a tag: reference, digest, platform, created, size, config, history with layer sizes, referrers", async () => {
    const document = await command<vscode.TextDocument>("inspectImage", { registry: registryId, repository: "app", reference: "v1" });
    const text = document.getText();
    const reference = `${registry.host}/app:v1`;
    assert.ok(text.startsWith(`# Image ${reference.replace(/[.:/]/g, (c) => (c === "." ? "\\." : c))}\n`), text.slice(0, 200));
    assert.ok(text.includes(`| Reference | \`${reference}\` |`), text);
    assert.ok(text.includes(`| Digest | [\`${v1.digest}\`](${documentLink(v1.digest, ".manifest.json")}) |`), text);
    assert.ok(text.includes(`| Config | [\`${v1.config.digest}\`](${documentLink(v1.digest, ".config.json")}) |`), text);
    assert.ok(text.includes("| Platform | linux/amd64 |"), text);
    assert.ok(text.includes("| Created | 2026\\-03\\-04T05:06:07Z |"), text);
    const size = v1.config.size + 3000 + 5000;
    assert.ok(text.includes(`| Compressed size | ${formatBytes(size).replace(".", "\\.")} \\(${size} bytes\\) |`), text);
    assert.ok(text.includes('| Entrypoint | `["/bin/app"]` |'), text);
    assert.ok(text.includes('| Cmd | `["--serve"]` |'), text);
    assert.ok(text.includes("| Working dir | `/srv` |"), text);
    assert.ok(text.includes("| User | `app` |"), text);
    assert.ok(text.includes("| Ports | `8080/tcp` |"), text);
    assert.ok(text.includes("| Volumes | `/data` |"), text);
    assert.ok(text.includes("- `PATH=/usr/bin`\n- `ARCH=amd64`"), text);
    assert.ok(text.includes("| `org.opencontainers.image.title` | `sample` |"), text);
    assert.ok(text.includes(`| 1 | 2026\\-03\\-04T05:06:07Z | \`RUN step 0\` | ${formatBytes(3000).replace(".", "\\.")} |`), text);
    assert.ok(text.includes(`| 2 | 2026\\-03\\-04T05:06:07Z | \`RUN step 1\` | ${formatBytes(5000).replace(".", "\\.")} |`), text);
    assert.ok(text.includes("| 3 | 2026\\-03\\-04T05:06:07Z | `ENV ARCH` | no layer |"), text);
    const inspectLink = (digest: string) => documentLink(digest, ".md");
    assert.ok(text.includes(`- SPDX SBOM: [\`${sbom.digest.slice(0, 19)}\`](${inspectLink(sbom.digest)})`), text);
    assert.ok(
      text.includes(`\n  - Notary signature: [\`${sbomSignature.digest.slice(0, 19)}\`](${inspectLink(sbomSignature.digest)})`),
      text,
    );
    // The Markdown preview shows it (a webview tab).
    const preview = await waitFor(() =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputWebview && t.label.includes("app:v1@")),
    );
    assert.ok(preview, "no Markdown preview tab");
  });

  it("follows every link of the inspector as the Markdown preview does: the bytes the registry serves for each digest", async () => {
    const document = await command<vscode.TextDocument>("inspectImage", { registry: registryId, repository: "app", reference: "v1" });
    const targets = await previewLinkTargets(document);
    // The manifest, the config, the SBOM's inspector and its signature's: nothing else links anywhere.
    assert.deepStrictEqual(
      targets.map((t) => t.path.slice(t.path.lastIndexOf("@") + 1)),
      [`${v1.digest}.manifest.json`, `${v1.digest}.config.json`, `${sbom.digest}.md`, `${sbomSignature.digest}.md`],
    );
    const opened = await Promise.all(targets.map(async (uri) => (await vscode.workspace.openTextDocument(uri)).getText()));
    assert.strictEqual(opened[0], await registryBytes(`manifests/${v1.digest}`));
    assert.strictEqual(opened[1], await registryBytes(`blobs/${v1.config.digest}`));
    assert.ok(opened[2].startsWith(`# Image ${registry.host.replace(/\./g, "\\.")}/app@${sbom.digest}\n`), opened[2].slice(0, 200));
    assert.ok(opened[2].includes("| Artifact type | `application/spdx+json` |"), opened[2]);
    assert.ok(
      opened[3].startsWith(`# Image ${registry.host.replace(/\./g, "\\.")}/app@${sbomSignature.digest}\n`),
      opened[3].slice(0, 200),
    );
  });

  it("links an index's platforms to their inspectors, and a platform's digest to its own manifest", async () => {
    const index = await command<vscode.TextDocument>("inspectImage", { registry: registryId, repository: "app", reference: "multi" });
    const [manifestLink, ...platformLinks] = await previewLinkTargets(index);
    const indexDigest = parseDigest(manifestLink);
    assert.strictEqual((await vscode.workspace.openTextDocument(manifestLink)).getText(), await registryBytes(`manifests/${indexDigest}`));
    assert.deepStrictEqual(
      platformLinks.map((t) => t.path.slice(t.path.lastIndexOf("@") + 1)),
      [`${v1.digest}.md`, `${arm64.digest}.md`],
    );
    // The tag named the index: the platform's inspector has none.
    const arm = await vscode.workspace.openTextDocument(platformLinks[1]);
    assert.ok(
      arm.getText().startsWith(`# Image ${registry.host.replace(/\./g, "\\.")}/app@${arm64.digest}\n`),
      arm.getText().slice(0, 200),
    );
    const [armManifest, armConfig] = await previewLinkTargets(arm);
    assert.strictEqual((await vscode.workspace.openTextDocument(armManifest)).getText(), await registryBytes(`manifests/${arm64.digest}`));
    assert.strictEqual((await vscode.workspace.openTextDocument(armConfig)).getText(), await registryBytes(`blobs/${arm64.config.digest}`));
  });

  /** The registry's bytes over plain HTTP, as text. */
  async function registryBytes(path: string): Promise<string> {
    const response = await fetch(`${registry.url}/v2/app/${path}`, {
      headers: { accept: [MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX].join(", ") },
    });
    assert.strictEqual(response.status, 200, path);
    return Buffer.from(await response.arrayBuffer()).toString("utf8");
  }

  it("inspects an index with its platforms table, and a platform of it", async () => {
    const document = await command<vscode.TextDocument>("inspectImage", { registry: registryId, repository: "app", reference: "multi" });
    const text = document.getText();
    assert.ok(text.startsWith("# Image index "), text.slice(0, 100));
    assert.ok(text.includes("| Platforms | linux/amd64, linux/arm64 |"), text);
    const indexSize = v1.config.size + arm64.config.size + 3000 + 5000 + 9000;
    assert.ok(text.includes(`(${indexSize} bytes\\)`), text);
    for (const [platform, image, bytes] of [
      ["linux/amd64", v1, 8000],
      ["linux/arm64", arm64, 12000],
    ] as const) {
      const link = documentLink(image.digest, ".md");
      assert.ok(
        text.includes(
          `| ${platform} | [\`${image.digest.slice(0, 19)}\`](${link}) | ${formatBytes(image.config.size + bytes).replace(".", "\\.")} |`,
        ),
        text,
      );
    }
    const child = await command<vscode.TextDocument>("inspectImage", {
      registry: registryId,
      repository: "app",
      reference: "multi",
      platform: "linux/arm64",
    });
    assert.ok(child.getText().includes("- `ARCH=arm64`"), child.getText());
    assert.ok(child.getText().includes("| Platform | linux/arm64 |"));
  });

  it("inspects a platform row of the tree, and compares it with a tag of another repository", async () => {
    const api = await getApi();
    await pushImageWithConfig(client, "other/app", sampleConfig("arm64", 1, { author: "elsewhere" }), [shared], "latest");
    const repository = await child(api, await registryNode(api, registry), "app");
    const index = await manifestWithTag(api, repository, "multi");
    const platform = await child(api, index, "linux/arm64");
    const document = await command<vscode.TextDocument>("inspectImage", platform, {});
    assert.ok(
      document.getText().startsWith(`# Image ${registry.host.replace(/\./g, "\\.")}/app@${arm64.digest}\n`),
      document.getText().slice(0, 200),
    );
    assert.ok(document.getText().includes("- `ARCH=arm64`"));
    const result = await command<{ summary: { added: string[]; removed: string[]; shared: string[] } }>("compareWith", platform, {
      compareWith: { registry: registryId, repository: "other/app", reference: "latest" },
    });
    assert.deepStrictEqual(result.summary, { added: [], removed: [arm64.layers[1].digest], shared: [arm64.layers[0].digest] });
  });

  it("refuses a platform the index does not have, listing those it has", async () => {
    await assert.rejects(
      command("inspectImage", { registry: registryId, repository: "app", reference: "multi", platform: "linux/s390x" }),
      /has no manifest for linux\/s390x; it has linux\/amd64, linux\/arm64/,
    );
  });

  it("compares two tags in the diff editor, with the layers added, removed and shared", async () => {
    const result = await command<{
      left: vscode.Uri;
      right: vscode.Uri;
      summary: { added: string[]; removed: string[]; shared: string[] };
    }>("compareWith", {
      registry: registryId,
      repository: "app",
      reference: "v1",
      compareWith: { registry: registryId, repository: "app", reference: "v2" },
    });
    assert.deepStrictEqual(result.summary, { added: [v2.layers[1].digest], removed: [v1.layers[1].digest], shared: [v1.layers[0].digest] });
    const tab = await waitFor(() => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      return active?.input instanceof vscode.TabInputTextDiff ? active : undefined;
    });
    assert.ok(tab, "no diff editor");
    const input = tab.input as vscode.TabInputTextDiff;
    assert.strictEqual(input.original.toString(), result.left.toString());
    assert.strictEqual(input.modified.toString(), result.right.toString());
    assert.ok(tab.label.includes("1 layers added, 1 removed, 1 shared"), tab.label);
    const left = (await vscode.workspace.openTextDocument(input.original)).getText();
    const right = (await vscode.workspace.openTextDocument(input.modified)).getText();
    assert.ok(left.includes(`reference: ${registry.host}/app:v1\ndigest: ${v1.digest}\n`), left);
    assert.ok(right.includes(`reference: ${registry.host}/app:v2\ndigest: ${v2.digest}\n`), right);
    assert.ok(left.includes("author: tests\n") && right.includes("author: second\n"));
    assert.ok(left.includes("## Env\nARCH=amd64\nPATH=/usr/bin\n"), left);
    assert.ok(left.includes("## Labels\narch=amd64\norg.opencontainers.image.title=sample\n"), left);
    assert.ok(left.includes("## History\nRUN step 0  [3000 bytes]\nRUN step 1  [5000 bytes]\nENV ARCH  [no layer]\n"), left);
    assert.ok(right.includes(`## Layers\n${v2.layers[0].digest}  3000  ${v2.layers[0].mediaType}\n${v2.layers[1].digest}  7000  `), right);
  });

  it("shows the repository's size, shared and exclusive", async () => {
    const size = await command<{ totalBytes: number; sharedBytes: number; exclusiveBytes: number }>("showRepositorySize", {
      registry: registryId,
      repository: "app",
    });
    // Owners: the index (v1 is part of it), v2, and the two fallback-tag indexes of the referrers.
    // Shared: the 3000-byte layer, and the empty config `{}` (2 bytes; also the SBOM's payload)
    // of the SBOM and of its signature. Exclusive: the rest, the signature's 3-byte payload included.
    assert.strictEqual(size.sharedBytes, 3000 + 2);
    assert.strictEqual(size.exclusiveBytes, v1.config.size + 5000 + arm64.config.size + 9000 + v2.config.size + 7000 + 3);
    assert.strictEqual(size.totalBytes, size.sharedBytes + size.exclusiveBytes);
  });
});

describe("ordering by the config's created date", function () {
  this.timeout(120_000);
  let registry: RunningRegistry;

  before(async () => {
    const api = await getApi();
    await disconnectAll(api);
    registry = await startRegistry({ auth: "anonymous" });
    const client = clientFor(registry);
    for (const [tag, created] of [
      ["old", "2020-01-01T00:00:00Z"],
      ["new", "2024-01-01T00:00:00Z"],
      ["mid", "2022-01-01T00:00:00Z"],
    ]) {
      await pushImageWithConfig(client, "dated", sampleConfig("amd64", 1, { created }), [randomBytes(100, tag.length + 10)], tag);
    }
    await connect(registry);
  });

  after(async () => {
    await disconnectAll(await getApi());
    await registry?.stop();
  });

  it("shows each shown row's created date and sorts the loaded rows by it, newest first", async () => {
    const api = await getApi();
    const repository = await child(api, await registryNode(api, registry), "dated");
    const tagOf = (node: TreeNode) => String(item(api, node).description).split(" · ")[0];
    const rows = await allChildren(api, repository);
    // distribution lists tags by name: the registry's order is not the images' age.
    assert.deepStrictEqual(rows.map(tagOf), ["mid", "new", "old"]);
    const described = await waitFor(() => {
      const descriptions = rows.map((r) => String(item(api, r).description));
      return descriptions.every((d) => d.includes("created ")) ? descriptions : undefined;
    });
    assert.ok(described, rows.map((r) => String(item(api, r).description)).join("\n"));
    assert.strictEqual(await command("sortByCreated", repository, {}), true);
    assert.deepStrictEqual((await children(api, repository)).map(tagOf), ["new", "mid", "old"]);
    assert.ok(String(item(api, repository).description).includes("loaded rows sorted by created"));
    assert.strictEqual(await command("sortByCreated", repository, {}), false);
    assert.deepStrictEqual((await children(api, repository)).map(tagOf), ["mid", "new", "old"]);
  });
});

/** The relative link the inspector writes to a document about `app@digest`. */
function documentLink(digest: string, suffix: string): string {
  return `./app@${digest}${suffix}`;
}

/**
 * The links of an inspector document as VS Code's Markdown preview renders
 * them (markdown.api.render, the preview's engine) and follows them: the
 * preview hands a link with a scheme of its own to the webview, which opens
 * only http(s), mailto and vscode links, so each must be relative; a relative
 * one the Markdown extension resolves against the document's URI and opens.
 */
async function previewLinkTargets(document: vscode.TextDocument): Promise<vscode.Uri[]> {
  const html = await vscode.commands.executeCommand<string>("markdown.api.render", document);
  const hrefs = [...html.matchAll(/<a [^>]*data-href="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, "&"));
  assert.ok(hrefs.length > 0, html);
  for (const href of hrefs) {
    assert.doesNotMatch(href, /^[a-z-]+:/i, `${href}: a link with a scheme does nothing when clicked in the preview`);
  }
  const directory = document.uri.with({ path: document.uri.path.slice(0, document.uri.path.lastIndexOf("/") + 1) });
  return hrefs.map((href) => vscode.Uri.joinPath(directory, decodeURI(href)));
}

function parseDigest(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf("@") + 1).replace(/\.[a-z.]+$/, "");
}

describe("referrers in the tree", function () {
  this.timeout(120_000);
  let registry: RunningRegistry;
  let image: Awaited<ReturnType<typeof pushImageWithConfig>>;
  let sbom: { digest: string; size: number };
  let signature: { digest: string; size: number };
  let sbomSignature: { digest: string; size: number };

  before(async () => {
    const api = await getApi();
    await disconnectAll(api);
    registry = await startRegistry({ auth: "anonymous" });
    const client = clientFor(registry);
    image = await pushImageWithConfig(client, "signed", sampleConfig("amd64", 1), [randomBytes(1000, 7)], "v1");
    await pushImageWithConfig(client, "signed", sampleConfig("amd64", 1, { author: "plain" }), [randomBytes(1000, 8)], "plain");
    const subject = { digest: image.digest, mediaType: MediaTypes.OCI_MANIFEST, size: image.size };
    sbom = await pushReferrer(client, "signed", subject, "application/vnd.cyclonedx+json", '{"bomFormat":"CycloneDX"}');
    signature = await pushReferrer(client, "signed", subject, "application/vnd.dev.cosign.artifact.sig.v1+json", "cosign");
    sbomSignature = await pushReferrer(
      client,
      "signed",
      { digest: sbom.digest, mediaType: MediaTypes.OCI_MANIFEST, size: sbom.size },
      "application/vnd.cncf.notary.signature",
      "notary",
    );
    await connect(registry);
  });

  after(async () => {
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    await disconnectAll(await getApi());
    await registry?.stop();
  });

  it("folds the fallback tags into their subject, badges it and groups its referrers by kind, nested", async () => {
    const api = await getApi();
    const repository = await child(api, await registryNode(api, registry), "signed");
    const rows = await allChildren(api, repository);
    // Two images; the two fallback indexes (sha256-<hex> tags) are not rows of their own.
    assert.deepStrictEqual(rows.map((r) => String(item(api, r).description).split(" · ")[0]).sort(), ["plain", "v1"]);
    const subject = await manifestWithTag(api, repository, "v1");
    const badged = await waitFor(() => {
      const description = String(item(api, subject).description);
      return description.includes("signed") ? description : undefined;
    });
    assert.ok(badged?.endsWith(" · signed · SBOM"), badged);
    const plain = await manifestWithTag(api, repository, "plain");
    await children(api, plain);
    assert.ok(!String(item(api, plain).description).includes("signed"));
    // After Files and Layers: the tag, then one group per artifact type by name (the fallback tag is not a tag row).
    const below = await childrenBelowImageRows(api, subject);
    assert.strictEqual(label(api, below[0]), "v1");
    assert.strictEqual(below.length, 3);
    assert.deepStrictEqual(
      below.slice(1).map((n) => [label(api, n), item(api, n).description]),
      [
        ["Cosign signature", "1 referrers"],
        ["CycloneDX SBOM", "1 referrers"],
      ],
    );
    const sbomGroup = await child(api, subject, "CycloneDX SBOM");
    const sbomRow = await child(api, sbomGroup, shortDigest(sbom.digest));
    // A manifest row (the bundle's own classes are not the test's, so by its id and contextValue).
    assert.ok(item(api, sbomRow).id?.endsWith(`/referrer:${sbom.digest}`), item(api, sbomRow).id);
    assert.ok(item(api, sbomRow).contextValue?.startsWith("manifest"));
    assert.ok(String(item(api, sbomRow).description).includes("signed"), String(item(api, sbomRow).description));
    const nested = await child(api, sbomRow, "Notary signature");
    assert.deepStrictEqual(await children(api, nested).then((n) => n.map((r) => label(api, r))), [shortDigest(sbomSignature.digest)]);
    const cosign = await child(api, await child(api, subject, "Cosign signature"), shortDigest(signature.digest));
    assert.strictEqual(item(api, cosign).contextValue?.startsWith("manifest"), true);
    // Every id unique, though the SBOM's signature sits three levels down.
    const ids = await allIds(api, repository);
    assert.strictEqual(new Set(ids).size, ids.length);
  });

  it("inspects and opens a referrer like any manifest", async () => {
    const api = await getApi();
    const subject = await manifestWithTag(api, await child(api, await registryNode(api, registry), "signed"), "v1");
    const sbomRow = await child(api, await child(api, subject, "CycloneDX SBOM"), shortDigest(sbom.digest));
    const document = await command<vscode.TextDocument>("inspectImage", sbomRow, {});
    const text = document.getText();
    assert.ok(text.includes("| Artifact type | `application/vnd.cyclonedx+json` |"), text);
    assert.ok(text.includes("is not an image: its config is application/vnd\\.oci\\.empty\\.v1\\+json"), text);
    assert.ok(text.includes("- Notary signature: "), text);
    const manifest = await command<vscode.TextDocument>("openManifest", sbomRow, {});
    assert.strictEqual((JSON.parse(manifest.getText()) as { subject: { digest: string } }).subject.digest, image.digest);
  });
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined || Date.now() > deadline) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
