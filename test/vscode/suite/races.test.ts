// What happens when things overlap: a tree refresh while a page is being read,
// and the client and capability caches while a registry's client is forgotten
// (new credentials, disconnect) or first used by two callers at once.

import * as assert from "assert";
import * as vscode from "vscode";
import type { ContinuablePage, PageSettings } from "../../../src/client/index";
import { PagedChildren } from "../../../src/extension/tree/pagedChildren";
import { TreeNode } from "../../../src/extension/tree/treeNode";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { connect, disconnectAll, getApi } from "./extensionTestHelpers";

class Item extends TreeNode {
  readonly parent = undefined;
  constructor(readonly id: string) {
    super();
  }
  getTreeItem(): vscode.TreeItem {
    return new vscode.TreeItem(this.id);
  }
}

function page(ids: string[], continuationToken?: string): ContinuablePage<Item> {
  return Object.assign(
    ids.map((id) => new Item(id)),
    { continuationToken },
  );
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));

describe("overlapping loads and cache resets", function () {
  this.timeout(60_000);

  it("a page read before a refresh is neither shown after it nor ends the newer load", async () => {
    const reads: { settings: PageSettings; answer: (page: ContinuablePage<Item>) => void }[] = [];
    const paged = new PagedChildren<Item>(
      (settings) => new Promise((answer) => reads.push({ settings, answer })),
      () => 2,
    );
    const beforeRefresh = paged.ensureLoaded();
    await settle();
    assert.strictEqual(reads.length, 1);
    paged.reset();
    const afterRefresh = paged.ensureLoaded();
    await settle();
    assert.strictEqual(reads.length, 2, "the refresh reads the list again");

    reads[0].answer(page(["stale"], "stale-next"));
    await settle();
    assert.strictEqual(paged.items.length, 0, "the old page is dropped");
    assert.strictEqual(paged.loaded, false);
    void paged.ensureLoaded();
    await settle();
    assert.strictEqual(reads.length, 2, "the newer read is still the one in flight");

    reads[1].answer(page(["fresh"]));
    await Promise.all([beforeRefresh, afterRefresh]);
    assert.deepStrictEqual(
      paged.items.map((i) => i.id),
      ["fresh"],
    );
    assert.strictEqual(paged.hasMore, false);
  });

  it("a failure read before a refresh is not shown after it", async () => {
    const reads: { fail: (error: Error) => void; answer: (page: ContinuablePage<Item>) => void }[] = [];
    const paged = new PagedChildren<Item>(
      () => new Promise((answer, fail) => reads.push({ answer, fail })),
      () => 2,
    );
    const beforeRefresh = paged.ensureLoaded();
    await settle();
    paged.reset();
    const afterRefresh = paged.ensureLoaded();
    await settle();
    reads[0].fail(new Error("old failure"));
    await settle();
    assert.strictEqual(paged.error, undefined, "no error node for the old read");
    reads[1].answer(page(["fresh"]));
    await Promise.all([beforeRefresh, afterRefresh]);
    assert.strictEqual(paged.error, undefined);
    assert.deepStrictEqual(
      paged.items.map((i) => i.id),
      ["fresh"],
    );
  });

  describe("client and capability caches", () => {
    let registry: RunningRegistry;
    let id: string;

    before(async () => {
      await disconnectAll(await getApi());
      registry = await startRegistry();
      id = await connect(registry);
    });

    after(async () => {
      await disconnectAll(await getApi());
      await registry?.stop();
    });

    it("concurrent first uses share one client", async () => {
      const { connections } = await getApi();
      const saved = connections.get(id)!;
      connections.forgetClient(id);
      const [a, b] = await Promise.all([connections.getClient(saved), connections.getClient(saved)]);
      assert.strictEqual(a, b);
      assert.strictEqual(await connections.getClient(saved), a);
    });

    it("a client still being made when it was forgotten is not cached", async () => {
      const { connections } = await getApi();
      const saved = connections.get(id)!;
      connections.forgetClient(id);
      const racing = connections.getClient(saved);
      // E.g. new credentials saved while the old client was being made.
      connections.forgetClient(id);
      const stale = await racing;
      const current = await connections.getClient(saved);
      assert.notStrictEqual(current, stale);
      assert.strictEqual(await connections.getClient(saved), current);
    });

    it("an older failed capability probe does not drop the newer one", async () => {
      const { connections } = await getApi();
      const saved = connections.get(id)!;
      connections.forgetClient(id);
      // A client that cannot be made (no saved password for it): its probe fails.
      const failing = connections.getCapabilities({ ...saved, auth: "password", username: "nobody" });
      connections.forgetClient(id);
      const current = connections.getCapabilities(saved);
      await assert.rejects(failing, (error: Error) => error.name === "MissingCredentialsError");
      assert.strictEqual((await current).kind, "oci");
      assert.strictEqual(connections.getCapabilities(saved), current, "still cached");
    });
  });
});
