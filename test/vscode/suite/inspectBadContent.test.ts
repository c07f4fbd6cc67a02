// What a registry serves that is wrong, in the tree and the inspector of a
// real VS Code against a real CNCF distribution registry (issue 13, "Bad
// input"): a referrer listed under a subject it does not name (a forged
// fallback tag), an image config that is not JSON, one too large. Each is a
// clear message; nothing is half-shown (no row, badge or link for the
// mismatched referrer; no inspector left open on a config it could not read).

import * as assert from "assert";
import * as vscode from "vscode";
import { MediaTypes } from "../../../src/client";
import { shortDigest } from "../../../src/extension/format";
import { clientFor } from "../../client/helpers";
import { pushBlob, pushImageWithConfig, pushReferrer, sampleConfig } from "../../client/imageFixtures";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import {
  child,
  children,
  childrenBelowImageRows,
  command,
  connect,
  disconnectAll,
  getApi,
  item,
  label,
  manifestWithTag,
  randomBytes,
  registryNode,
} from "./extensionTestHelpers";

const NOTARY = "application/vnd.cncf.notary.signature";
const SPDX = "application/spdx+json";

describe("bad content from the registry in the tree and the inspector", function () {
  this.timeout(120_000);
  let registry: RunningRegistry;
  let registryId: string;
  let image: Awaited<ReturnType<typeof pushImageWithConfig>>;
  let other: Awaited<ReturnType<typeof pushImageWithConfig>>;
  let sbom: { digest: string; size: number };
  let othersSignature: { digest: string; size: number };

  before(async () => {
    const api = await getApi();
    await disconnectAll(api);
    registry = await startRegistry({ auth: "anonymous" });
    const client = clientFor(registry);
    image = await pushImageWithConfig(client, "forged", sampleConfig("amd64", 1), [randomBytes(100, 31)], "v1");
    other = await pushImageWithConfig(client, "forged", sampleConfig("arm64", 1), [randomBytes(100, 32)], "v2");
    const subject = (d: { digest: string; size: number }) => ({ digest: d.digest, mediaType: MediaTypes.OCI_MANIFEST, size: d.size });
    sbom = await pushReferrer(client, "forged", subject(image), SPDX, "{}");
    othersSignature = await pushReferrer(client, "forged", subject(other), NOTARY, "sig");
    // v1's fallback index lists its SBOM and, forged, the signature of v2.
    await client.setManifest(
      "forged",
      {
        schemaVersion: 2,
        mediaType: MediaTypes.OCI_INDEX,
        manifests: [
          { mediaType: MediaTypes.OCI_MANIFEST, digest: sbom.digest, size: sbom.size, artifactType: SPDX },
          { mediaType: MediaTypes.OCI_MANIFEST, digest: othersSignature.digest, size: othersSignature.size, artifactType: NOTARY },
        ],
      },
      { tag: image.digest.replace(":", "-") },
    );
    const notJson = await pushBlob(client, "bad", Buffer.from("not json {"), MediaTypes.OCI_IMAGE_CONFIG);
    await client.setManifest(
      "bad",
      { schemaVersion: 2, mediaType: MediaTypes.OCI_MANIFEST, config: notJson, layers: [] },
      { tag: "notjson" },
    );
    const big = await pushBlob(client, "bad", randomBytes(4 * 1024 * 1024 + 1, 33), MediaTypes.OCI_IMAGE_CONFIG);
    await client.setManifest("bad", { schemaVersion: 2, mediaType: MediaTypes.OCI_MANIFEST, config: big, layers: [] }, { tag: "big" });
    registryId = await connect(registry);
  });

  after(async () => {
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    await disconnectAll(await getApi());
    await registry?.stop();
  });

  it("sets a referrer listed under the wrong subject apart: a warning row naming both digests, no row or badge of it", async () => {
    const api = await getApi();
    const repository = await child(api, await registryNode(api, registry), "forged");
    const subject = await manifestWithTag(api, repository, "v1");
    const below = await childrenBelowImageRows(api, subject);
    assert.deepStrictEqual(
      below.map((r) => label(api, r)),
      ["v1", "SPDX SBOM", "1 listed referrers name another subject"],
    );
    const warning = item(api, below[2]);
    assert.strictEqual(warning.contextValue, "referrerMismatch");
    assert.strictEqual((warning.iconPath as vscode.ThemeIcon).id, "warning");
    assert.strictEqual(warning.collapsibleState, vscode.TreeItemCollapsibleState.None, "nothing to expand: it is not shown as a referrer");
    // appendText keeps the spaces as &nbsp;: compared as it reads.
    const tooltip = (warning.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, " ");
    assert.ok(tooltip.includes(`${shortDigest(othersSignature.digest)} names ${shortDigest(other.digest)}`), tooltip);
    // Badged for its SBOM only: the forged signature does not make it "signed".
    assert.ok(String(item(api, subject).description).endsWith(" · SBOM"), String(item(api, subject).description));
    assert.ok(!String(item(api, subject).description).includes("signed"), String(item(api, subject).description));
    // The signature is shown under the manifest it names.
    const signed = await manifestWithTag(api, repository, "v2");
    const group = await child(api, signed, "Notary signature");
    assert.deepStrictEqual(
      (await children(api, group)).map((r) => label(api, r)),
      [shortDigest(othersSignature.digest)],
    );
  });

  it("inspects the subject: its genuine referrer linked, the mismatched one only named, in a note", async () => {
    const document = await command<vscode.TextDocument>("inspectImage", { registry: registryId, repository: "forged", reference: "v1" });
    const text = document.getText();
    const referrers = text.slice(text.indexOf("## Referrers"));
    assert.strictEqual(
      referrers,
      [
        "## Referrers",
        "",
        `- SPDX SBOM: [\`${shortDigest(sbom.digest)}\`](./forged@${sbom.digest}.md)`,
        "",
        `> 1 listed referrer\\(s\\) name another subject and are not shown: ${shortDigest(othersSignature.digest)}`,
        "",
      ].join("\n"),
    );
  });

  for (const [tag, message] of [
    ["notjson", /^The image config bad@sha256:[0-9a-f]{64} on 127\.0\.0\.1:\d+ is not valid JSON$/],
    ["big", /^The image config bad@sha256:[0-9a-f]{64} on 127\.0\.0\.1:\d+ is 4194305 bytes, larger than the 4 MiB limit$/],
  ] as const) {
    it(`refuses to inspect an image whose config is ${tag === "big" ? "too large" : "not JSON"}: the message says so, no preview opens`, async () => {
      await vscode.commands.executeCommand("workbench.action.closeAllEditors");
      await assert.rejects(command("inspectImage", { registry: registryId, repository: "bad", reference: tag }), (error: Error) => {
        assert.match(error.message, message);
        return true;
      });
      const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
      assert.deepStrictEqual(tabs, [], "no preview, empty or half-filled");
    });
  }
});
