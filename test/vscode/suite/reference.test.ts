// Reaching things by name, in the real VS Code against real registries:
// Open Reference on a registry not connected yet (plain-http loopback found
// by the probe, anonymous access tried before anything is asked), a registry
// that refuses its catalog to anonymous users (as Docker Hub does: the token
// registry's policy gives anonymous users pull and no catalog), Add
// Repository with names validated, Rename, Disconnect's Undo, and the sign-in
// choices the connect dialog builds from the probe.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import { probeRegistry } from "../../../src/client";
import { signInChoices } from "../../../src/extension/commands/signInChoices";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { pushImage } from "../../fixtures/seed";
import { children, command, connect, disconnectAll, getApi, item, runAcceptingQuickPicks } from "./extensionTestHelpers";

interface Opened {
  registry: { id: string; endpoint: string; auth: string; loginServer: string };
  repository: string;
  digest: string;
  reference: string;
  node?: { id: string };
  result?: unknown;
}

describe("open reference and names", function () {
  this.timeout(120_000);
  let plain: RunningRegistry;
  let token: RunningRegistry;
  let basic: RunningRegistry;

  before(async () => {
    await disconnectAll(await getApi());
    [plain, token, basic] = await Promise.all([startRegistry(), startRegistry({ auth: "token" }), startRegistry({ auth: "basic" })]);
  });

  after(async () => {
    await disconnectAll(await getApi());
    await Promise.all([plain, token, basic].map((r) => r?.stop()));
  });

  it("opens host:port/repo:tag on a registry not connected yet: plain http found, anonymous, revealed, reference copied", async () => {
    const api = await getApi();
    const image = await pushImage(plain, "ref/app", "v1", { layers: [Buffer.from("open reference layer")] });
    const opened = await command<Opened>("openReference", { imageReference: `${plain.host}/ref/app:v1`, action: "copyReference" });
    assert.strictEqual(opened.registry.endpoint, `http://${plain.host}`, "the probe fell back to plain http for loopback");
    assert.strictEqual(opened.registry.auth, "anonymous");
    assert.strictEqual(opened.digest, image.manifestDigest);
    assert.ok(opened.node?.id.endsWith(`/repository:ref/app/manifest:${image.manifestDigest}`), opened.node?.id);
    assert.strictEqual(opened.result, `${plain.host}/ref/app:v1`);
    assert.strictEqual(await vscode.env.clipboard.readText(), `${plain.host}/ref/app:v1`);
    assert.deepStrictEqual(
      api.treeView.selection.map((n) => (n as { id: string }).id),
      [opened.node!.id],
      "the manifest's row is selected",
    );
    assert.deepStrictEqual(api.connections.recentReferences()[0], `${plain.host}/ref/app:v1`);
    // A second open reuses the saved registry.
    const again = await command<Opened>("openReference", { imageReference: `${plain.host}/ref/app@${image.manifestDigest}` });
    assert.strictEqual(again.registry.id, opened.registry.id);
    assert.strictEqual(api.connections.list().length, 1);
  });

  it("inspects host/repo:tag with the tag typed: the inspector's heading names the tag, not the digest", async () => {
    await pushImage(plain, "ref/inspected", "1.0", { layers: [Buffer.from("inspect by tag layer")] });
    const opened = await command<Opened & { result?: vscode.TextDocument }>("openReference", {
      imageReference: `${plain.host}/ref/inspected:1.0`,
      action: "inspect",
    });
    // The heading as read (Markdown escapes taken out).
    const heading = opened.result?.getText().split("\n")[0].replace(/\\/g, "");
    assert.match(heading ?? "", /^# Image .*ref\/inspected:1\.0$/, `heading: ${heading}`);
    assert.ok(!heading?.includes("@sha256:"), `heading: ${heading}`);
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  it("shows repositories added by name where the catalog is refused, and says why the list is partial", async () => {
    const api = await getApi();
    await pushImage(token, "hub/app", "1", { layers: [Buffer.from("token registry layer")] });
    const opened = await command<Opened>("openReference", { imageReference: `${token.host}/hub/app:1` });
    assert.strictEqual(opened.registry.auth, "anonymous", "anonymous tokens for pull were enough");
    const registryNode = api.tree.getRegistryNode(opened.registry.id)!;
    const rows = await children(api, registryNode);
    assert.deepStrictEqual(
      rows.map((n) => item(api, n).label),
      ["hub/app", "Only repositories added by name are shown"],
    );
    const partial = item(api, rows[1]);
    assert.match(String(partial.description), /401|sign|auth/i);
    assert.strictEqual(partial.command?.command, "containerRegistryExplorer.addRepository");
    // Add Repository validates the name before keeping it, then shows it.
    await assert.rejects(command("addRepository", { registry: opened.registry.id, repository: "Hub/App" }), /lowercase/);
    await command("addRepository", { registry: opened.registry.id, repository: "hub/other" });
    assert.deepStrictEqual(
      (await children(api, registryNode)).map((n) => item(api, n).label),
      ["hub/app", "hub/other", "Only repositories added by name are shown"],
    );
  });

  it("palette pickers list the added repositories first, and stay usable where the catalog is refused", async () => {
    const api = await getApi();
    await disconnectAll(api);
    await pushImage(token, "hub/picked", "1", { layers: [Buffer.from("picked layer")] });
    await command<Opened>("openReference", { imageReference: `${token.host}/hub/picked:1` });
    // One registry: taken without asking; the repository picker's first row is the added name, although
    // the registry refuses its catalog to anonymous users; then "The repository …" is the first choice.
    const copied = await runAcceptingQuickPicks<string>("containerRegistryExplorer.copyReference");
    assert.strictEqual(copied, `${token.host}/hub/picked`);
  });

  it("does not connect anonymously where anonymous reads are refused, and says so", async () => {
    await pushImage(basic, "private/app", "1", { layers: [Buffer.from("basic registry layer")] });
    await assert.rejects(command("openReference", { imageReference: `${basic.host}/private/app:1` }), /does not allow anonymous reads/);
    assert.ok(!(await getApi()).connections.list().some((r) => r.loginServer === basic.host));
  });

  it("renames a registry: its name as the label, its host in the description", async () => {
    const api = await getApi();
    const id = await connect(basic);
    await command("renameRegistry", { registry: id, name: "Team registry" });
    const row = item(api, api.tree.getRegistryNode(id)!);
    assert.strictEqual(row.label, "Team registry");
    assert.match(String(row.description), new RegExp(basic.host.replace(/\./g, "\\.")));
    await command("renameRegistry", { registry: id, name: "" });
    assert.strictEqual(item(api, api.tree.getRegistryNode(id)!).label, basic.host);
  });

  it("Undo after Disconnect puts the registry back with its id, secret and added repositories", async () => {
    const api = await getApi();
    const id = await connect(basic);
    await api.connections.addRepository(id, "kept/name");
    const removed = await api.connections.removeUndoably(id);
    assert.ok(removed && !api.connections.get(id));
    await api.connections.restore(removed);
    assert.strictEqual(api.connections.get(id)?.username, basic.username);
    assert.deepStrictEqual(api.connections.addedRepositories(id), ["kept/name"]);
    // The secret came back: the registry lists again.
    const client = await api.connections.getClient(api.connections.get(id)!);
    assert.ok(await client.getCapabilities());
  });

  it("connects a loopback address typed without a scheme over plain http", async () => {
    const api = await getApi();
    await disconnectAll(api);
    const saved = await command<{ endpoint: string }>("connect", { endpoint: plain.host, anonymous: true });
    assert.strictEqual(saved.endpoint, `http://${plain.host}`);
  });

  it("preselects the sign-in the probe says works, Microsoft first only for ACR hosts", async () => {
    const order = async (registry: RunningRegistry, loginServer = registry.host): Promise<string[]> =>
      signInChoices({ loginServer, probe: await probeRegistry(registry.url), dockerCredentials: false }).map((c) => c.auth);
    assert.deepStrictEqual(await order(plain), ["anonymous", "password"]);
    assert.deepStrictEqual(await order(basic), ["password", "anonymous"]);
    assert.deepStrictEqual(await order(token), ["anonymous", "password"], "the realm gives anonymous tokens");
    assert.deepStrictEqual((await order(basic, "team.azurecr.io")).slice(0, 2), ["microsoft", "azureIdentity"]);
    assert.ok(!(await order(basic)).includes("microsoft"));
    const withDocker = signInChoices({ loginServer: basic.host, probe: await probeRegistry(basic.url), dockerCredentials: true }).map(
      (c) => c.auth,
    );
    assert.strictEqual(withDocker[0], "dockerConfig");
  });

  it("declares a walkthrough (connect, browse, inspect, pull) whose links and completion commands exist", async () => {
    await getApi();
    const root = path.resolve(__dirname, "../../../..");
    const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
      contributes: {
        walkthroughs: { steps: { id: string; description: string; media: { image: string }; completionEvents: string[] }[] }[];
      };
    };
    const nls = JSON.parse(fs.readFileSync(path.join(root, "package.nls.json"), "utf8")) as Record<string, string>;
    const steps = manifest.contributes.walkthroughs[0].steps;
    assert.deepStrictEqual(
      steps.map((s) => s.id),
      ["connect", "browse", "inspect", "pull"],
    );
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const step of steps) {
      assert.ok(fs.existsSync(path.join(root, step.media.image)), step.media.image);
      const description = nls[step.description.replace(/^%|%$/g, "")];
      for (const link of description.matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(registered.has(link[1]), `${step.id} links ${link[1]}`);
      }
      for (const event of step.completionEvents.filter((e) => e.startsWith("onCommand:"))) {
        assert.ok(registered.has(event.slice("onCommand:".length)), event);
      }
    }
  });
});
