// Paged lists: pages follow the registry's Link as given, a page's
// continuationToken resumes after it, and a Link that loops or leaves the
// registry's origin stops the listing with a RegistryError.

import * as assert from "node:assert/strict";
import { RegistryError } from "../../../src/client/errors";
import { createPagedIterator, type FetchedPage, nextPageUrl, withPageSize } from "../../../src/client/paging";

const ORIGIN = "https://registry.example";

/** A fetcher over fixed pages keyed by URL ("first" for the first page); records each call. */
function pagesAt(pages: Record<string, FetchedPage<string>>) {
  const calls: { url: string | undefined; maxPageSize: number | undefined }[] = [];
  const fetch = async (url: string | undefined, maxPageSize: number | undefined) => {
    calls.push({ url, maxPageSize });
    const page = pages[url ?? "first"];
    assert.ok(page, `no page at ${url}`);
    return { ...page, items: [...page.items] };
  };
  return { fetch, calls };
}

const THREE_PAGES = {
  first: { items: ["a", "b"], nextUrl: `${ORIGIN}/v2/_catalog?n=2&last=b` },
  [`${ORIGIN}/v2/_catalog?n=2&last=b`]: { items: ["c", "d"], nextUrl: `${ORIGIN}/v2/_catalog?n=2&last=d` },
  [`${ORIGIN}/v2/_catalog?n=2&last=d`]: { items: ["e"] },
};

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of iterable) {
    all.push(item);
  }
  return all;
}

describe("createPagedIterator", function () {
  it("iterates every item across pages, following each next URL", async function () {
    const { fetch, calls } = pagesAt(THREE_PAGES);
    assert.deepEqual(await collect(createPagedIterator(fetch, "registry.example")), ["a", "b", "c", "d", "e"]);
    assert.deepEqual(
      calls.map((c) => c.url),
      [undefined, `${ORIGIN}/v2/_catalog?n=2&last=b`, `${ORIGIN}/v2/_catalog?n=2&last=d`],
    );
  });

  it("gives each page but the last a continuationToken, and passes maxPageSize to every fetch", async function () {
    const { fetch, calls } = pagesAt(THREE_PAGES);
    const pages = await collect(createPagedIterator(fetch, "registry.example").byPage({ maxPageSize: 2 }));
    assert.deepEqual(
      pages.map((p) => [...p]),
      [["a", "b"], ["c", "d"], ["e"]],
    );
    assert.deepEqual(
      pages.map((p) => p.continuationToken),
      [`${ORIGIN}/v2/_catalog?n=2&last=b`, `${ORIGIN}/v2/_catalog?n=2&last=d`, undefined],
    );
    assert.deepEqual(
      calls.map((c) => c.maxPageSize),
      [2, 2, 2],
    );
  });

  it("resumes from a continuationToken without fetching the pages before it", async function () {
    const { fetch, calls } = pagesAt(THREE_PAGES);
    const pages = await collect(
      createPagedIterator(fetch, "registry.example").byPage({ continuationToken: `${ORIGIN}/v2/_catalog?n=2&last=b` }),
    );
    assert.deepEqual(
      pages.map((p) => [...p]),
      [["c", "d"], ["e"]],
    );
    assert.equal(calls[0].url, `${ORIGIN}/v2/_catalog?n=2&last=b`);
  });

  it("stops with a RegistryError when a Link points back at a page already read", async function () {
    const loop = `${ORIGIN}/v2/_catalog?last=b`;
    const { fetch, calls } = pagesAt({
      first: { items: ["a", "b"], nextUrl: loop },
      [loop]: { items: ["c"], nextUrl: loop },
    });
    await assert.rejects(collect(createPagedIterator(fetch, "registry.example")), (error: Error) => {
      assert.ok(error instanceof RegistryError);
      assert.equal(error.message, "registry.example answered with a paging Link that loops back to a page already read");
      return true;
    });
    assert.equal(calls.length, 2);
  });

  it("stops a registry that keeps answering empty pages with a new Link", async function () {
    let calls = 0;
    const fetch = async (): Promise<FetchedPage<string>> => ({ items: [], nextUrl: `${ORIGIN}/v2/_catalog?page=${++calls}` });
    await assert.rejects(collect(createPagedIterator(fetch, "registry.example")), RegistryError);
    assert.ok(calls <= 3, `${calls} empty pages fetched`);
  });
});

describe("nextPageUrl", function () {
  const answered = `${ORIGIN}/v2/team/app/tags/list?n=2`;

  it("resolves a relative Link against the URL that answered, and keeps its query as given", function () {
    assert.equal(
      nextPageUrl('</v2/team/app/tags/list?n=2&last=v2>; rel="next"', answered, ORIGIN, "registry.example"),
      `${ORIGIN}/v2/team/app/tags/list?n=2&last=v2`,
    );
  });

  it("takes the rel=next link among several, with or without quotes", function () {
    const header = `<${ORIGIN}/v2/_catalog?last=a>; rel="prev", <${ORIGIN}/v2/_catalog?last=c>; rel=next`;
    assert.equal(nextPageUrl(header, answered, ORIGIN, "registry.example"), `${ORIGIN}/v2/_catalog?last=c`);
  });

  it("reads ACR's relative Link with an empty orderby", function () {
    const header = '</acr/v1/_catalog?last=library%2Fbusybox&n=2&orderby=>; rel="next"';
    assert.equal(
      nextPageUrl(header, `${ORIGIN}/acr/v1/_catalog?n=2`, ORIGIN, "registry.example"),
      `${ORIGIN}/acr/v1/_catalog?last=library%2Fbusybox&n=2&orderby=`,
    );
  });

  it("answers undefined without a Link or without a next link", function () {
    assert.equal(nextPageUrl(undefined, answered, ORIGIN, "registry.example"), undefined);
    assert.equal(nextPageUrl(`<${ORIGIN}/v2/_catalog>; rel="prev"`, answered, ORIGIN, "registry.example"), undefined);
  });

  it("refuses a Link to another host", function () {
    assert.throws(() => nextPageUrl('<https://elsewhere.example/v2/_catalog?last=b>; rel="next"', answered, ORIGIN, "registry.example"), {
      name: "RegistryError",
      message: "registry.example answered with a paging Link to another host (https://elsewhere.example); not followed",
    });
  });
});

describe("withPageSize", function () {
  it("sets n on the URL, or leaves it alone without a size", function () {
    assert.equal(withPageSize(new URL(`${ORIGIN}/v2/_catalog`), 50).toString(), `${ORIGIN}/v2/_catalog?n=50`);
    assert.equal(withPageSize(new URL(`${ORIGIN}/v2/_catalog`), undefined).toString(), `${ORIGIN}/v2/_catalog`);
  });

  it("refuses a size that is not a positive whole number", function () {
    for (const size of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => withPageSize(new URL(`${ORIGIN}/v2/_catalog`), size), {
        name: "InvalidInputError",
        message: `Invalid maxPageSize "${size}": must be a positive whole number`,
      });
    }
  });
});
