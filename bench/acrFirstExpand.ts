// Times what the tree's first expand of an ACR registry sends (issue 12: 4.6 s
// for the ACR stand-in in `npm start` against 0.17 s for distribution), with
// the stand-in seeded as `npm start` seeds it, in this process. `npm run bench`
// runs it (runAcrFirstExpandBench, the medians with the target); alone, with
// every request and upstream call printed:
//   node out/bench/acrFirstExpand.js [rounds]
// A fresh client per round does what RegistryNode's first page does
// (getCapabilities, listRepositoryNames first page, getRepositoryProperties of
// each repository, 8 at a time), then what expanding demo/many-tags does
// (listManifestProperties first page, newest first). Printed: each request
// the client sent with its time, and the stand-in's upstream calls (the global
// fetch it uses, wrapped here) counted and timed per client request.

import * as crypto from "node:crypto";
import { ContainerRegistryClient, forEachWithConcurrency } from "../src/client";
import { startAcrStandIn } from "../test/fixtures/acrStandIn";
import { startRegistry } from "../test/fixtures/registryServer";
import { seedAcr } from "../scripts/start/sampleContent";

interface UpstreamCall {
  method: string;
  path: string;
  ms: number;
}

const upstreamCalls: UpstreamCall[] = [];

/** Wraps the global fetch the stand-in calls upstream with; returns the undo. */
function recordUpstreamCalls(): () => void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const started = performance.now();
    try {
      return await realFetch(input, init);
    } finally {
      const url = new URL(input instanceof Request ? input.url : String(input));
      upstreamCalls.push({
        method: init?.method ?? "GET",
        path: url.pathname.replace(/sha256:[0-9a-f]{64}/, "sha256:…"),
        ms: performance.now() - started,
      });
    }
  };
  return () => {
    globalThis.fetch = realFetch;
  };
}

function summarize(calls: UpstreamCall[]): string {
  const groups = new Map<string, { count: number; ms: number }>();
  for (const call of calls) {
    const key = `${call.method} ${call.path.replace(/\/manifests\/[^/]+$/, "/manifests/<ref>").replace(/\/blobs\/[^/]+$/, "/blobs/<digest>")}`;
    const group = groups.get(key) ?? { count: 0, ms: 0 };
    group.count++;
    group.ms += call.ms;
    groups.set(key, group);
  }
  return [...groups].map(([key, g]) => `${g.count} × ${key} (${g.ms.toFixed(0)} ms summed)`).join("; ");
}

export interface AcrFirstExpandResults {
  /** Per round: the registry's first expand, then the first page of demo/many-tags. */
  firstExpandMs: number[];
  firstManifestPageMs: number[];
  clientRequests: number[];
  upstreamCalls: number[];
  lines: string[];
}

/** Issue 12: the first expand of an ACR registry (the stand-in, loopback) within 0.5 s. */
export const ACR_FIRST_EXPAND_TARGET_MS = 500;

export async function runAcrFirstExpandBench(rounds = 3, write: (text: string) => void = () => undefined): Promise<AcrFirstExpandResults> {
  const results: AcrFirstExpandResults = { firstExpandMs: [], firstManifestPageMs: [], clientRequests: [], upstreamCalls: [], lines: [] };
  const timed = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const before = upstreamCalls.length;
    const result = await run();
    const ms = performance.now() - started;
    write(
      `  ${label}: ${ms.toFixed(0)} ms; stand-in upstream calls: ${upstreamCalls.length - before} (${summarize(upstreamCalls.slice(before))})\n`,
    );
    return result;
  };
  const upstream = await startRegistry({ deleteEnabled: true });
  const admin = { username: "admin", password: `demo-${crypto.randomBytes(6).toString("hex")}` };
  const standIn = await startAcrStandIn({ upstream: upstream.url, adminUser: admin });
  const stopRecording = recordUpstreamCalls();
  try {
    await seedAcr({ url: standIn.url, ...admin });
    for (let round = 1; round <= rounds; round++) {
      write(`round ${round}: a fresh client (as after a window reload)\n`);
      const lines: string[] = [];
      const client = new ContainerRegistryClient(standIn.url, admin, {
        logRequest: (line) => lines.push(`    ${performance.now().toFixed(0)} ${line}`),
      });
      const started = performance.now();
      upstreamCalls.length = 0;
      const capabilities = await timed("getCapabilities", () => client.getCapabilities());
      const names = await timed("listRepositoryNames first page", async () => {
        for await (const page of client.listRepositoryNames().byPage({ maxPageSize: 100 })) {
          return page;
        }
        return [];
      });
      await timed(`getRepositoryProperties × ${names.length} (8 at a time)`, () =>
        forEachWithConcurrency(names, 8, async (name) => {
          await client.getRepositoryProperties(name);
        }),
      );
      const firstExpandMs = performance.now() - started;
      write(`  first expand of the registry: ${firstExpandMs.toFixed(0)} ms (kind ${capabilities.kind})\n`);
      const pageStarted = performance.now();
      await timed("listManifestProperties(demo/many-tags) first page, newest first", async () => {
        for await (const page of client
          .listManifestProperties("demo/many-tags", { order: "LastUpdatedOnDescending" })
          .byPage({ maxPageSize: 100 })) {
          return page;
        }
        return undefined;
      });
      results.firstExpandMs.push(firstExpandMs);
      results.firstManifestPageMs.push(performance.now() - pageStarted);
      results.clientRequests.push(lines.length);
      results.upstreamCalls.push(upstreamCalls.length);
      write(`  requests the client sent (ms since start, line):\n${lines.join("\n")}\n`);
    }
  } finally {
    await standIn.stop();
    await upstream.stop();
    stopRecording();
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  results.lines.push(
    `ACR stand-in, first expand of the registry (fresh client, loopback; medians of ${rounds} rounds): ` +
      `${median(results.firstExpandMs).toFixed(0)} ms (target <= ${ACR_FIRST_EXPAND_TARGET_MS} ms; rounds ${results.firstExpandMs.map((ms) => ms.toFixed(0)).join(", ")}), ` +
      `${median(results.clientRequests)} client requests, ${median(results.upstreamCalls)} stand-in upstream calls; ` +
      `then demo/many-tags' first page ${median(results.firstManifestPageMs).toFixed(0)} ms`,
  );
  return results;
}

if (require.main === module) {
  runAcrFirstExpandBench(Number(process.argv[2] ?? 2), (text) => process.stdout.write(text))
    .then((results) => process.stdout.write(`${results.lines.join("\n")}\n`))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
