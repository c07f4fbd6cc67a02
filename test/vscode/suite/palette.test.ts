// Commands from the palette: every declared command is registered, item-only
// ones are hidden from the palette, and a command run without a tree node asks
// for what it needs with real quick picks (answered here the way a keyboard
// user would: accepting the selected item).

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { pushImage } from "../../fixtures/seed";
import { connect, disconnectAll, getApi, runAcceptingQuickPicks } from "./extensionTestHelpers";

interface Contributions {
  commands: { command: string }[];
  menus: { commandPalette: { command: string; when?: string }[]; "view/item/context": { command: string; when: string }[] };
}

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../../package.json"), "utf8")) as { contributes: Contributions };

describe("palette", function () {
  this.timeout(120_000);
  let registry: RunningRegistry;

  before(async () => {
    await disconnectAll(await getApi());
    registry = await startRegistry();
  });

  after(async () => {
    await disconnectAll(await getApi());
    await registry?.stop();
  });

  it("registers every command package.json declares, and no undeclared one", async () => {
    await getApi();
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    const registered = (await vscode.commands.getCommands(true))
      .filter((c) => c.startsWith("containerRegistryExplorer.") && !c.startsWith("containerRegistryExplorer.registries."))
      .sort();
    // (containerRegistryExplorer.registries.* are the view's own commands, which VS Code adds.)
    assert.deepStrictEqual(registered, declared);
    for (const entry of [...manifest.contributes.menus.commandPalette, ...manifest.contributes.menus["view/item/context"]]) {
      assert.ok(declared.includes(entry.command), `menu entry for undeclared ${entry.command}`);
    }
  });

  it("hides only the item-only commands from the palette", () => {
    const hidden = manifest.contributes.menus.commandPalette.filter((e) => e.when === "false").map((e) => e.command);
    // Filter… and Clear Filter change a tree row's list: there is no row to act on from the palette.
    assert.deepStrictEqual(hidden.sort(), [
      "containerRegistryExplorer.azure.pin",
      "containerRegistryExplorer.azure.retry",
      "containerRegistryExplorer.azure.signInToTenant",
      "containerRegistryExplorer.clearFilter",
      "containerRegistryExplorer.filter",
      "containerRegistryExplorer.loadMore",
      "containerRegistryExplorer.retry",
    ]);
  });

  it("offers property toggles only on items whose registry reported that permission", () => {
    const lock = manifest.contributes.menus["view/item/context"].filter((e) => e.command === "containerRegistryExplorer.lock");
    const pattern = /viewItem =~ \/(.*)\//;
    for (const entry of lock) {
      const regex = new RegExp(pattern.exec(entry.when)![1]);
      assert.ok(regex.test("repository;props;read:on;write:on;delete:on;list:on"));
      assert.ok(regex.test("manifest;props;read:on;write:on;delete:off;list:on"));
      assert.ok(!regex.test("manifest;props;index;read:on;write:off;delete:on;list:on"), "already locked");
      assert.ok(!regex.test("manifest"), "a registry without properties");
      assert.ok(!regex.test("manifest;index"));
    }
  });

  it("copies a digest from the palette, picking registry, repository and manifest with quick picks", async () => {
    const image = await pushImage(registry, "palette/only", "1", { layers: [Buffer.from("palette layer")] });
    await connect(registry);
    // One registry connected: it is taken without asking; then one repository and one manifest to pick.
    const digest = await runAcceptingQuickPicks<string>("containerRegistryExplorer.copyDigest");
    assert.strictEqual(digest, image.manifestDigest);
  });
});
