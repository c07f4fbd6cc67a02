// The digest cache: one fetch per key while cached (shared while in flight),
// least recently used evicted past the bound, a failed fetch not kept.

import * as assert from "node:assert/strict";
import { DigestCache } from "../../../../src/client/images/digestCache";

describe("DigestCache", function () {
  it("fetches a key once, sharing the fetch in flight", async function () {
    const cache = new DigestCache<string>(4);
    let fetches = 0;
    const fetch = async () => {
      fetches++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return "value";
    };
    const [a, b] = await Promise.all([cache.get("repo", "sha256:a", fetch), cache.get("repo", "sha256:a", fetch)]);
    assert.equal(await cache.get("repo", "sha256:a", fetch), "value");
    assert.deepEqual([a, b, fetches], ["value", "value", 1]);
  });

  it("keys by repository as well as digest", async function () {
    const cache = new DigestCache<string>(4);
    assert.equal(await cache.get("one", "sha256:a", async () => "from one"), "from one");
    assert.equal(await cache.get("two", "sha256:a", async () => "from two"), "from two");
  });

  it("evicts the least recently used entry past its bound", async function () {
    const cache = new DigestCache<string>(2);
    await cache.get("r", "sha256:a", async () => "a");
    await cache.get("r", "sha256:b", async () => "b");
    await cache.get("r", "sha256:a", async () => "refetched a"); // a is now the most recent
    await cache.get("r", "sha256:c", async () => "c"); // evicts b
    assert.equal(cache.size, 2);
    assert.equal(await cache.get("r", "sha256:a", async () => "refetched a"), "a");
    assert.equal(await cache.get("r", "sha256:b", async () => "refetched b"), "refetched b");
  });

  it("forgets a failed fetch, so the next call fetches again", async function () {
    const cache = new DigestCache<string>(2);
    await assert.rejects(
      cache.get("r", "sha256:a", async () => Promise.reject(new Error("offline"))),
      /offline/,
    );
    assert.equal(await cache.get("r", "sha256:a", async () => "back"), "back");
  });
});
