// Prefix search among 100,000 repositories on CNCF distribution (issue 13):
// requests and time to the last match with listRepositoryNames({ prefix }),
// for prefixes near the start, the middle and the end of the catalog, each
// beside one bare catalog request at the same `last=` (the registry's own
// walk, no client), and against listing everything and filtering. Seeded on
// disk as listing.ts does (a repository is a directory holding `_layers`).
// Runs on its own with `tsc -p bench && node out/bench/prefixSearch.js`, or
// from run.ts (BENCH_PREFIX_ROUNDS, default 3).
//
// Why the position matters (bench/README.md): distribution 2.8's catalog
// (registry/storage/catalog.go, Repositories) walks the storage from the first
// repository on every request and only compares each name with `last=`, so a
// request's cost grows with the repositories before `last=`.

import * as fs from "node:fs";
import * as path from "node:path";
import { ContainerRegistryClient } from "../src/client";
import { catalogStartAfter } from "../src/client/dialect/repositoryPrefix";
import { startRegistry, type RunningRegistry } from "../test/fixtures/registryServer";
import { cpuSecondsOf } from "./measure";

export interface PrefixPositionResult {
  /** Where the prefix sits in the catalog. */
  where: string;
  prefix: string;
  /** Repositories that come before the prefix in the registry's order: what each request walks past. */
  repositoriesBefore: number;
  matches: number;
  catalogRequests: number;
  /** Per round. */
  oursMsToLastMatch: number[];
  oursMsToEnd: number[];
  /** One catalog request at the `last=` of our first request, fetch alone; per round. */
  bareLast: string;
  bareMs: number[];
  /** The registry's CPU for that one request (user + system, 10 ms ticks): the walk, less swayed by a busy machine than wall time. */
  bareRegistryCpuMs: number[];
  /** List everything and filter (one pass for all prefixes): time to this prefix's last match. */
  listEverythingMsToLastMatch?: number;
}

export interface PrefixSearchResults {
  repositories: number;
  rounds: number;
  seedSeconds: number;
  positions: PrefixPositionResult[];
  listEverything: { catalogRequests: number; ms: number };
  targets: { catalogRequests: number; msToLastMatch: number };
}

const TEAMS = 100;
const APPS_PER_TEAM = 1_000;
const PAGE_SIZE = 1_000;
const ROUNDS = Number(process.env.BENCH_PREFIX_ROUNDS ?? 3);

/** Fixed positions in the catalog (teams 000–099), not chosen by their timings. */
const POSITIONS = [
  { where: "start", team: 1 },
  { where: "middle", team: 50 },
  { where: "end", team: 98 },
];

/** The names next to a prefix `teamNNN/` that a `last=` for the wrong order would skip or stop at. */
function neighbours(team: string): string[] {
  return [team, `${team}-x`, `${team}.y`, `${team}0/app`];
}

function teamName(team: number): string {
  return `team${String(team).padStart(3, "0")}`;
}

function seed(registry: RunningRegistry): string[] {
  const root = path.join(registry.storageDir, "docker/registry/v2/repositories");
  const names: string[] = [];
  for (let team = 0; team < TEAMS; team++) {
    for (let app = 0; app < APPS_PER_TEAM; app++) {
      names.push(`${teamName(team)}/app${String(app).padStart(4, "0")}`);
    }
  }
  for (const { team } of POSITIONS) {
    names.push(...neighbours(teamName(team)));
  }
  for (const name of names) {
    fs.mkdirSync(path.join(root, name, "_layers"), { recursive: true });
  }
  return names;
}

/** Distribution's catalog order: path components compared one by one ('/' as '\0'; catalog.go, lessPath). */
function pathOrderBefore(a: string, b: string): boolean {
  return a.replaceAll("/", "\0") < b.replaceAll("/", "\0");
}

function newClient(registry: RunningRegistry, onCatalogRequest: () => void): ContainerRegistryClient {
  return new ContainerRegistryClient(registry.url, undefined, {
    registryKind: "oci",
    allowInsecureHttp: true,
    logRequest: (line) => {
      if (line.includes("/v2/_catalog")) {
        onCatalogRequest();
      }
    },
  });
}

async function searchOnce(
  registry: RunningRegistry,
  prefix: string,
): Promise<{ matches: number; catalogRequests: number; msToLastMatch: number; msToEnd: number }> {
  let catalogRequests = 0;
  const client = newClient(registry, () => catalogRequests++);
  const started = performance.now();
  let matches = 0;
  let lastMatchAt = started;
  for await (const page of client.listRepositoryNames({ prefix }).byPage({ maxPageSize: PAGE_SIZE })) {
    const outside = page.filter((name) => !name.startsWith(prefix));
    if (outside.length > 0) {
      throw new Error(`listRepositoryNames({ prefix: "${prefix}" }) yielded ${outside.join(", ")}`);
    }
    matches += page.length;
    if (page.length > 0) {
      lastMatchAt = performance.now();
    }
  }
  return { matches, catalogRequests, msToLastMatch: lastMatchAt - started, msToEnd: performance.now() - started };
}

/** One catalog request at `last`, with fetch and no client: what the registry itself takes (wall ms, registry CPU ms). */
async function bareCatalogRequest(registry: RunningRegistry, last: string): Promise<{ ms: number; registryCpuMs: number }> {
  const url = new URL("/v2/_catalog", registry.url);
  url.searchParams.set("n", String(PAGE_SIZE));
  url.searchParams.set("last", last);
  const cpuBefore = cpuSecondsOf(registry.pid);
  const started = performance.now();
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`bare catalog request: ${response.status}`);
  }
  await response.arrayBuffer();
  const ms = performance.now() - started;
  return { ms, registryCpuMs: (cpuSecondsOf(registry.pid) - cpuBefore) * 1000 };
}

async function measurePosition(registry: RunningRegistry, names: string[], where: string, team: number): Promise<PrefixPositionResult> {
  const prefix = `${teamName(team)}/`;
  const bareLast = catalogStartAfter(prefix) ?? "";
  const result: PrefixPositionResult = {
    where,
    prefix,
    repositoriesBefore: names.filter((name) => pathOrderBefore(name, prefix)).length,
    matches: 0,
    catalogRequests: 0,
    oursMsToLastMatch: [],
    oursMsToEnd: [],
    bareLast,
    bareMs: [],
    bareRegistryCpuMs: [],
  };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so that neither always finds the registry's directory reads warm.
    const bareFirst = round % 2 === 1;
    const bare = bareFirst ? await bareCatalogRequest(registry, bareLast) : undefined;
    const ours = await searchOnce(registry, prefix);
    const { ms, registryCpuMs } = bare ?? (await bareCatalogRequest(registry, bareLast));
    result.bareMs.push(ms);
    result.bareRegistryCpuMs.push(registryCpuMs);
    if (ours.matches !== APPS_PER_TEAM) {
      throw new Error(`${prefix}: ${ours.matches} matches, not ${APPS_PER_TEAM}`);
    }
    result.matches = ours.matches;
    result.catalogRequests = ours.catalogRequests;
    result.oursMsToLastMatch.push(ours.msToLastMatch);
    result.oursMsToEnd.push(ours.msToEnd);
    process.stderr.write(
      `prefix search: ${where} ${prefix} round ${round + 1}: ours ${ours.msToLastMatch.toFixed(0)} ms to the last match, ` +
        `${ours.msToEnd.toFixed(0)} ms to the end, ${ours.catalogRequests} requests; bare request ${ms.toFixed(0)} ms, registry CPU ${registryCpuMs.toFixed(0)} ms\n`,
    );
  }
  return result;
}

/** Everything, page by page, filtered for every prefix at once. */
async function listEverything(
  registry: RunningRegistry,
  positions: PrefixPositionResult[],
): Promise<{ catalogRequests: number; ms: number }> {
  let catalogRequests = 0;
  const client = newClient(registry, () => catalogRequests++);
  const started = performance.now();
  for await (const page of client.listRepositoryNames().byPage({ maxPageSize: PAGE_SIZE })) {
    for (const position of positions) {
      if (page.some((name) => name.startsWith(position.prefix))) {
        position.listEverythingMsToLastMatch = performance.now() - started;
      }
    }
  }
  const ms = performance.now() - started;
  process.stderr.write(`prefix search: list everything: ${catalogRequests} requests, ${ms.toFixed(0)} ms\n`);
  return { catalogRequests, ms };
}

export async function runPrefixSearchBench(): Promise<PrefixSearchResults> {
  const registry = await startRegistry({ auth: "anonymous" });
  try {
    const seedStart = performance.now();
    const names = seed(registry);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    process.stderr.write(`prefix search: seeded ${names.length} repositories in ${seedSeconds.toFixed(1)} s\n`);
    const positions: PrefixPositionResult[] = [];
    for (const { where, team } of POSITIONS) {
      positions.push(await measurePosition(registry, names, where, team));
    }
    const everything = await listEverything(registry, positions);
    return {
      repositories: names.length,
      rounds: ROUNDS,
      seedSeconds,
      positions,
      listEverything: everything,
      targets: { catalogRequests: 2, msToLastMatch: 200 },
    };
  } finally {
    await registry.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function prefixSearchLines(results: PrefixSearchResults | { error: string }): string[] {
  if ("error" in results) {
    return [`prefix search: failed: ${results.error}`];
  }
  const ms = (value: number | undefined) => (value === undefined ? "–" : value.toFixed(0));
  return [
    `Prefix search among ${results.repositories} repositories on distribution (pages of ${PAGE_SIZE}; medians of ${results.rounds} rounds, ms)`,
    "| prefix | repositories before it | matches | catalog requests | ours: to the last match | ours: to the end | bare request at the same last= | its registry CPU | our overhead over the registry's walk | list everything: to the last match |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...results.positions.map((p) => {
      const overhead = median(p.oursMsToLastMatch.map((ours, i) => ours - p.bareMs[i]));
      return (
        `| ${p.where}: \`${p.prefix}\` | ${p.repositoriesBefore} | ${p.matches} | ${p.catalogRequests} | ${ms(median(p.oursMsToLastMatch))} | ` +
        `${ms(median(p.oursMsToEnd))} | ${ms(median(p.bareMs))} | ${ms(median(p.bareRegistryCpuMs))} | ${ms(overhead)} | ${ms(p.listEverythingMsToLastMatch)} |`
      );
    }),
    `list everything and filter: ${results.listEverything.catalogRequests} catalog requests, ${ms(results.listEverything.ms)} ms`,
    `target: at most ${results.targets.catalogRequests} catalog requests and ≤ ${results.targets.msToLastMatch} ms to the last match ` +
      `(seeded in ${results.seedSeconds.toFixed(1)} s); distribution 2.8 walks its storage from the start on every catalog request, ` +
      `so the bare request's time is the floor at each position`,
  ];
}

if (require.main === module) {
  runPrefixSearchBench()
    .then((results) => process.stdout.write(prefixSearchLines(results).join("\n") + "\n"))
    .catch((error: Error) => {
      process.stderr.write(`${error.stack ?? error.message}\n`);
      process.exitCode = 1;
    });
}
