// Work over a list with a bound on calls in flight: the bound holds, results
// keep the input order, and after a failure nothing new starts, what is in
// flight is waited for, and the first failure is the one thrown.

import * as assert from "node:assert/strict";
import { forEachWithConcurrency, mapWithConcurrency } from "../../../src/client/concurrency";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("mapWithConcurrency", function () {
  it("never has more than the limit in flight, and keeps results in input order", async function () {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency([30, 5, 20, 1, 10, 2], 3, async (ms) => {
      most = Math.max(most, ++inFlight);
      await sleep(ms);
      inFlight--;
      return ms * 2;
    });
    assert.equal(most, 3);
    assert.deepEqual(results, [60, 10, 40, 2, 20, 4]);
  });

  it("runs one at a time for a limit below 1, and copes with an empty list", async function () {
    let inFlight = 0;
    let most = 0;
    await forEachWithConcurrency([1, 2, 3], 0, async () => {
      most = Math.max(most, ++inFlight);
      await sleep(1);
      inFlight--;
    });
    assert.equal(most, 1);
    assert.deepEqual(await mapWithConcurrency([], 4, async () => 1), []);
  });

  it("starts nothing after a failure and waits for what is in flight before throwing", async function () {
    const started: number[] = [];
    const finished: number[] = [];
    await assert.rejects(
      mapWithConcurrency([1, 2, 3, 4, 5, 6], 2, async (item) => {
        started.push(item);
        if (item === 2) {
          throw new Error("item 2 failed");
        }
        await sleep(20);
        finished.push(item);
      }),
      { message: "item 2 failed" },
    );
    assert.deepEqual(started, [1, 2]);
    assert.deepEqual(finished, [1], "the call in flight ran to its end before the error was thrown");
  });

  it("throws the first failure in time, not the first lane's", async function () {
    await assert.rejects(
      mapWithConcurrency(["slow", "fast"], 2, async (item) => {
        await sleep(item === "slow" ? 30 : 1);
        throw new Error(`${item} failed`);
      }),
      { message: "fast failed" },
    );
  });
});
