// The distribution token flow: tokens are fetched per scope, reused until they
// expire, never sent to another origin, and credentials are checked.

import * as assert from "node:assert/strict";
import { ContainerRegistryClient, RegistryAuthenticationError } from "../../src/client";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { clientFor, collect } from "./helpers";

describe("distribution token auth", function () {
  let registry: RunningRegistry;

  before(async function () {
    registry = await startRegistry({ auth: "token" });
  });

  after(async function () {
    await registry?.stop();
  });

  it("asks the token service once per scope and reuses the token", async function () {
    const client = clientFor(registry);
    const requests = registry.tokenService!.requests;
    const before = requests.length;
    await client.uploadBlob("cache/app", Buffer.from("{}"));
    for (let i = 0; i < 5; i++) {
      assert.equal(await client.blobExists("cache/app", "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"), true);
    }
    await collect(client.listRepositoryNames());
    await collect(client.listRepositoryNames());
    const made = requests.slice(before);
    const scopes = made.map((r) => r.scopes.join(" ")).sort();
    assert.equal(new Set(scopes).size, scopes.length, `a scope was fetched twice: ${scopes.join(" | ")}`);
    assert.ok(scopes.includes("registry:catalog:*"));
    assert.ok(scopes.some((s) => s.startsWith("repository:cache/app:")));
    assert.ok(
      made.every((r) => r.hasAuthorization),
      "the user's credentials went to the token service",
    );
  });

  it("reads anonymously what anonymous users may pull, and is refused the catalog", async function () {
    await clientFor(registry).uploadBlob("anon/app", Buffer.from("public"));
    const anonymous = new ContainerRegistryClient(registry.url);
    assert.equal(await anonymous.blobExists("anon/app", "sha256:efa1f375d76194fa51a3556a97e641e61685f914d446979da50a551a4333ffd7"), true);
    await assert.rejects(collect(anonymous.listRepositoryNames()), RegistryAuthenticationError);
  });

  it("fails with a clear error for a wrong password", async function () {
    const wrong = new ContainerRegistryClient(registry.url, { username: registry.username!, password: "wrong" });
    await assert.rejects(collect(wrong.listRepositoryNames()), (error: unknown) => {
      assert.ok(error instanceof RegistryAuthenticationError);
      assert.match(error.message, /401/);
      assert.doesNotMatch(error.message, /wrong/);
      return true;
    });
  });
});

describe("shared work and one caller's cancellation", function () {
  let registry: RunningRegistry;

  before(async function () {
    registry = await startRegistry({ auth: "token" });
  });

  after(async function () {
    await registry?.stop();
  });

  it("a cancelled caller stops waiting while others sharing the token fetch and probe still finish", async function () {
    const client = clientFor(registry);
    const controller = new AbortController();
    const cancelled = collect(client.listRepositoryNames({ abortSignal: controller.signal }));
    const other = collect(client.listRepositoryNames());
    controller.abort();
    await assert.rejects(cancelled, (error: Error) => error.name === "AbortError");
    assert.ok(Array.isArray(await other));
  });
});
