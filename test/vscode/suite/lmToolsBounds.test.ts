// The inspect tool's answer is bounded whatever the image holds: a manifest
// and a config may each be 4 MiB, and a model's context is not the place for
// all of it. An image of 205 layers with a 5,000-character Env value, through
// vscode.lm.invokeTool against the real registry.

import * as assert from "assert";
import * as vscode from "vscode";
import { TOOL_NAMES } from "../../../src/extension/lmTools/toolNames";
import { clientFor } from "../../client/helpers";
import { pushImageWithConfig, sampleConfig } from "../../client/imageFixtures";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { connect, disconnectAll, getApi } from "./extensionTestHelpers";

const LAYERS = 205;

describe("language model tools: inspect answers are bounded", function () {
  this.timeout(180_000);
  let registry: RunningRegistry;

  before(async () => {
    await disconnectAll(await getApi());
    registry = await startRegistry({ auth: "anonymous" });
    const config = sampleConfig("amd64", LAYERS);
    (config.config as { Env: string[] }).Env.push(`LONG=${"x".repeat(5000)}`);
    const layers = Array.from({ length: LAYERS }, (_, i) => Buffer.from(`layer ${i}`));
    await pushImageWithConfig(clientFor(registry), "wide/app", config, layers, "v1");
    await connect(registry);
  });

  after(async () => {
    await disconnectAll(await getApi());
    await registry?.stop();
  });

  it("lists the first 200 layers and says how many more, and cuts a long Env", async () => {
    const result = await vscode.lm.invokeTool(
      TOOL_NAMES.inspectImage,
      { input: { reference: `${registry.host}/wide/app:v1` }, toolInvocationToken: undefined },
      new vscode.CancellationTokenSource().token,
    );
    const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : "")).join("");
    const lines = text.split("\n");
    const start = lines.indexOf(`layers (${LAYERS}, base first):`);
    assert.ok(start >= 0, text.slice(0, 2000));
    assert.match(lines[start + 200], /^200\. sha256:[0-9a-f]{64}, /);
    assert.strictEqual(lines[start + 201], "… 5 more not shown");
    const env = lines.find((line) => line.startsWith("Env: "));
    assert.ok(env?.endsWith("…"), env?.slice(0, 100));
    assert.strictEqual(env?.length, "Env: ".length + 2000 + 1);
    assert.match(text, /history \(206 steps, oldest first\):/);
    assert.match(text, /… 106 more steps not shown/);
  });
});
