// Filter…, Clear Filter and Find Repository… in a real VS Code against a real
// distribution registry, and untagged manifests on the ACR stand-in: what the
// tree shows (rows, descriptions, context values the menus match) after each
// command, and clear messages for a bad prefix or tag pattern.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type * as vscode from "vscode";
import { ContainerRegistryClient, MediaTypes } from "../../../src/client";
import { type AcrStandIn, startAcrStandIn } from "../../fixtures/acrStandIn";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { pushImage } from "../../fixtures/seed";
import type { TreeNode } from "../../../src/extension/tree/treeNode";
import {
  allChildren,
  child,
  children,
  command,
  connect,
  disconnectAll,
  getApi,
  item,
  label,
  labels,
  setPageSize,
} from "./extensionTestHelpers";

const contextMenu = (
  JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../../package.json"), "utf8")) as {
    contributes: { menus: { "view/item/context": { command: string; when: string }[] } };
  }
).contributes.menus["view/item/context"];

function menuOffers(commandId: string, contextValue: string): boolean {
  return contextMenu
    .filter((e) => e.command === `containerRegistryExplorer.${commandId}`)
    .some((e) => new RegExp(/viewItem =~ \/(.*)\//.exec(e.when)![1]).test(contextValue));
}

const REPOSITORIES = ["tea", "team", "team-x", "team/app", "team/db", "teamz"];

describe("filter and find", function () {
  this.timeout(120_000);

  describe("on distribution", function () {
    let registry: RunningRegistry;
    let registryId: string;

    before(async () => {
      await disconnectAll(await getApi());
      registry = await startRegistry();
      for (const name of REPOSITORIES) {
        await pushImage({ url: registry.url }, name, "latest", { layers: [Buffer.from(`layer of ${name}`)] });
      }
      for (const tag of ["v1.0", "v1.1", "v2-rc1"]) {
        await pushImage({ url: registry.url }, "team/app", tag, { layers: [Buffer.from(`team/app ${tag}`)] });
      }
      registryId = await connect(registry);
    });

    after(async () => {
      await setPageSize(undefined);
      await disconnectAll(await getApi());
      await registry?.stop();
    });

    const registryRow = async (): Promise<TreeNode> => child(await getApi(), undefined, registry.host);

    it("filters a registry by name prefix, shows it, and clears it", async () => {
      const api = await getApi();
      const node = await registryRow();
      assert.deepStrictEqual(
        await labels(api, node),
        ["tea", "team", "team/app", "team/db", "team-x", "teamz"],
        "distribution's own order",
      );
      await command("filter", node, { prefix: "team/" });
      assert.deepStrictEqual(await labels(api, node), ["team/app", "team/db"]);
      const filtered = item(api, node);
      assert.match(String(filtered.description), /filter: team\/…$/);
      assert.match(filtered.contextValue!, /;filtered$/);
      assert.ok(menuOffers("clearFilter", filtered.contextValue!), "Clear Filter is offered on the filtered row");
      await command("filter", node, { prefix: "team" });
      assert.deepStrictEqual(await labels(api, node), ["team", "team/app", "team/db", "team-x", "teamz"]);
      await command("clearFilter", node);
      assert.deepStrictEqual(await labels(api, node), ["tea", "team", "team/app", "team/db", "team-x", "teamz"]);
      assert.ok(!item(api, node).contextValue!.includes(";filtered"));
      assert.ok(!menuOffers("clearFilter", item(api, node).contextValue!));
    });

    it("keeps Load more… working inside a filter", async () => {
      const api = await getApi();
      await setPageSize(1);
      try {
        const node = await registryRow();
        await command("filter", node, { prefix: "team" });
        const first = await children(api, node);
        assert.deepStrictEqual(
          first.map((n) => label(api, n)),
          ["team", "Load more…"],
        );
        assert.deepStrictEqual(
          (await allChildren(api, node)).map((n) => label(api, n)),
          ["team", "team/app", "team/db", "team-x", "teamz"],
        );
      } finally {
        await command("clearFilter", await registryRow());
        await setPageSize(undefined);
      }
    });

    it("refuses an invalid prefix with a clear message and leaves the row as it was", async () => {
      const api = await getApi();
      const node = await registryRow();
      for (const prefix of ["Team", "/team", "team//", "-x"]) {
        await assert.rejects(
          command("filter", node, { prefix }),
          (error: Error) => /Invalid repository prefix/.test(error.message) && error.message.includes(JSON.stringify(prefix)),
        );
      }
      assert.ok(!item(api, node).contextValue!.includes(";filtered"));
      assert.strictEqual((await labels(api, node)).length, REPOSITORIES.length);
    });

    it("filters a repository's manifests by tag pattern, and clears it", async () => {
      const api = await getApi();
      const repository = await child(api, await registryRow(), "team/app");
      const tagsOf = async (): Promise<string[]> =>
        (await allChildren(api, repository)).map((n) => String(item(api, n).description).split(" · ")[0]).sort();
      assert.deepStrictEqual(await tagsOf(), ["latest", "v1.0", "v1.1", "v2-rc1"]);
      await command("filter", repository, { tagPattern: "v1.*" });
      assert.deepStrictEqual(await tagsOf(), ["v1.0", "v1.1"]);
      assert.match(String(item(api, repository).description), /filter: tags v1\.\*/);
      assert.ok(menuOffers("clearFilter", item(api, repository).contextValue!));
      await command("filter", repository, { tagPattern: "v?-rc?" });
      assert.deepStrictEqual(await tagsOf(), ["v2-rc1"]);
      await command("filter", repository, { tagPattern: "nothing*" });
      assert.deepStrictEqual(await tagsOf(), []);
      await command("clearFilter", repository);
      assert.deepStrictEqual(await tagsOf(), ["latest", "v1.0", "v1.1", "v2-rc1"]);
    });

    it("refuses an invalid tag pattern with a clear message", async () => {
      const api = await getApi();
      const repository = await child(api, await registryRow(), "team/app");
      for (const pattern of ["v1[0]", "", "a/b", "x".repeat(129)]) {
        await assert.rejects(command("filter", repository, { tagPattern: pattern }), (error: Error) =>
          /Invalid tag pattern/.test(error.message),
        );
      }
      assert.ok(!item(api, repository).contextValue!.includes(";filtered"));
    });

    it("says that untagged manifests are invisible to this registry's API", async () => {
      const api = await getApi();
      const repository = await child(api, await registryRow(), "team/app");
      await command("filter", repository, { untaggedOnly: true });
      const rows = await children(api, repository);
      assert.strictEqual(rows.length, 1);
      assert.match(label(api, rows[0]), /untagged ones are invisible/);
      assert.strictEqual(item(api, rows[0]).contextValue, "note");
      await command("clearFilter", repository);
    });

    it("finds a repository and reveals it in the tree", async () => {
      const api = await getApi();
      const found = await command<TreeNode>("findRepository", { registry: registryId, query: "team/db" });
      assert.ok(found);
      assert.strictEqual(label(api, found), "team/db");
      assert.deepStrictEqual(
        api.treeView.selection.map((n) => (n as TreeNode).id),
        [found.id],
        "selected in the view",
      );
      // It was loaded already: nothing was filtered to show it.
      assert.ok(!item(api, await registryRow()).contextValue!.includes(";filtered"));
      await assert.rejects(command("findRepository", { registry: registryId, query: "team/nope" }), /No repository team\/nope/);
      await assert.rejects(command("findRepository", { registry: registryId, query: "Team" }), /Invalid repository prefix/);
    });

    it("reveals a repository not loaded yet by filtering its registry row to it", async () => {
      const api = await getApi();
      await setPageSize(2);
      try {
        const node = await registryRow();
        await command("refresh", node);
        assert.deepStrictEqual(await labels(api, node), ["tea", "team", "Load more…"]);
        const found = await command<TreeNode>("findRepository", { registry: registryId, query: "teamz" });
        assert.strictEqual(label(api, found), "teamz");
        assert.deepStrictEqual(
          api.treeView.selection.map((n) => (n as TreeNode).id),
          [found.id],
        );
        assert.match(String(item(api, node).description), /filter: teamz…/);
      } finally {
        await command("clearFilter", await registryRow());
        await setPageSize(undefined);
      }
    });
  });

  describe("on the ACR stand-in", function () {
    const ADMIN = { username: "acradmin", password: "acr-admin-pass" };
    let upstream: RunningRegistry;
    let standIn: AcrStandIn;
    let untaggedDigest: string;

    before(async () => {
      await disconnectAll(await getApi());
      upstream = await startRegistry();
      standIn = await startAcrStandIn({ upstream: upstream.url, adminUser: ADMIN });
      await pushImage({ url: standIn.url, ...ADMIN }, "acr/app", "v1", { layers: [Buffer.from("tagged layer")] });
      const client = new ContainerRegistryClient(standIn.url, ADMIN, { allowInsecureHttp: true });
      await client.uploadBlob("acr/app", Buffer.from("{}"));
      untaggedDigest = (
        await client.setManifest("acr/app", {
          schemaVersion: 2,
          mediaType: MediaTypes.OCI_MANIFEST,
          artifactType: "application/vnd.example.untagged",
          config: { mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 },
          layers: [{ mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 }],
        })
      ).digest;
      await connect({ url: standIn.url, host: standIn.host, ...ADMIN } as unknown as RunningRegistry);
    });

    after(async () => {
      await disconnectAll(await getApi());
      await standIn?.stop();
      await upstream?.stop();
    });

    it("shows untagged manifests marked, and a filter shows only them", async () => {
      const api = await getApi();
      const repository = await child(api, await child(api, undefined, standIn.host), "acr/app");
      const rows = await children(api, repository);
      assert.strictEqual(rows.length, 2);
      const untagged = rows.find((n) => n.id.endsWith(`manifest:${untaggedDigest}`));
      assert.ok(untagged, "the untagged manifest is listed");
      assert.match(String(item(api, untagged).description), /^untagged · /);
      const icon = item(api, untagged).iconPath as vscode.ThemeIcon;
      assert.strictEqual(icon.color?.id, "disabledForeground", "marked with a dimmed icon");
      assert.match(
        (item(api, untagged).tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, " "),
        /Untagged: no tag points at this manifest/,
      );
      const tagged = rows.find((n) => n !== untagged)!;
      assert.strictEqual((item(api, tagged).iconPath as vscode.ThemeIcon).color, undefined);
      await command("filter", repository, { untaggedOnly: true });
      assert.deepStrictEqual(
        (await children(api, repository)).map((n) => n.id),
        [untagged.id],
      );
      assert.match(String(item(api, repository).description), /filter: untagged only/);
      await command("clearFilter", repository);
      assert.strictEqual((await children(api, repository)).length, 2);
    });
  });
});
