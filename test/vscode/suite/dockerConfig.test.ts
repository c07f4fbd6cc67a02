// Credentials from Docker's config: `auths` entries and a per-host credential
// helper (a real executable on PATH speaking the docker-credential-helpers
// protocol), against real registries with basic auth. Nothing from the config
// is copied into the extension's storage.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { pushImage } from "../../fixtures/seed";
import { child, children, command, disconnectAll, getApi, item, labels } from "./extensionTestHelpers";

describe("Docker config credentials", function () {
  this.timeout(120_000);
  let viaAuths: RunningRegistry;
  let viaHelper: RunningRegistry;
  let dir: string;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    await disconnectAll(await getApi());
    viaAuths = await startRegistry({ auth: "basic", username: "auths-user", password: "auths-pass" });
    viaHelper = await startRegistry({ auth: "token", username: "helper-user", password: "helper-pass" });
    await pushImage(viaAuths, "from/auths", "1", { layers: [Buffer.from("a")] });
    await pushImage(viaHelper, "from/helper", "1", { layers: [Buffer.from("h")] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cre-docker-config-"));
    const helperLog = path.join(dir, "helper.log");
    // A credential helper answers `get` with the host on stdin (docker-credential-helpers protocol).
    fs.writeFileSync(
      path.join(dir, "docker-credential-cre-test"),
      `#!/bin/sh\nread host\necho "$1 $host" >> "${helperLog}"\n` +
        `if [ "$host" = "${viaHelper.host}" ]; then echo '{"ServerURL":"${viaHelper.host}","Username":"helper-user","Secret":"helper-pass"}'; exit 0; fi\n` +
        `echo "credentials not found in native keychain"; exit 1\n`,
      { mode: 0o755 },
    );
    fs.writeFileSync(
      path.join(dir, "config.json"),
      JSON.stringify({
        auths: { [viaAuths.host]: { auth: Buffer.from("auths-user:auths-pass").toString("base64") } },
        credHelpers: { [viaHelper.host]: "cre-test" },
      }),
    );
    saved.DOCKER_CONFIG = process.env.DOCKER_CONFIG;
    saved.PATH = process.env.PATH;
    process.env.DOCKER_CONFIG = dir;
    process.env.PATH = `${dir}${path.delimiter}${process.env.PATH}`;
  });

  after(async () => {
    await disconnectAll(await getApi());
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[key];
      } else {
        process.env[key] = value;
      }
    }
    await viaAuths?.stop();
    await viaHelper?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("uses an `auths` entry when connecting without credentials", async () => {
    const api = await getApi();
    const registry = await command<{ id: string; auth: string }>("connect", { endpoint: viaAuths.url });
    assert.strictEqual(registry.auth, "dockerConfig");
    const node = await child(api, undefined, viaAuths.host);
    assert.strictEqual(item(api, node).description, "Docker config");
    assert.deepStrictEqual(await labels(api, node), ["from/auths"]);
    assert.ok(!JSON.stringify(api.connections.list()).includes("auths-pass"));
  });

  it("runs the host's credential helper (credHelpers), against a token-auth registry", async () => {
    const api = await getApi();
    const registry = await command<{ id: string; auth: string }>("connect", { endpoint: viaHelper.url });
    assert.strictEqual(registry.auth, "dockerConfig");
    assert.deepStrictEqual(await labels(api, await child(api, undefined, viaHelper.host)), ["from/helper"]);
    assert.match(fs.readFileSync(path.join(dir, "helper.log"), "utf8"), new RegExp(`^get ${viaHelper.host.replace(/\./g, "\\.")}$`, "m"));
  });

  it("shows re-enter credentials when the config no longer has the host", async () => {
    const api = await getApi();
    fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ auths: {} }));
    const node = await child(api, undefined, viaAuths.host);
    // Refreshing a registry reads its credentials again.
    await command("refresh", node);
    const [errorNode] = await children(api, node);
    assert.strictEqual(item(api, errorNode).contextValue, "error;auth");
    assert.match(String(item(api, errorNode).description), /Docker's config has no credentials for it any more/);
  });
});
