// Property toggles (read, write/lock, delete, list enabled) on repositories,
// manifests and tags, against the ACR stand-in in front of a real
// distribution registry: the command changes the registry (checked with
// plain HTTP against ACR's /acr/v1 API), and the tree updates in place.
// Also: ACR's ordering (newest manifest first), counts and permission tokens.

import * as assert from "assert";
import * as vscode from "vscode";
import { type AcrStandIn, API_VERSION, fakeEntraEnv, startAcrStandIn } from "../../fixtures/acrStandIn";
import { setEnv } from "../../fixtures/acr/entra";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { pushImage } from "../../fixtures/seed";
import { child, children, command, connect, disconnectAll, getApi, item, manifestWithTag, setPageSize } from "./extensionTestHelpers";
import type { TreeNode } from "../../../src/extension/tree/treeNode";

const ADMIN = { username: "acradmin", password: "acr-admin-pass" };
const REPO = "acr/app";

type Permission = "read" | "write" | "delete" | "list";
const FIELD: Record<Permission, string> = { read: "readEnabled", write: "writeEnabled", delete: "deleteEnabled", list: "listEnabled" };
const COMMANDS: Record<Permission, [off: string, on: string]> = {
  write: ["lock", "unlock"],
  delete: ["disableDelete", "enableDelete"],
  read: ["disableRead", "enableRead"],
  list: ["disableList", "enableList"],
};

/** ACR's own view of an item's changeable attributes, read with plain HTTP and the admin user. */
async function attributes(standIn: AcrStandIn, path: string): Promise<Record<string, boolean>> {
  const basic = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString("base64")}`;
  const tokenUrl = `${standIn.url}/oauth2/token?service=${encodeURIComponent(standIn.host)}&scope=${encodeURIComponent(`repository:${REPO}:metadata_read`)}`;
  const tokenResponse = await fetch(tokenUrl, { headers: { Authorization: basic } });
  assert.strictEqual(tokenResponse.status, 200, await tokenResponse.clone().text());
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const response = await fetch(`${standIn.url}/acr/v1/${REPO}${path}?api-version=${API_VERSION}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.strictEqual(response.status, 200, await response.clone().text());
  const body = (await response.json()) as { changeableAttributes?: Record<string, boolean>; tag?: { changeableAttributes: Record<string, boolean> }; manifest?: { changeableAttributes: Record<string, boolean> } };
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
    assert.strictEqual(item(api, registry).iconPath instanceof vscode.ThemeIcon && (item(api, registry).iconPath as vscode.ThemeIcon).id, "azure");
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
      assert.deepStrictEqual((await children(api, registryItem)).map((n) => item(api, n).label), [REPO]);
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
      assert.match(error.name, /Registry(Permission|DeleteDisabled)Error/);
      return true;
    });
    assert.strictEqual((await attributes(standIn, `/_manifests/${digests.old}`)).deleteEnabled, false, "still there");
    await command("enableDelete", manifest);
  });
});
