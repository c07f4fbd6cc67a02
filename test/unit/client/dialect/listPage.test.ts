// One page of a registry list: the first request is built from the path, `n`
// and the caller's query; later pages are the registry's Link as given. And
// the client-side window for registries that ignore `n` on tags/list
// (distribution 2.8): sorted names after `last`, at most `n`, next page in the
// spec's own `?n=&last=` form.

import * as assert from "node:assert/strict";
import { RegistryError } from "../../../../src/client/errors";
import { fetchListPage, windowNames } from "../../../../src/client/dialect/listPage";
import { json } from "../../fakeHttpClient";
import { REGISTRY_ORIGIN, registryStack } from "../../registryStack";

describe("fetchListPage", function () {
  it("builds the first page from the path, n and the query it is given, skipping undefined values", async function () {
    const { http, client } = registryStack(() => json(200, { repositories: ["a"] }));
    const page = await fetchListPage<{ repositories: string[] }>(http, "/acr/v1/_catalog", { maxPageSize: 5 }, "list repositories", {
      orderby: "timedesc",
      digest: undefined,
    });
    assert.deepEqual(page.json, { repositories: ["a"] });
    assert.deepEqual(client.lines(), [`GET ${REGISTRY_ORIGIN}/acr/v1/_catalog?n=5&orderby=timedesc`]);
    assert.equal(page.url, `${REGISTRY_ORIGIN}/acr/v1/_catalog?n=5&orderby=timedesc`);
    assert.equal(page.nextUrl, undefined);
  });

  it("sends a continuation URL exactly as given and reads the next one from a relative Link", async function () {
    const continuation = `${REGISTRY_ORIGIN}/v2/_catalog?last=b&n=2&_opaque=x%2Fy`;
    const { http, client } = registryStack(() =>
      json(200, { repositories: ["c", "d"] }, { link: '</v2/_catalog?last=d&n=2>; rel="next"' }),
    );
    const page = await fetchListPage(http, "/v2/_catalog", { url: continuation, maxPageSize: 99 }, "list repositories");
    assert.deepEqual(client.lines(), [`GET ${continuation}`]);
    assert.equal(page.nextUrl, `${REGISTRY_ORIGIN}/v2/_catalog?last=d&n=2`);
  });

  it("refuses a page whose Link leaves the registry", async function () {
    const { http } = registryStack(() => json(200, { tags: [] }, { link: '<https://elsewhere.example/v2/x>; rel="next"' }));
    await assert.rejects(fetchListPage(http, "/v2/app/tags/list", {}, "list tags"), RegistryError);
  });

  it("reports a body that is not JSON as a RegistryError naming the operation", async function () {
    const { http } = registryStack(() => ({ status: 200, body: "<html>proxy login</html>" }));
    await assert.rejects(fetchListPage(http, "/v2/app/tags/list", {}, "list tags"), {
      name: "RegistryError",
      message: "List tags failed on registry.example: the response is not valid JSON",
    });
  });
});

describe("windowNames", function () {
  const base = `${REGISTRY_ORIGIN}/v2/app/tags/list`;
  const unsorted = ["v3", "latest", "v1", "v10", "v2"];

  it("sorts the names and cuts the first window of n, with the next page as ?n=&last=", function () {
    const window = windowNames(unsorted, `${base}?n=2`, undefined);
    assert.deepEqual(window.names, ["latest", "v1"]);
    assert.equal(window.nextUrl, `${base}?n=2&last=v1`);
  });

  it("continues after last", function () {
    const window = windowNames(unsorted, `${base}?n=2&last=v1`, undefined);
    assert.deepEqual(window.names, ["v10", "v2"]);
    assert.equal(window.nextUrl, `${base}?n=2&last=v2`);
  });

  it("ends without a next page when the rest fits", function () {
    assert.deepEqual(windowNames(unsorted, `${base}?n=2&last=v2`, undefined), { names: ["v3"], nextUrl: undefined });
  });

  it("keeps the registry's own Link when the registry paged itself", function () {
    const link = `${REGISTRY_ORIGIN}/v2/app/tags/list?n=2&last=v1`;
    assert.deepEqual(windowNames(["v1", "latest"], `${base}?n=2`, link), { names: ["latest", "v1"], nextUrl: link });
  });

  it("returns every name, sorted, when no n was asked for", function () {
    assert.deepEqual(windowNames(unsorted, base, undefined), { names: ["latest", "v1", "v10", "v2", "v3"], nextUrl: undefined });
  });
});
