// TLS with a private CA (the caCertificateFile setting, and the explanation
// when it is missing), and secrets kept out of the log and error messages.

import * as assert from "assert";
import * as vscode from "vscode";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { pushImage } from "../../fixtures/seed";
import { command, connect, disconnectAll, getApi, labels, registryNode } from "./extensionTestHelpers";

const CA_SETTING = "containerRegistryExplorer.caCertificateFile";

describe("trust and secrets", function () {
  this.timeout(120_000);
  const started: RunningRegistry[] = [];

  afterEach(async () => {
    await vscode.workspace.getConfiguration().update(CA_SETTING, undefined, vscode.ConfigurationTarget.Global);
    await disconnectAll(await getApi());
    await Promise.all(started.splice(0).map((r) => r.stop()));
  });

  it("explains an untrusted certificate, and connects once the CA file is set", async () => {
    const api = await getApi();
    const registry = await startRegistry({ auth: "basic", tls: true });
    started.push(registry);
    await pushImage(registry, "secure/app", "v1", { layers: [Buffer.from("tls layer")] });

    await assert.rejects(connect(registry), (error: Error) => {
      assert.match(error.message, /not trusted/);
      assert.match(error.message, /caCertificateFile/);
      return true;
    });
    assert.deepStrictEqual(api.connections.list(), [], "nothing saved after a failed connect");

    await vscode.workspace.getConfiguration().update(CA_SETTING, registry.caCertPath, vscode.ConfigurationTarget.Global);
    await connect(registry);
    assert.deepStrictEqual(await labels(api, await registryNode(api, registry)), ["secure/app"]);
  });

  it("never writes a password or token to the log or an error", async () => {
    const api = await getApi();
    const basic = await startRegistry({ auth: "basic", password: "Basic-Secret-4711" });
    const token = await startRegistry({ auth: "token", password: "Token-Secret-4712" });
    started.push(basic, token);
    const secrets = ["Basic-Secret-4711", "Token-Secret-4712"];
    for (const registry of [basic, token]) {
      await pushImage(registry, "team/app", "v1", { layers: [Buffer.from("layer")] });
      await assert.rejects(connect(registry, { password: `${registry.password}-wrong` }), (error: Error) => {
        for (const secret of secrets) {
          assert.ok(!error.message.includes(secret), `error message holds ${secret}`);
        }
        return true;
      });
      await connect(registry);
      assert.deepStrictEqual(await labels(api, await registryNode(api, registry)), ["team/app"]);
    }
    await command("refresh");
    const logged = api.log.recent.join("\n");
    assert.ok(logged.includes("GET "), "the log holds request lines");
    for (const secret of [...secrets, ...secrets.map((s) => Buffer.from(`tester:${s}`).toString("base64"))]) {
      assert.ok(!logged.includes(secret), `the log holds ${secret}`);
    }
    assert.doesNotMatch(logged, /Bearer\s+\S|Basic\s+[A-Za-z0-9+/=]{8,}|eyJ[\w-]+\.eyJ/);
  });
});
