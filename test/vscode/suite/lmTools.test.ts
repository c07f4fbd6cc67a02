// The language model tools in a real VS Code, called the way a chat agent's
// extension calls them: vscode.lm.invokeTool(name, { input,
// toolInvocationToken: undefined }, token), against a real distribution
// registry and the ACR stand-in. Each result is checked against what the
// registry has (over HTTP where it matters).
//
// Confirmations: with no chat token, VS Code's LanguageModelToolsService calls
// the tool's prepareInvocation and, when it returns confirmationMessages with a
// title, asks through the workbench's DialogService.confirm, invoking only if
// the user confirms (src/vs/workbench/contrib/chat/browser/languageModelToolsService.ts).
// In an extension test run DialogService.confirm shows nothing and answers
// "confirmed" (skipDialogs() in src/vs/workbench/services/dialogs/common/dialogService.ts:
// isExtensionDevelopment && extensionTestsLocationURI), so a declined dialog
// cannot be produced here. What the user would be asked, and that nothing
// changes without it, is therefore checked on the registered implementations
// themselves (the extension API's languageModelTools(): the same objects VS Code
// calls): prepareInvocation's confirmation names exactly what changes and
// changes nothing, and invoke without a prepared confirmation refuses.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import type { ContainerRegistryClient } from "../../../src/client";
import { TOOL_NAMES, type ToolKey } from "../../../src/extension/lmTools/toolNames";
import { clientFor } from "../../client/helpers";
import { pushImageWithConfig, pushIndex, pushReferrer, sampleConfig } from "../../client/imageFixtures";
import { type AcrStandIn, startAcrStandIn } from "../../fixtures/acrStandIn";
import { startFaultProxy } from "../../fixtures/faultProxy";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { OCI_INDEX, OCI_MANIFEST, pushImage } from "../../fixtures/seed";
import { command, connect, disconnectAll, getApi, randomBytes } from "./extensionTestHelpers";

const ADMIN = { username: "acradmin", password: "acr-admin-pass" };
const root = path.resolve(__dirname, "../../../..");

interface ToolContribution {
  name: string;
  toolReferenceName: string;
  displayName: string;
  modelDescription: string;
  userDescription: string;
  canBeReferencedInPrompt: boolean;
  icon: string;
  inputSchema: { type: string; properties: Record<string, { description?: string }>; required?: string[] };
}
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  activationEvents: string[];
  contributes: { languageModelTools: ToolContribution[] };
};
const nls = JSON.parse(fs.readFileSync(path.join(root, "package.nls.json"), "utf8")) as Record<string, string>;
const localized = (value: string): string => nls[value.replace(/^%|%$/g, "")] ?? value;

function newToken(): vscode.CancellationToken {
  return new vscode.CancellationTokenSource().token;
}

function textOf(result: vscode.LanguageModelToolResult): string {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : JSON.stringify(part))).join("");
}

/** A tool through VS Code, as another extension (no chat request) calls it. */
async function invoke(key: ToolKey, input: object, token = newToken()): Promise<string> {
  return textOf(await vscode.lm.invokeTool(TOOL_NAMES[key], { input, toolInvocationToken: undefined }, token));
}

function isCancellation(error: Error): boolean {
  assert.match(`${error.name} ${error.message}`, /Cancel/i);
  return true;
}

/** Rejects with a message matching `pattern`. */
async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.match(error.message, pattern);
    return true;
  });
}

async function manifestStatus(url: string, repository: string, reference: string): Promise<number> {
  return (
    await fetch(`${url}/v2/${repository}/manifests/${reference}`, { method: "HEAD", headers: { Accept: `${OCI_MANIFEST}, ${OCI_INDEX}` } })
  ).status;
}

async function tagDigest(url: string, repository: string, tag: string): Promise<string | null> {
  const response = await fetch(`${url}/v2/${repository}/manifests/${tag}`, {
    method: "HEAD",
    headers: { Accept: `${OCI_MANIFEST}, ${OCI_INDEX}` },
  });
  return response.status === 200 ? response.headers.get("docker-content-digest") : null;
}

async function listedTags(url: string, repository: string): Promise<string[]> {
  const body = (await (await fetch(`${url}/v2/${repository}/tags/list`)).json()) as { tags?: string[] | null };
  return [...(body.tags ?? [])].sort();
}

describe("language model tools", function () {
  this.timeout(180_000);
  let plain: RunningRegistry;
  let upstream: RunningRegistry;
  let standIn: AcrStandIn;
  let client: ContainerRegistryClient;
  let v1: Awaited<ReturnType<typeof pushImageWithConfig>>;
  let v2: Awaited<ReturnType<typeof pushImageWithConfig>>;
  let arm64: Awaited<ReturnType<typeof pushImageWithConfig>>;
  let indexDigest: string;
  let signed: Awaited<ReturnType<typeof pushImageWithConfig>>;
  let sbom: { digest: string };
  const acr: Record<string, string> = {};
  const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

  before(async () => {
    await disconnectAll(await getApi());
    [plain, upstream] = await Promise.all([startRegistry({ auth: "anonymous" }), startRegistry()]);
    standIn = await startAcrStandIn({ upstream: upstream.url, adminUser: ADMIN });
    client = clientFor(plain);
    v1 = await pushImageWithConfig(client, "lm/app", sampleConfig("amd64", 2), [randomBytes(3000, 1), randomBytes(5000, 2)], "v1");
    v2 = await pushImageWithConfig(client, "lm/app", sampleConfig("amd64", 2, { created: "2026-05-06T07:08:09Z" }), [
      randomBytes(3000, 1),
      randomBytes(7000, 3),
    ]);
    await client.addTag("lm/app", v2.digest, "v2");
    await client.addTag("lm/app", v2.digest, "latest");
    arm64 = await pushImageWithConfig(client, "lm/app", sampleConfig("arm64", 1), [randomBytes(9000, 4)]);
    indexDigest = await pushIndex(
      client,
      "lm/app",
      [
        { digest: v1.digest, size: v1.size, architecture: "amd64" },
        { digest: arm64.digest, size: arm64.size, architecture: "arm64" },
      ],
      "multi",
    );
    // Its own repository: distribution 2.8 keeps referrers under a fallback tag, which would show among lm/app's tags.
    signed = await pushImageWithConfig(client, "lm/signed", sampleConfig("amd64", 1), [randomBytes(100, 9)], "v1");
    sbom = await pushReferrer(
      client,
      "lm/signed",
      { digest: signed.digest, mediaType: OCI_MANIFEST, size: signed.size },
      "application/spdx+json",
      "{}",
    );
    for (const name of ["lm/tools-a", "lm/tools-b", "other/x"]) {
      await pushImage(plain, name, "1", { layers: [Buffer.from(name)] });
    }
    const acrTarget = { url: standIn.url, ...ADMIN };
    for (const name of ["a", "b", "c", "d"]) {
      acr[name] = (await pushImage(acrTarget, "clean/app", name, { layers: [Buffer.from(`lm layer ${name}`)] })).manifestDigest;
      await pause();
    }
    await connect(plain);
    await connect({ url: standIn.url, host: standIn.host, ...ADMIN } as unknown as RunningRegistry);
  });

  after(async () => {
    await disconnectAll(await getApi());
    await standIn?.stop();
    await Promise.all([plain?.stop(), upstream?.stop()]);
  });

  it("contributes every tool with its schema, listed by vscode.lm.tools, each activating the extension", () => {
    const contributed = manifest.contributes.languageModelTools;
    assert.deepStrictEqual(contributed.map((t) => t.name).sort(), Object.values(TOOL_NAMES).sort());
    for (const tool of contributed) {
      assert.ok(manifest.activationEvents.includes(`onLanguageModelTool:${tool.name}`), `activation event for ${tool.name}`);
      assert.ok(tool.toolReferenceName && tool.canBeReferencedInPrompt && tool.icon, `${tool.name} can be referenced, with an icon`);
      for (const key of ["displayName", "modelDescription", "userDescription"] as const) {
        assert.match(tool[key], /^%languageModelTools\.\w+\.\w+%$/, `${tool.name}.${key} comes from package.nls.json`);
        assert.ok(localized(tool[key]).length > 20 || key === "displayName", `${tool.name}.${key} is written out`);
      }
      for (const [property, schema] of Object.entries(tool.inputSchema.properties)) {
        assert.ok(schema.description, `${tool.name}.${property} has a description`);
      }
      const listed = vscode.lm.tools.find((t) => t.name === tool.name);
      assert.ok(listed, `vscode.lm.tools lists ${tool.name}`);
      assert.deepStrictEqual(listed.inputSchema, tool.inputSchema);
      assert.strictEqual(listed.description, localized(tool.modelDescription));
    }
  });

  it("lists the connected registries by the names the tree shows, a friendly name included", async () => {
    const api = await getApi();
    const saved = api.connections.list().find((r) => r.loginServer === standIn.host)!;
    await api.connections.rename(saved.id, "Team ACR");
    try {
      const text = await invoke("listRegistries", {});
      assert.match(text, /^2 connected registries/);
      assert.ok(text.includes(`- ${plain.host}; host: ${plain.host}; endpoint: ${plain.url}; sign-in: anonymous`), text);
      assert.ok(text.includes(`- Team ACR (${standIn.host}); host: ${standIn.host}`), text);
      // The friendly name is accepted wherever a registry is named.
      assert.match(
        await invoke("listRepositories", { registry: "team acr" }),
        new RegExp(`Repositories of Team ACR \\(${standIn.host}\\):`),
      );
    } finally {
      await api.connections.rename(saved.id, "");
    }
  });

  it("lists repositories by prefix, bounded, saying when more are available", async () => {
    const all = await invoke("listRepositories", { registry: plain.host, prefix: "lm/" });
    assert.deepStrictEqual(all.split("\n"), [
      `Repositories of ${plain.host} starting with "lm/":`,
      "4 in all (complete list).",
      "lm/app",
      "lm/signed",
      "lm/tools-a",
      "lm/tools-b",
    ]);
    const bounded = await invoke("listRepositories", { registry: plain.host, prefix: "lm/", maxResults: 2 });
    assert.match(bounded, /^2 shown; more available \(give a longer prefix/m);
    assert.deepStrictEqual(bounded.split("\n").slice(2), ["lm/app", "lm/signed"]);
    const everything = await invoke("listRepositories", { registry: plain.host });
    assert.deepStrictEqual(everything.split("\n").slice(2), ["lm/app", "lm/signed", "lm/tools-a", "lm/tools-b", "other/x"]);
  });

  it("lists a repository's manifests with their tags as the registry has them", async () => {
    const text = await invoke("listTagsAndManifests", { registry: plain.host, repository: "lm/app" });
    const lines = text.split("\n");
    assert.strictEqual(lines[0], `Manifests of ${plain.host}/lm/app with their tags (4 tags on these manifests).`);
    assert.match(lines[1], /the registry's own \(it cannot order by time/);
    assert.strictEqual(lines[2], "3 in all (complete list).");
    // Every tag the registry lists, on the digest it points at (asked over HTTP).
    const tags = await listedTags(plain.url, "lm/app");
    assert.deepStrictEqual(tags, ["latest", "multi", "v1", "v2"]);
    for (const tag of tags) {
      const digest = await tagDigest(plain.url, "lm/app", tag);
      const line = lines.find((l) => l.startsWith(`- ${digest};`));
      assert.ok(line, `a line for ${tag}'s manifest ${digest}`);
      assert.match(line, new RegExp(`tags: [^;]*\\b${tag}\\b`));
    }
    assert.match(
      lines.find((l) => l.startsWith(`- ${indexDigest};`))!,
      /index of: linux\/amd64, linux\/arm64/,
    );
    assert.match(
      lines.find((l) => l.startsWith(`- ${v2.digest};`))!,
      /tags: (latest, v2|v2, latest); platform: linux\/amd64/,
    );

    const bounded = await invoke("listTagsAndManifests", { registry: plain.host, repository: "lm/app", maxResults: 1 });
    assert.match(bounded, /^1 shown; more available/m);
  });

  it("lists the ACR stand-in's manifests newest first (the registry's ordering)", async () => {
    const text = await invoke("listTagsAndManifests", { registry: standIn.host, repository: "clean/app" });
    assert.match(text, /Order: newest first by last update/);
    const digests = text
      .split("\n")
      .filter((l) => l.startsWith("- "))
      .map((l) => l.slice(2, l.indexOf(";")));
    assert.deepStrictEqual(digests, [acr.d, acr.c, acr.b, acr.a]);
    assert.match(text, new RegExp(`- ${acr.d}; tags: d; platform: linux/amd64; size: \\d+ bytes .*; last updated: \\d{4}-`));
  });

  it("inspects an image by reference: config, created, size, layers with their steps, history, referrers", async () => {
    const text = await invoke("inspectImage", { reference: `${plain.host}/lm/app:v2` });
    const lines = text.split("\n");
    assert.strictEqual(lines[0], `Image ${plain.host}/lm/app`);
    assert.strictEqual(lines[1], `digest: ${v2.digest}`);
    assert.ok(lines.includes("tag: v2"));
    assert.ok(lines.includes("created: 2026-05-06T07:08:09Z"), text);
    assert.ok(lines.includes(`config: ${v2.config.digest}`));
    assert.ok(lines.includes("platform: linux/amd64"));
    const size = v2.config.size + v2.layers.reduce((sum, l) => sum + l.size, 0);
    assert.ok(
      lines.some((l) => l.startsWith(`compressed size: ${size} bytes`)),
      text,
    );
    assert.ok(lines.includes('Entrypoint: ["/bin/app"]'));
    assert.ok(lines.includes('Env: ["PATH=/usr/bin","ARCH=amd64"]'));
    assert.ok(lines.includes("layers (2, base first):"));
    v2.layers.forEach((layer, i) => {
      assert.ok(
        lines.includes(
          `${i + 1}. ${layer.digest}, ${layer.size} bytes (${(layer.size / 1024).toFixed(1)} KB), ${layer.mediaType} — RUN step ${i}`,
        ),
        `layer ${i} in\n${text}`,
      );
    });
    assert.ok(lines.includes("history (3 steps, oldest first):"));
    assert.ok(lines.includes("3. 2026-03-04T05:06:07Z no layer: ENV ARCH"));
    assert.strictEqual(lines.at(-1), "referrers: none");
    const withReferrer = await invoke("inspectImage", { reference: `${plain.host}/lm/signed:v1` });
    assert.ok(
      withReferrer.split("\n").some((l) => l.startsWith(`- ${sbom.digest}; spdx-sbom; application/spdx+json`)),
      withReferrer,
    );

    // The same image named by registry, repository and digest.
    const byDigest = await invoke("inspectImage", { registry: plain.host, repository: "lm/app", digest: v2.digest });
    assert.strictEqual(byDigest.split("\n")[1], `digest: ${v2.digest}`);
  });

  it("inspects an index: its platforms, and one platform's image when asked", async () => {
    const index = await invoke("inspectImage", { registry: plain.host, repository: "lm/app", tag: "multi" });
    assert.match(index, new RegExp(`^Image index ${plain.host}/lm/app\ndigest: ${indexDigest}\n`));
    assert.match(index, /platforms \(2; pass platform to inspect one\):/);
    assert.match(index, new RegExp(`- linux/amd64: ${v1.digest}, \\d+ bytes`));
    assert.match(index, new RegExp(`- linux/arm64: ${arm64.digest}, \\d+ bytes`));
    const arm = await invoke("inspectImage", { reference: `${plain.host}/lm/app:multi`, platform: "linux/arm64" });
    assert.match(arm, new RegExp(`^Image ${plain.host}/lm/app\ndigest: ${arm64.digest}\nplatform manifest of the index ${indexDigest}\n`));
    assert.match(arm, /layers \(1, base first\):/);
    await rejectsWith(
      invoke("inspectImage", { reference: `${plain.host}/lm/app:multi`, platform: "linux/s390x" }),
      /linux\/s390x.*|.*linux\/amd64.*linux\/arm64/,
    );
  });

  it("finds the tags of a digest, and says when it is untagged", async () => {
    const tagged = await invoke("findTagsOfDigest", { registry: plain.host, repository: "lm/app", digest: v2.digest });
    assert.deepStrictEqual(tagged.split("\n").slice(1).sort(), ["latest", "v2"]);
    assert.match(tagged, new RegExp(`^2 tags point at ${plain.host}/lm/app@${v2.digest}`));
    const untagged = await invoke("findTagsOfDigest", { registry: plain.host, repository: "lm/app", digest: arm64.digest });
    assert.strictEqual(untagged, `No tag points at ${plain.host}/lm/app@${arm64.digest} (${OCI_MANIFEST}): it is untagged.`);
    await rejectsWith(
      invoke("findTagsOfDigest", { registry: plain.host, repository: "lm/app", digest: `sha256:${"e".repeat(64)}` }),
      /manifest unknown|not found|404/i,
    );
  });

  it("plans a clean-up, keeping the newest, and changes nothing", async () => {
    const text = await invoke("planCleanup", { registry: standIn.host, repository: "clean/app", keepLatest: 2 });
    const lines = text.split("\n");
    assert.strictEqual(lines[0], `Clean-up plan for ${standIn.host}/clean/app (rules: keep the 2 newest). Nothing has been deleted.`);
    assert.match(lines[1], /^To delete \(2, newest first; \d+ bytes .* freed at most\):$/);
    assert.match(lines[2], new RegExp(`^- ${acr.b}; tags: b; last updated: `));
    assert.match(lines[3], new RegExp(`^- ${acr.a}; tags: a; last updated: `));
    assert.strictEqual(lines[4], "To keep (2):");
    assert.ok(lines.some((l) => l.startsWith(`- ${acr.d}; tags: d; kept: among the newest`)));
    // A date before every push keeps all; olderThanDays 0 with keepLatest 3 leaves the oldest.
    const tooRecent = await invoke("planCleanup", { registry: standIn.host, repository: "clean/app", olderThan: "2000-01-01" });
    assert.match(tooRecent, /\(rules: only those older than 2000-01-01T00:00:00\.000Z\)/);
    assert.match(tooRecent, /^To delete \(0, /m);
    assert.strictEqual(tooRecent.split("\n").filter((l) => l.includes("kept: too recent")).length, 4);
    const byDays = await invoke("planCleanup", { registry: standIn.host, repository: "clean/app", olderThanDays: 0, keepLatest: 3 });
    assert.match(byDays, new RegExp(`^To delete \\(1, [^\n]*\n- ${acr.a}; `, "m"));
    for (const name of ["a", "b", "c", "d"]) {
      assert.strictEqual(await manifestStatus(upstream.url, "clean/app", acr[name]), 200, `${name} is still there`);
    }
  });

  it("a clean-up's confirmation names every manifest it deletes; unconfirmed, nothing is deleted", async () => {
    const tools = await (await getApi()).languageModelTools();
    const input = { registry: standIn.host, repository: "clean/app", keepLatest: 2 };
    const prepared = await tools.executeCleanup.prepareInvocation({ input }, newToken());
    assert.strictEqual(prepared.confirmationMessages?.title, `Delete 2 manifests in ${standIn.host}/clean/app?`);
    const detail = prepared.confirmationMessages.message as string;
    assert.ok(detail.includes(`- ${acr.b} (tags: b)`) && detail.includes(`- ${acr.a} (tags: a)`), detail);
    assert.ok(!detail.includes(acr.c) && !detail.includes(acr.d), "kept manifests are not among the deleted");
    assert.match(String(prepared.invocationMessage), /Cleaning up/);
    // Invoked with an input nothing was prepared (confirmed) for: refused.
    await rejectsWith(
      tools.executeCleanup.invoke({ input: { ...input, keepLatest: 1 }, toolInvocationToken: undefined }, newToken()),
      /^Nothing was changed: this change was not prepared and confirmed/,
    );
    for (const name of ["a", "b", "c", "d"]) {
      assert.strictEqual(await manifestStatus(upstream.url, "clean/app", acr[name]), 200, `${name} is still there`);
    }
  });

  it("runs a clean-up through VS Code (prepare, confirmation, invoke): exactly the planned manifests go", async () => {
    // invoke acts only on a plan its prepareInvocation kept: that it deletes at all shows VS Code prepared and confirmed first.
    const text = await invoke("executeCleanup", { registry: standIn.host, repository: "clean/app", keepLatest: 2 });
    assert.strictEqual(
      text,
      [`Clean-up of ${standIn.host}/clean/app done: 2 deleted, 0 skipped, 0 failed.`, `deleted ${acr.b}`, `deleted ${acr.a}`].join("\n"),
    );
    assert.strictEqual(await manifestStatus(upstream.url, "clean/app", acr.a), 404);
    assert.strictEqual(await manifestStatus(upstream.url, "clean/app", acr.b), 404);
    assert.strictEqual(await manifestStatus(upstream.url, "clean/app", acr.c), 200);
    assert.strictEqual(await manifestStatus(upstream.url, "clean/app", acr.d), 200);
  });

  it("deletes a tag through VS Code; the manifest and its other tags stay", async () => {
    const tools = await (await getApi()).languageModelTools();
    const prepared = await tools.deleteTagOrManifest.prepareInvocation(
      { input: { registry: plain.host, repository: "lm/app", tag: "latest" } },
      newToken(),
    );
    assert.strictEqual(prepared.confirmationMessages?.title, `Delete the tag ${plain.host}/lm/app:latest?`);
    assert.match(prepared.confirmationMessages.message as string, new RegExp(`pointing at ${v2.digest}`));
    assert.deepStrictEqual(await listedTags(plain.url, "lm/app"), ["latest", "multi", "v1", "v2"], "preparing deleted nothing");

    const text = await invoke("deleteTagOrManifest", { registry: plain.host, repository: "lm/app", tag: "latest" });
    assert.strictEqual(text, `Deleted the tag ${plain.host}/lm/app:latest (it pointed at ${v2.digest}; the manifest stays).`);
    assert.deepStrictEqual(await listedTags(plain.url, "lm/app"), ["multi", "v1", "v2"]);
    assert.strictEqual(await tagDigest(plain.url, "lm/app", "v2"), v2.digest);
  });

  it("a tag that moved after the confirmation is not deleted", async () => {
    const tools = await (await getApi()).languageModelTools();
    const input = { registry: plain.host, repository: "lm/tools-a", tag: "1" };
    await tools.deleteTagOrManifest.prepareInvocation({ input }, newToken());
    const moved = await pushImage(plain, "lm/tools-a", "1", { layers: [Buffer.from("moved meanwhile")] });
    await rejectsWith(
      tools.deleteTagOrManifest.invoke({ input, toolInvocationToken: undefined }, newToken()),
      /^Nothing was deleted: the registry changed since the user confirmed/,
    );
    assert.strictEqual(await tagDigest(plain.url, "lm/tools-a", "1"), moved.manifestDigest);
  });

  it("changes nothing on a registry disconnected between the confirmation and the invoke", async () => {
    const api = await getApi();
    const tools = await api.languageModelTools();
    const other = await startRegistry({ auth: "anonymous" });
    try {
      const pushed = await pushImage(other, "gone/app", "1", { layers: [Buffer.from("disconnected meanwhile")] });
      const id = await connect(other);
      const deleteInput = { registry: other.host, repository: "gone/app", tag: "1" };
      const tagInput = { registry: other.host, repository: "gone/app", source: "1", tag: "2" };
      await tools.deleteTagOrManifest.prepareInvocation({ input: deleteInput }, newToken());
      await tools.addTag.prepareInvocation({ input: tagInput }, newToken());
      await api.connections.remove(id);
      for (const [tool, input] of [
        [tools.deleteTagOrManifest, deleteInput],
        [tools.addTag, tagInput],
      ] as const) {
        await rejectsWith(
          tool.invoke({ input, toolInvocationToken: undefined }, newToken()),
          new RegExp(`^Nothing was changed: ${other.host.replace(/\./g, "\\.")} was disconnected after the user confirmed`),
        );
      }
      assert.strictEqual(await tagDigest(other.url, "gone/app", "1"), pushed.manifestDigest, "the tag stays");
      assert.strictEqual(await tagDigest(other.url, "gone/app", "2"), null, "no tag was added");
    } finally {
      await other.stop();
    }
  });

  it("deletes a manifest by digest with its tags, naming them in the confirmation", async () => {
    const tools = await (await getApi()).languageModelTools();
    const input = { registry: standIn.host, repository: "clean/app", digest: acr.c };
    const prepared = await tools.deleteTagOrManifest.prepareInvocation({ input }, newToken());
    assert.strictEqual(prepared.confirmationMessages?.title, `Delete the manifest ${standIn.host}/clean/app@${acr.c}?`);
    assert.match(prepared.confirmationMessages.message as string, /and with it its tags c\. This cannot be undone\./);
    const text = await invoke("deleteTagOrManifest", input);
    assert.strictEqual(text, `Deleted the manifest ${standIn.host}/clean/app@${acr.c}, and with it its tags c.`);
    assert.strictEqual(await manifestStatus(upstream.url, "clean/app", acr.c), 404);
    assert.strictEqual(await manifestStatus(upstream.url, "clean/app", acr.d), 200);
  });

  it("adds a tag through VS Code after naming the digest it will point at", async () => {
    const tools = await (await getApi()).languageModelTools();
    const input = { registry: plain.host, repository: "lm/app", source: "v1", tag: "stable" };
    const prepared = await tools.addTag.prepareInvocation({ input }, newToken());
    assert.strictEqual(prepared.confirmationMessages?.title, `Add the tag ${plain.host}/lm/app:stable?`);
    assert.match(prepared.confirmationMessages.message as string, new RegExp(`:stable will point at ${v1.digest} \\(what v1 names now\\)`));
    assert.strictEqual(await tagDigest(plain.url, "lm/app", "stable"), null, "preparing added nothing");
    const text = await invoke("addTag", input);
    assert.strictEqual(text, `Added ${plain.host}/lm/app:stable, pointing at ${v1.digest}.`);
    assert.strictEqual(await tagDigest(plain.url, "lm/app", "stable"), v1.digest);
    const moved = await invoke("addTag", { ...input, source: v2.digest });
    assert.strictEqual(moved, `Moved ${plain.host}/lm/app:stable from ${v1.digest} to ${v2.digest}.`);
    assert.strictEqual(await tagDigest(plain.url, "lm/app", "stable"), v2.digest);
  });

  it("answers bad input with what is wrong, and an unknown registry with the connected ones", async () => {
    await rejectsWith(
      invoke("listRepositories", { registry: "nowhere.example" }),
      new RegExp(
        `No connected registry is named "nowhere.example"\\. The connected registries are: (${plain.host}, ${standIn.host}|${standIn.host}, ${plain.host})\\.`,
      ),
    );
    await rejectsWith(invoke("listRepositories", { registry: plain.host, prefix: "LM/" }), /Invalid repository prefix "LM\/"/);
    await rejectsWith(
      invoke("listRepositories", { registry: plain.host, maxResults: 0 }),
      /maxResults must be a whole number from 1 to 1000, not 0/,
    );
    await rejectsWith(invoke("listTagsAndManifests", { registry: plain.host }), /^repository is required\.$/);
    await rejectsWith(
      invoke("inspectImage", { reference: "http://x/y:z" }),
      /Invalid image reference "http:\/\/x\/y:z": give host\/repository:tag without a URL scheme/,
    );
    await rejectsWith(
      invoke("inspectImage", { reference: "elsewhere.example/a:b" }),
      /No connected registry is named "elsewhere\.example"/,
    );
    await rejectsWith(
      invoke("inspectImage", { reference: `${plain.host}/lm/app:v1`, registry: plain.host }),
      /Give either reference, or registry with repository and tag or digest, not both\./,
    );
    await rejectsWith(
      invoke("inspectImage", { registry: plain.host, repository: "lm/app", platform: "linux" }),
      /Invalid platform "linux"/,
    );
    await rejectsWith(
      invoke("findTagsOfDigest", { registry: plain.host, repository: "lm/app", digest: "sha256:abc" }),
      /Invalid digest "sha256:abc"/,
    );
    await rejectsWith(invoke("planCleanup", { registry: plain.host, repository: "lm/app" }), /^Give at least one rule/);
    await rejectsWith(
      invoke("planCleanup", { registry: plain.host, repository: "lm/app", tagPattern: "(" }),
      /tag pattern|regular expression/i,
    );
    await rejectsWith(
      invoke("planCleanup", { registry: plain.host, repository: "lm/app", olderThan: "last week" }),
      /olderThan must be a date/,
    );
    await rejectsWith(
      invoke("deleteTagOrManifest", { registry: plain.host, repository: "lm/app", tag: "v1", digest: v1.digest }),
      /^Give exactly one of tag and digest\.$/,
    );
    // Rules that delete every candidate need deleteEveryCandidate: nothing is planned or deleted without it.
    await rejectsWith(
      invoke("executeCleanup", { registry: plain.host, repository: "lm/app", keepLatest: 0 }),
      /keepLatest 0 with no other rule deletes every manifest .* pass deleteEveryCandidate: true only if/,
    );
    assert.deepStrictEqual(await listedTags(plain.url, "lm/app"), ["multi", "stable", "v1", "v2"]);
  });

  it("honours cancellation: a cancelled call is a CancellationError", async () => {
    const source = new vscode.CancellationTokenSource();
    source.cancel();
    await assert.rejects(invoke("listTagsAndManifests", { registry: plain.host, repository: "lm/app" }, source.token), isCancellation);
  });

  it("cancelling while the registry has not answered stops the call at once", async () => {
    // The tag listing never gets an answer: only the token can end the call.
    const proxy = await startFaultProxy(plain.url);
    proxy.inject({ path: /\/tags\/list/, times: Infinity, fault: { kind: "stallBeforeResponse" } });
    const id = await connect({ url: proxy.url, host: proxy.host, auth: "anonymous" } as unknown as RunningRegistry);
    try {
      const source = new vscode.CancellationTokenSource();
      const call = invoke("listTagsAndManifests", { registry: proxy.host, repository: "lm/app" }, source.token);
      const outcome = call.then(
        () => "resolved",
        (error: Error) => error,
      );
      for (let i = 0; i < 200 && !proxy.requests.some((r) => r.path.includes("/tags/list")); i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.ok(
        proxy.requests.some((r) => r.path.includes("/tags/list")),
        "the listing reached the registry",
      );
      const cancelledAt = Date.now();
      source.cancel();
      const error = await outcome;
      assert.ok(error instanceof Error && isCancellation(error), `cancelled, got ${String(error)}`);
      assert.ok(Date.now() - cancelledAt < 5000, "ended soon after the cancel");
      // VS Code's RPC ends the caller's wait on a cancel by itself; the tool's own promise
      // (what VS Code awaits) ends too only because the token aborts the stalled request.
      const tools = await (await getApi()).languageModelTools();
      const direct = new vscode.CancellationTokenSource();
      const seen = proxy.requests.length;
      const ownCall = tools.listTagsAndManifests
        .invoke({ input: { registry: proxy.host, repository: "lm/app" }, toolInvocationToken: undefined }, direct.token)
        .then(
          () => "resolved",
          (e: Error) => e,
        );
      for (let i = 0; i < 200 && !proxy.requests.slice(seen).some((r) => r.path.includes("/tags/list")); i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      direct.cancel();
      const ownError = await ownCall;
      assert.ok(ownError instanceof vscode.CancellationError, `the tool itself ends with a CancellationError, got ${String(ownError)}`);
    } finally {
      await command("disconnect", { registry: id });
      await proxy.close();
    }
  });
});
