// The prefix listing's start and stop, checked over many names in both orders
// a catalog is sorted by (plain string order: ACR; path components: CNCF
// distribution), and the page-by-page fallback for a registry whose catalog
// order is not known (no Docker-Distribution-Api-Version header).

import * as assert from "node:assert/strict";
import { catalogStartAfter, fetchPrefixPage, isPastPrefix } from "../../../../src/client/dialect/repositoryPrefix";
import { OciMetadata } from "../../../../src/client/dialect/ociMetadata";
import { createPagedIterator } from "../../../../src/client/paging";
import { validateRepositoryPrefix } from "../../../../src/client/reference";
import { json } from "../../fakeHttpClient";
import { REGISTRY, registryStack } from "../../registryStack";

const plain = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const path = (a: string, b: string): number => plain(a.replaceAll("/", "\0"), b.replaceAll("/", "\0"));

/** Every name up to 3 characters over an alphabet holding each character class, valid or not as names; enough for order checks. */
function names(): string[] {
  const alphabet = ["-", ".", "/", "0", "1", "_", "a", "l", "m", "z"];
  let all = [""];
  const out: string[] = [];
  for (let length = 1; length <= 4; length++) {
    all = all.flatMap((head) => alphabet.map((c) => head + c));
    out.push(...all);
  }
  return out;
}

describe("repository prefix listing: start and stop", function () {
  const every = names();
  const prefixes = ["team", "team/", "team-", "team.", "team_", "team0", "team1", "teama", "a", "1", "m/", "m/a", "l-", "z"];

  for (const [order, compare] of [
    ["plain", plain],
    ["path-component", path],
  ] as const) {
    it(`starts before every name with the prefix and stops after them all, in ${order} order`, function () {
      for (const prefix of prefixes) {
        const start = catalogStartAfter(prefix);
        const candidates = every
          .map((n) => prefix.slice(0, -1) + n)
          .concat(
            every.map((n) => prefix + n),
            [prefix],
          );
        const sorted = [...new Set(candidates)].sort(compare);
        const wanted = sorted.filter((n) => n.startsWith(prefix));
        // Nothing wanted is at or before last=.
        assert.ok(start === undefined || wanted.every((n) => compare(n, start) > 0), `${prefix}: a wanted name is not after ${start}`);
        // The listing ends at the first name past the prefix; every wanted name comes before it.
        const firstPast = sorted.findIndex((n) => isPastPrefix(n, prefix));
        const before = firstPast < 0 ? sorted : sorted.slice(0, firstPast);
        assert.deepEqual(
          before.filter((n) => n.startsWith(prefix)),
          wanted,
          `${prefix}: stopped too early in ${order} order`,
        );
      }
    });
  }

  it("pads last= so that no valid name lies between it and the prefix", function () {
    assert.equal(catalogStartAfter("team"), "teal".padEnd(255, "z"));
    assert.equal(catalogStartAfter("team/"), "team", "'/' has nothing before it in path order");
    assert.equal(catalogStartAfter("team-"), "team", "'-' has nothing before it in plain order");
    assert.equal(catalogStartAfter("team0"), "team", "'/' and '.' come before '0' in different orders");
    assert.equal(catalogStartAfter("0"), undefined);
    assert.equal(catalogStartAfter(""), undefined);
  });

  it("takes every valid start of a name and nothing else", function () {
    for (const ok of ["", "t", "team", "team/", "team/a", "team-", "team--", "team.", "team_", "team__", "a/b/c", "a0"]) {
      assert.equal(validateRepositoryPrefix(ok), ok);
    }
    for (const bad of ["T", "/", "/a", "a//", "-a", ".a", "_a", "a___", "a._", "a-/", "a./", "a/-", "a b", "a:b", "a".repeat(256)]) {
      assert.throws(() => validateRepositoryPrefix(bad), /Invalid repository prefix/, bad);
    }
  });
});

describe("repository prefix listing: a registry whose catalog order is not known", function () {
  it("reads every page from the beginning and keeps only the names with the prefix", async function () {
    // Not sorted, and no Docker-Distribution-Api-Version: last= must not be trusted.
    const pages: Record<string, { names: string[]; next?: string }> = {
      first: { names: ["zeta", "team/b", "alpha"], next: "/v2/_catalog?page=2" },
      "2": { names: ["team/a", "omega", "teamz"], next: "/v2/_catalog?page=3" },
      "3": { names: ["team/c"] },
    };
    const { http, client } = registryStack((request) => {
      const page = new URL(request.url).searchParams.get("page") ?? "first";
      const { names: repositories, next } = pages[page];
      return json(200, { repositories }, next ? { link: `<${next}>; rel="next"` } : {});
    });
    const dialect = new OciMetadata(http);
    const iterator = createPagedIterator((url, maxPageSize) => fetchPrefixPage(dialect, "team/", { url, maxPageSize }), REGISTRY);
    const found: string[] = [];
    for await (const name of iterator) {
      found.push(name);
    }
    assert.deepEqual(found, ["team/b", "team/a", "team/c"]);
    const lines = client.lines();
    assert.match(lines[0], /last=team/, "asked near the prefix first");
    assert.doesNotMatch(lines[1], /last=/, "then from the beginning, the order not being known");
    assert.equal(lines.length, 4);
  });
});
