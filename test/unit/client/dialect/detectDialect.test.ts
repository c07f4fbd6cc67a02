// Which metadata API a registry speaks: ACR's hosts by name, without a
// request; any other host by one probe of /acr/v1/_catalog.

import * as assert from "node:assert/strict";
import { detectRegistryKind, isAzureContainerRegistryHost } from "../../../../src/client/dialect/detectDialect";
import { json, registryErrors } from "../../fakeHttpClient";
import { REGISTRY_ORIGIN, registryStack } from "../../registryStack";

describe("isAzureContainerRegistryHost", function () {
  it("knows the public and sovereign clouds' login servers, with or without a port", function () {
    for (const host of [
      "myregistry.azurecr.io",
      "MyRegistry.AzureCR.io",
      "r.azurecr.cn",
      "r.azurecr.us",
      "r.azurecr.de",
      "r.azurecr.io:443",
    ]) {
      assert.equal(isAzureContainerRegistryHost(host), true, host);
    }
  });

  it("does not take look-alikes for ACR", function () {
    for (const host of ["azurecr.io.example.com", "myregistry.azurecr.io.evil", "registry.example", "localhost:5000"]) {
      assert.equal(isAzureContainerRegistryHost(host), false, host);
    }
  });
});

describe("detectRegistryKind", function () {
  it("takes an ACR host name as ACR without sending anything", async function () {
    const { http, client } = registryStack(() => ({ status: 500 }));
    assert.equal(await detectRegistryKind(http, "myregistry.azurecr.io"), "acr");
    assert.equal(client.sent.length, 0);
  });

  it("probes any other host once: a catalog answer means ACR's API", async function () {
    const { http, client } = registryStack(() => json(200, { repositories: [] }));
    assert.equal(await detectRegistryKind(http, "registry.example"), "acr");
    assert.deepEqual(client.lines(), [`GET ${REGISTRY_ORIGIN}/acr/v1/_catalog?n=1`]);
  });

  it("falls back to the OCI API on a 404 or a refusal", async function () {
    for (const answer of [registryErrors(404, "NOT_FOUND", "page not found"), registryErrors(403, "DENIED", "no")]) {
      const { http } = registryStack(() => answer);
      assert.equal(await detectRegistryKind(http, "registry.example"), "oci");
    }
  });

  it("lets the caller's abort through instead of guessing", async function () {
    const controller = new AbortController();
    const { http } = registryStack(() => {
      setTimeout(() => controller.abort(), 5);
      return "hang";
    });
    await assert.rejects(detectRegistryKind(http, "registry.example", controller.signal), { name: "AbortError" });
  });
});
