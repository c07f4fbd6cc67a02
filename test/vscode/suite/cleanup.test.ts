// Clean Up Repository… on the ACR stand-in (lastUpdatedOn, a lock set through
// the extension's own Lock command) and on distribution: what the preview
// lists, the confirmations, and what the registry still has afterwards
// (checked over HTTP); bad rules and a registry that cannot delete are
// refused before any confirmation.

import * as assert from "assert";
import { type AcrStandIn, startAcrStandIn } from "../../fixtures/acrStandIn";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { OCI_MANIFEST, pushImage } from "../../fixtures/seed";
import { child, command, connect, disconnectAll, getApi, manifestWithTag, registryNode } from "./extensionTestHelpers";

const ADMIN = { username: "acradmin", password: "acr-admin-pass" };

interface CleanupOutcome {
  preview: string;
  plans: { delete: { digest: string }[]; keep: { digest: string; reason: string }[] }[];
  results?: { result: { deleted: string[]; skipped: unknown[]; failed: unknown[] } }[];
}

/** Asked of the registry itself (for the stand-in, the distribution registry behind it, which holds the manifests). */
async function status(url: string, repository: string, reference: string): Promise<number> {
  return (await fetch(`${url}/v2/${repository}/manifests/${reference}`, { method: "HEAD", headers: { Accept: OCI_MANIFEST } })).status;
}

describe("clean up", function () {
  this.timeout(180_000);
  let upstream: RunningRegistry;
  let standIn: AcrStandIn;
  let plain: RunningRegistry;
  let noDelete: RunningRegistry;
  const digests: Record<string, string> = {};
  const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

  before(async () => {
    await disconnectAll(await getApi());
    [upstream, plain, noDelete] = await Promise.all([startRegistry(), startRegistry(), startRegistry({ deleteEnabled: false })]);
    standIn = await startAcrStandIn({ upstream: upstream.url, adminUser: ADMIN });
    const acr = { url: standIn.url, ...ADMIN };
    for (const name of ["a", "b", "c", "d"]) {
      digests[name] = (await pushImage(acr, "clean/app", name, { layers: [Buffer.from(`layer ${name}`)] })).manifestDigest;
      await pause();
    }
    for (const name of ["x", "y", "z"]) {
      digests[name] = (await pushImage(acr, "clean/all", name, { layers: [Buffer.from(`all ${name}`)] })).manifestDigest;
      await pause();
    }
    for (const name of ["l1", "l2"]) {
      digests[name] = (await pushImage(acr, "clean/locks", name, { layers: [Buffer.from(`locks ${name}`)] })).manifestDigest;
    }
    await pushImage(plain, "clean/plain", "v1", { layers: [Buffer.from("plain")] });
    await pushImage(noDelete, "clean/nodelete", "v1", { layers: [Buffer.from("nodelete")] });
    await connect({ url: standIn.url, host: standIn.host, ...ADMIN } as unknown as RunningRegistry);
    await connect(plain);
    await connect(noDelete);
  });

  after(async () => {
    await disconnectAll(await getApi());
    await standIn?.stop();
    await Promise.all([upstream?.stop(), plain?.stop(), noDelete?.stop()]);
  });

  it("previews what goes and what stays (a locked manifest visibly kept), asks once, deletes, and the registry agrees", async () => {
    const api = await getApi();
    const repository = await child(api, await child(api, undefined, standIn.host), "clean/app");
    await command("lock", await manifestWithTag(api, repository, "b"), {});
    const asked: [string, string][] = [];
    const outcome = await command<CleanupOutcome>("cleanupRepository", repository, {
      cleanupRules: { keepLatest: 1 },
      confirm: (message: string, detail: string) => (asked.push([message, detail]), true),
    });
    assert.strictEqual(asked.length, 1, "one confirmation");
    assert.strictEqual(asked[0][0], `Delete 2 manifests in ${standIn.host}/clean/app?`);
    assert.match(asked[0][1], /2 kept/);
    const plan = outcome.plans[0];
    assert.deepStrictEqual(
      plan.delete.map((d) => d.digest),
      [digests.c, digests.a],
      "newest first by lastUpdatedOn, the locked b skipped over",
    );
    assert.deepStrictEqual(
      plan.keep.map((k) => [k.digest, k.reason]).sort(),
      [
        [digests.b, "locked"],
        [digests.d, "among the newest"],
      ].sort(),
    );
    assert.match(outcome.preview, new RegExp(`\`${digests.b}\` b — locked: write is disabled`));
    assert.match(outcome.preview, new RegExp(`\`${digests.d}\` d — among the newest`));
    assert.match(outcome.preview, /### Deleted \(2, .* freed at most\)/);
    assert.deepStrictEqual(outcome.results?.[0].result, { deleted: [digests.c, digests.a], skipped: [], failed: [] });
    assert.strictEqual(await status(upstream.url, "clean/app", digests.a), 404);
    assert.strictEqual(await status(upstream.url, "clean/app", digests.c), 404);
    assert.strictEqual(await status(upstream.url, "clean/app", digests.b), 200);
    assert.strictEqual(await status(upstream.url, "clean/app", digests.d), 200);
  });

  it("rules that delete everything need a second, explicit confirmation; declining it deletes nothing", async () => {
    const api = await getApi();
    const repository = await child(api, await child(api, undefined, standIn.host), "clean/all");
    const asked: string[] = [];
    const outcome = await command<CleanupOutcome>("cleanupRepository", repository, {
      cleanupRules: { keepLatest: 0 },
      confirm: (message: string) => (asked.push(message), asked.length === 1),
    });
    assert.strictEqual(asked.length, 2);
    assert.match(asked[1], /delete every manifest they can\. Really delete all 3\?/);
    assert.strictEqual(outcome.results, undefined);
    for (const name of ["x", "y", "z"]) {
      assert.strictEqual(await status(upstream.url, "clean/all", digests[name]), 200);
    }
  });

  it("multi-select Lock locks every selected manifest; the clean-up then keeps both as locked", async () => {
    const api = await getApi();
    const repository = await child(api, await child(api, undefined, standIn.host), "clean/locks");
    const selected = [await manifestWithTag(api, repository, "l1"), await manifestWithTag(api, repository, "l2")];
    const results = await command<{ canWrite?: boolean }[]>("lock", selected[0], selected, {});
    assert.deepStrictEqual(
      results.map((r) => r.canWrite),
      [false, false],
    );
    const outcome = await command<CleanupOutcome>("cleanupRepository", repository, {
      cleanupRules: { keepLatest: 0 },
      confirm: () => assert.fail("nothing to confirm"),
    });
    assert.deepStrictEqual(outcome.plans[0].delete, []);
    assert.deepStrictEqual(
      outcome.plans[0].keep.map((k) => [k.digest, k.reason]).sort(),
      [
        [digests.l1, "locked"],
        [digests.l2, "locked"],
      ].sort(),
    );
  });

  it("on distribution: a registry prefix clean-up by tag pattern", async () => {
    const api = await getApi();
    const outcome = await command<CleanupOutcome>("cleanupRegistry", await registryNode(api, plain), {
      repositoryPrefix: "clean/",
      cleanupRules: { tagPattern: "v[0-9]+" },
      skipConfirmation: true,
    });
    assert.strictEqual(outcome.plans.length, 1);
    assert.strictEqual(outcome.results?.[0].result.deleted.length, 1);
    assert.strictEqual(await status(plain.url, "clean/plain", "v1"), 404);
  });

  it("refuses a bad pattern or date, and says a registry cannot delete before the preview", async () => {
    const api = await getApi();
    const repository = await child(api, await registryNode(api, plain), "clean/plain");
    const never = (): boolean => assert.fail("no confirmation may be asked");
    await assert.rejects(
      command("cleanupRepository", repository, { cleanupRules: { tagPattern: "v[" }, confirm: never }),
      /Invalid tagPattern/,
    );
    await assert.rejects(
      command("cleanupRepository", repository, { cleanupRules: { olderThan: "yesterday" }, confirm: never }),
      /Invalid olderThan/,
    );
    await assert.rejects(command("cleanupRepository", repository, { cleanupRules: {}, confirm: never }), /at least one rule/);
    const locked = await child(api, await registryNode(api, noDelete), "clean/nodelete");
    await assert.rejects(
      command("cleanupRepository", locked, { cleanupRules: { keepLatest: 0 }, confirm: never }),
      /does not allow deleting/,
    );
    assert.strictEqual(await status(noDelete.url, "clean/nodelete", "v1"), 200);
  });
});
