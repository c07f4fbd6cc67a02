// Property toggles (read, write/lock, delete, list enabled) on repositories,
// manifests and tags, against the ACR stand-in in front of a real
// distribution registry: the command changes the registry (checked with
// plain HTTP against ACR's /acr/v1 API), and the tree updates in place.
// Also: ACR's ordering (newest manifest first), counts and permission tokens.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import { type AcrStandIn, API_VERSION, fakeEntraEnv, startAcrStandIn } from "../../fixtures/acrStandIn";
import { setEnv } from "../../fixtures/acr/entra";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { pushImage } from "../../fixtures/seed";
import { child, children, command, connect, disconnectAll, getApi, item, manifestWithTag, setPageSize } from "./extensionTestHelpers";
import type { DeleteResult } from "../../../src/extension/commands/delete";
import type { TreeNode } from "../../../src/extension/tree/treeNode";

const ADMIN = { username: "acradmin", password: "acr-admin-pass" };
const REPO = "acr/app";

type Permission = "read" | "write" | "delete" | "list";

const contextMenu = (
  JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../../package.json"), "utf8")) as {
    contributes: { menus: { "view/item/context": { command: string; when: string }[] } };
  }
).contributes.menus["view/item/context"];

/** Whether package.json's context menu shows the command for this contextValue (its `viewItem =~ /…/` clause). */
function menuOffers(command: string, contextValue: string): boolean {
  const entries = contextMenu.filter((e) => e.command === `containerRegistryExplorer.${command}`);
  assert.ok(entries.length > 0, `no context menu entry for ${command}`);
  return entries.some((e) => new RegExp(/viewItem =~ \/(.*)\//.exec(e.when)![1]).test(contextValue));
}
const FIELD: Record<Permission, string> = { read: "readEnabled", write: "writeEnabled", delete: "deleteEnabled", list: "listEnabled" };
const COMMANDS: Record<Permission, [off: string, on: string]> = {
  write: ["lock", "unlock"],
  delete: ["disableDelete", "enableDelete"],
  read: ["disableRead", "enableRead"],
  list: ["disableList", "enableList"],
};

/** GET of ACR's /acr/v1 API for REPO (path after the repository name), with plain HTTP and the admin user. */
async function metadata(standIn: AcrStandIn, path: string): Promise<Response> {
  const basic = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString("base64")}`;
  const tokenUrl = `${standIn.url}/oauth2/token?service=${encodeURIComponent(standIn.host)}&scope=${encodeURIComponent(`repository:${REPO}:metadata_read`)}`;
  const tokenResponse = await fetch(tokenUrl, { headers: { Authorization: basic } });
  assert.strictEqual(tokenResponse.status, 200, await tokenResponse.clone().text());
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  return fetch(`${standIn.url}/acr/v1/${REPO}${path}?api-version=${API_VERSION}`, { headers: { Authorization: `Bearer ${token}` } });
}

/** ACR's own view of an item's changeable attributes. */
async function attributes(standIn: AcrStandIn, path: string): Promise<Record<string, boolean>> {
  const response = await metadata(standIn, path);
  assert.strictEqual(response.status, 200, await response.clone().text());
  const body = (await response.json()) as {
    changeableAttributes?: Record<string, boolean>;
    tag?: { changeableAttributes: Record<string, boolean> };
    manifest?: { changeableAttributes: Record<string, boolean> };
  };
  return (body.tag ?? body.manifest ?? body).changeableAttributes!;
}

describe("ACR stand-in: property toggles, ordering, redirected pulls", function () {
  this.timeout(120_000);
  let upstream: RunningRegistry;
  let standIn: AcrStandIn;
  let registryId: string;
  const digests: Record<string, string> = {};

  before(async () => {
    await disconnectAll(await getApi());
    upstream = await startRegistry();
    standIn = await startAcrStandIn({ upstream: upstream.url, adminUser: ADMIN });
    const target = { url: standIn.url, ...ADMIN };
    digests.old = (await pushImage(target, REPO, "old", { layers: [Buffer.from("old layer")] })).manifestDigest;
    await new Promise((resolve) => setTimeout(resolve, 50));
    digests.new = (await pushImage(target, REPO, "new", { layers: [Buffer.from("new layer")] })).manifestDigest;
    registryId = await connect({ url: standIn.url, host: standIn.host, ...ADMIN } as unknown as RunningRegistry);
  });

  after(async () => {
    await disconnectAll(await getApi());
    await standIn?.stop();
    await upstream?.stop();
  });

  async function nodes(): Promise<{ registry: TreeNode; repository: TreeNode; manifest: TreeNode; tag: TreeNode }> {
    const api = await getApi();
    const registry = await child(api, undefined, standIn.host);
    const repository = await child(api, registry, REPO);
    const manifest = await manifestWithTag(api, repository, "old");
    const tag = await child(api, manifest, "old");
    return { registry, repository, manifest, tag };
  }

  it("recognises ACR: counts, permission tokens, newest manifest first", async () => {
    const api = await getApi();
    const { registry, repository, manifest, tag } = await nodes();
    assert.strictEqual(
      item(api, registry).iconPath instanceof vscode.ThemeIcon && (item(api, registry).iconPath as vscode.ThemeIcon).id,
      "azure",
    );
    assert.strictEqual(item(api, repository).description, "2 manifests · 2 tags");
    assert.strictEqual(item(api, repository).contextValue, "repository;props;read:on;write:on;delete:on;list:on");
    assert.match(item(api, manifest).contextValue!, /^manifest;props;read:on;write:on;delete:on;list:on$/);
    assert.strictEqual(item(api, tag).contextValue, "tag;props;read:on;write:on;delete:on;list:on");
    const manifests = await children(api, repository);
    assert.deepStrictEqual(
      manifests.map((m) => item(api, m).id),
      [digests.new, digests.old].map((d) => `${item(api, repository).id}/manifest:${d}`),
      "ordered by last update, newest first",
    );
    assert.match(String(item(api, manifests[0]).description), /^new · linux\/amd64 · .* · (just now|\d+ (second|minute)s? ago)$/);
  });

  for (const kind of ["repository", "manifest", "tag"] as const) {
    for (const permission of ["write", "delete", "read", "list"] as Permission[]) {
      it(`turns ${permission} off and on again on a ${kind}, updating the node in place`, async () => {
        const api = await getApi();
        const node = (await nodes())[kind];
        const path = kind === "repository" ? "" : kind === "manifest" ? `/_manifests/${digests.old}` : "/_tags/old";
        const [off, on] = COMMANDS[permission];

        const disabled = await command<Record<string, unknown>>(off, node);
        assert.strictEqual(disabled[`can${permission[0].toUpperCase()}${permission.slice(1)}`], false);
        assert.strictEqual((await attributes(standIn, path))[FIELD[permission]], false, "the registry has it off");
        const offItem = item(api, node);
        assert.match(offItem.contextValue!, new RegExp(`;${permission}:off(;|$)`));
        assert.strictEqual(offItem.id, `${item(api, (await nodes())[kind]).id}`, "same node, same id");
        const badge = { write: "locked", delete: "delete disabled", read: "read disabled", list: "unlisted" }[permission];
        assert.ok(String(offItem.description).includes(badge), `description shows "${badge}": ${offItem.description}`);
        if (permission === "write" || permission === "delete") {
          assert.strictEqual((offItem.iconPath as vscode.ThemeIcon).id, "lock");
        }
        assert.match((offItem.tooltip as vscode.MarkdownString).value, new RegExp(`${permission} \\*\\*disabled\\*\\*`));

        await command(on, node);
        assert.strictEqual((await attributes(standIn, path))[FIELD[permission]], true, "the registry has it on again");
        assert.match(item(api, node).contextValue!, new RegExp(`;${permission}:on(;|$)`));
        assert.notStrictEqual((item(api, node).iconPath as vscode.ThemeIcon).id, "lock");
      });
    }
  }

  it("pages manifests too (ACR honours n and answers with a relative Link)", async () => {
    const api = await getApi();
    await setPageSize(1);
    try {
      const repository = await child(api, await child(api, undefined, standIn.host), REPO);
      assert.deepStrictEqual(
        (await children(api, repository)).map((n) => item(api, n).id),
        [`${item(api, repository).id}/manifest:${digests.new}`, `${item(api, repository).id}/loadMore`],
      );
      await command("loadMore", (await children(api, repository))[1]);
      assert.deepStrictEqual(
        (await children(api, repository)).map((n) => item(api, n).id),
        [digests.new, digests.old].map((d) => `${item(api, repository).id}/manifest:${d}`),
      );
    } finally {
      await setPageSize(undefined);
    }
  });

  it("pulls from ACR, whose blob GETs redirect to storage on another origin, byte for byte", async () => {
    const fs = await import("fs");
    const os = await import("os");
    const path = await import("path");
    const { tag } = await nodes();
    const destination = fs.mkdtempSync(path.join(os.tmpdir(), "cre-acr-pull-"));
    try {
      const result = await command<{ digest: string; files: { name: string }[] }>("pull", tag, { destination });
      assert.strictEqual(result.digest, digests.old);
      const layer = result.files.find((f) => f.name.startsWith("sha256-"))!;
      assert.strictEqual(fs.readFileSync(path.join(destination, layer.name), "utf8"), "old layer");
      assert.ok(standIn.storage.requests.length > 0, "the blobs came from the storage origin");
      assert.strictEqual(standIn.storage.sawAuthorization, false, "no Authorization header went to storage");
    } finally {
      fs.rmSync(destination, { recursive: true, force: true });
    }
  });

  it("connects with an Azure identity (DefaultAzureCredential, here a managed identity) through ACR's token exchange", async () => {
    const api = await getApi();
    const other = await startAcrStandIn({ upstream: upstream.url });
    // The extension's bundled @azure/identity reads these when it first asks for a token.
    const restore = setEnv(fakeEntraEnv(other.entra));
    try {
      const id = await command<{ id: string; auth: string }>("connect", { endpoint: other.url, auth: "azureIdentity" });
      assert.strictEqual(id.auth, "azureIdentity");
      const registryItem = await child(api, undefined, other.host);
      assert.deepStrictEqual(
        (await children(api, registryItem)).map((n) => item(api, n).label),
        [REPO],
      );
      assert.ok(other.exchangeCount >= 1, "an Entra token was exchanged for an ACR refresh token");
      assert.strictEqual(item(api, registryItem).description, "Azure identity");
      await command("disconnect", { registry: id.id });
    } finally {
      restore();
      await other.stop();
    }
  });

  it("locks a tag from the palette path (no node) and updates the loaded tree node", async () => {
    const api = await getApi();
    const { tag } = await nodes();
    await command("lock", { registry: registryId, repository: REPO, target: "tag", reference: "old" });
    assert.strictEqual((await attributes(standIn, "/_tags/old")).writeEnabled, false);
    assert.match(item(api, tag).contextValue!, /;write:off/);
    await command("unlock", tag);
    assert.strictEqual((await attributes(standIn, "/_tags/old")).writeEnabled, true);
  });

  it("a manifest with delete disabled is not deleted; the error says why", async () => {
    const { manifest } = await nodes();
    await command("disableDelete", manifest);
    await assert.rejects(command("deleteManifest", manifest, { skipConfirmation: true }), (error: Error) => {
      assert.strictEqual(error.name, "RegistryLockedError");
      return true;
    });
    assert.strictEqual((await attributes(standIn, `/_manifests/${digests.old}`)).deleteEnabled, false, "still there");
    await command("enableDelete", manifest);
  });

  it("does not offer Delete on a locked or delete-disabled item (nor inside a locked repository); the tooltip says why", async () => {
    const api = await getApi();
    const { repository, manifest, tag } = await nodes();
    const offered = (command: string, node: TreeNode): boolean => menuOffers(command, item(api, node).contextValue!);
    const tooltip = (node: TreeNode): string => (item(api, node).tooltip as vscode.MarkdownString).value;
    assert.ok(
      offered("deleteTag", tag) && offered("deleteManifest", manifest) && offered("deleteRepository", repository),
      "unlocked: Delete is offered",
    );

    await command("lock", tag);
    assert.ok(!offered("deleteTag", tag), `a locked tag: ${item(api, tag).contextValue}`);
    assert.ok(offered("unlock", tag), "Unlock is, so the way out is in the same menu");
    assert.match(tooltip(tag), /Cannot be deleted:.*locked \(writing is off\).*Unlock it first/s);
    // Deleting the manifest would delete the locked tag: the registry refuses that too.
    assert.ok(!offered("deleteManifest", manifest), `the manifest of a locked tag: ${item(api, manifest).contextValue}`);
    assert.match(tooltip(manifest), /A tag that points at it is locked/);
    await command("unlock", tag);
    assert.ok(offered("deleteTag", tag) && offered("deleteManifest", manifest));
    assert.doesNotMatch(tooltip(tag), /Cannot be deleted/);

    await command("disableDelete", manifest);
    assert.ok(!offered("deleteManifest", manifest), `a delete-disabled manifest: ${item(api, manifest).contextValue}`);
    assert.match(tooltip(manifest), /Cannot be deleted:.*Deleting it is turned off/s);
    await command("enableDelete", manifest);
    assert.ok(offered("deleteManifest", manifest));

    // A repository's lock applies to everything in it (ACR), so its items lose Delete too.
    await command("lock", repository);
    assert.ok(!offered("deleteRepository", repository));
    assert.ok(
      !offered("deleteManifest", manifest) && !offered("deleteTag", tag),
      `inside a locked repository: ${item(api, tag).contextValue}`,
    );
    assert.match(tooltip(tag), /Its repository is locked/);
    await command("unlock", repository);
    assert.ok(offered("deleteTag", tag) && offered("deleteManifest", manifest) && offered("deleteRepository", repository));
  });

  it("Delete from the palette on a locked tag says so and offers Unlock and Delete, which unlocks, then deletes", async () => {
    await pushImage({ url: standIn.url, ...ADMIN }, REPO, "doomed", { layers: [Buffer.from("doomed layer")] });
    const args = { registry: registryId, repository: REPO, reference: "doomed" };
    await command("lock", { ...args, target: "tag" });
    assert.strictEqual((await attributes(standIn, "/_tags/doomed")).writeEnabled, false);

    // Sent without unlocking, the registry refuses: a typed error, and the tag stays.
    await assert.rejects(command("deleteTag", { ...args, skipConfirmation: true }), (error: Error) => error.name === "RegistryLockedError");
    assert.strictEqual((await attributes(standIn, "/_tags/doomed")).writeEnabled, false, "still there, still locked");

    // Declined: nothing unlocked, nothing deleted.
    let asked: { message: string; detail: string } | undefined;
    const declined = await command("deleteTag", {
      ...args,
      confirm: (message: string, detail: string) => ((asked = { message, detail }), false),
    });
    assert.strictEqual(declined, undefined);
    assert.match(asked!.message, /Delete the tag .*:doomed\?/);
    assert.match(asked!.detail, /refuses to delete it while it is locked/);
    assert.match(asked!.detail, /the tag .*acr\/app:doomed: locked \(writing is off\)/);
    assert.match(asked!.detail, /Unlock and Delete turns these permissions back on, then deletes/);
    assert.strictEqual((await attributes(standIn, "/_tags/doomed")).writeEnabled, false);

    const result = await command<DeleteResult>("deleteTag", { ...args, confirm: () => true });
    assert.deepStrictEqual(result.deletedTags, ["doomed"]);
    assert.strictEqual(result.unlocked.length, 1);
    assert.match(result.unlocked[0], /the tag .*:doomed/);
    assert.strictEqual((await metadata(standIn, "/_tags/doomed")).status, 404, "the registry no longer has the tag");
    // The repository row's counts are read again after the delete: they match what the registry has left.
    const counts = (await (await metadata(standIn, "")).json()) as { manifestCount: number; tagCount: number };
    const { repository } = await nodes();
    assert.match(
      String(item(await getApi(), repository).description),
      new RegExp(`^${counts.manifestCount} manifests · ${counts.tagCount} tags`),
    );
  });

  it("Delete of a manifest names the locked tags that would stop it; with unlock it goes through", async () => {
    const pushed = await pushImage({ url: standIn.url, ...ADMIN }, REPO, "held", { layers: [Buffer.from("held layer")] });
    const args = { registry: registryId, repository: REPO, reference: pushed.manifestDigest };
    await command("lock", { ...args, target: "tag", reference: "held" });
    let detail = "";
    await command("deleteManifest", { ...args, confirm: (_message: string, d: string) => ((detail = d), false) });
    assert.match(detail, /its tag .*:held: locked \(writing is off\)/);
    assert.strictEqual((await metadata(standIn, `/_manifests/${pushed.manifestDigest}`)).status, 200, "declined: still there");

    const result = await command<DeleteResult>("deleteManifest", { ...args, skipConfirmation: true, unlock: true });
    assert.deepStrictEqual(result.deletedManifests, [pushed.manifestDigest]);
    assert.strictEqual((await metadata(standIn, `/_manifests/${pushed.manifestDigest}`)).status, 404);
  });
});
