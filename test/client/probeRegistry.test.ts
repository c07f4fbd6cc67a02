// The connect dialog's first look at an address: which origin answers and
// what /v2/'s challenge says, against real distribution registries in each
// auth mode (and TLS with a private CA).

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { candidateOrigins, probeRegistry, RegistryProbeError } from "../../src/client";
import { getFreePort } from "../fixtures/freePort";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";

describe("probeRegistry", function () {
  this.timeout(60000);
  const registries: RunningRegistry[] = [];
  after(async function () {
    await Promise.all(registries.map((r) => r.stop()));
  });
  async function started(options: Parameters<typeof startRegistry>[0]): Promise<RunningRegistry> {
    const registry = await startRegistry(options);
    registries.push(registry);
    return registry;
  }

  it("tries https then plain http only for a loopback address typed without a scheme", function () {
    assert.deepEqual(candidateOrigins("127.0.0.1:5000"), ["https://127.0.0.1:5000", "http://127.0.0.1:5000"]);
    assert.deepEqual(candidateOrigins("localhost:5000"), ["https://localhost:5000", "http://localhost:5000"]);
    assert.deepEqual(candidateOrigins("http://127.0.0.1:5000"), ["http://127.0.0.1:5000"]);
    assert.deepEqual(candidateOrigins("https://127.0.0.1:5000"), ["https://127.0.0.1:5000"]);
    assert.deepEqual(candidateOrigins("ghcr.io"), ["https://ghcr.io"]);
  });

  it("finds a plain-http loopback registry and says anonymous access works", async function () {
    const registry = await started({ auth: "anonymous" });
    const probe = await probeRegistry(registry.host);
    assert.equal(probe.origin, `http://${registry.host}`);
    assert.deepEqual(probe.access, { kind: "anonymous" });
    assert.match(probe.httpsFailure ?? "", /TLS|handshake|EPROTO/);
  });

  it("tells a Basic challenge from a token realm, and whether the realm gives anonymous tokens", async function () {
    const basic = await started({ auth: "basic" });
    assert.equal((await probeRegistry(basic.url)).access.kind, "basic");
    const token = await started({ auth: "token" });
    const access = (await probeRegistry(token.url)).access;
    assert.equal(access.kind, "token");
    assert.ok(access.kind === "token" && access.realm.startsWith("http://127.0.0.1:"));
  });

  it("explains an untrusted certificate as a TLS problem, and trusts the CA when given", async function () {
    const tls = await started({ auth: "anonymous", tls: true });
    await assert.rejects(
      probeRegistry(tls.url),
      (error: unknown) => error instanceof RegistryProbeError && error.tls && /not trusted/.test(error.reason),
    );
    const probe = await probeRegistry(tls.url, { caCertificates: fs.readFileSync(tls.caCertPath!, "utf8") });
    assert.equal(probe.origin, tls.url);
    assert.equal(probe.access.kind, "anonymous");
  });

  it("says nothing listens on a closed port, after trying both schemes", async function () {
    const port = await getFreePort();
    await assert.rejects(
      probeRegistry(`127.0.0.1:${port}`),
      (error: unknown) => error instanceof RegistryProbeError && !error.tls && /refused/.test(error.message),
    );
  });
});
