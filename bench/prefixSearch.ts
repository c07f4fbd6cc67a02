// Prefix search among 100,000 repositories on CNCF distribution (issue 13):
// requests and time to the last match with listRepositoryNames({ prefix }),
// against listing everything and filtering. Seeded on disk as listing.ts
// does (a repository is a directory holding `_layers`). Runs on its own with
// `tsc -p bench && node out/bench/prefixSearch.js`, or from run.ts.

import * as fs from "node:fs";
import * as path from "node:path";
import { ContainerRegistryClient } from "../src/client";
import { catalogStartAfter } from "../src/client/dialect/repositoryPrefix";
import { startRegistry, type RunningRegistry } from "../test/fixtures/registryServer";

export interface PrefixSearchRow {
  what: string;
  matches: number;
  catalogRequests: number;
  msToLastMatch: number;
}

export interface PrefixSearchResults {
  repositories: number;
  prefix: string;
  seedSeconds: number;
  rows: PrefixSearchRow[];
  targets: { catalogRequests: number; msToLastMatch: number };
}

const TEAMS = 100;
const APPS_PER_TEAM = 1_000;
const PREFIX = "team042/";
const PAGE_SIZE = 1_000;

function seed(registry: RunningRegistry): void {
  const root = path.join(registry.storageDir, "docker/registry/v2/repositories");
  for (let team = 0; team < TEAMS; team++) {
    for (let app = 0; app < APPS_PER_TEAM; app++) {
      const name = `team${String(team).padStart(3, "0")}/app${String(app).padStart(4, "0")}`;
      fs.mkdirSync(path.join(root, name, "_layers"), { recursive: true });
    }
  }
  // The names next to the prefix that a last= for the wrong order would skip or stop at.
  for (const name of ["team042", "team042-x", "team042.y", "team0420/app"]) {
    fs.mkdirSync(path.join(root, name, "_layers"), { recursive: true });
  }
}

async function measure(
  registry: RunningRegistry,
  what: string,
  names: (client: ContainerRegistryClient) => AsyncIterable<string[]>,
): Promise<PrefixSearchRow> {
  let catalogRequests = 0;
  const client = new ContainerRegistryClient(registry.url, undefined, {
    registryKind: "oci",
    allowInsecureHttp: true,
    logRequest: (line) => {
      if (line.includes("/v2/_catalog")) {
        catalogRequests++;
      }
    },
  });
  const started = performance.now();
  let matches = 0;
  let lastMatchAt = started;
  for await (const page of names(client)) {
    const found = page.filter((name) => name.startsWith(PREFIX)).length;
    if (found > 0) {
      matches += found;
      lastMatchAt = performance.now();
    }
  }
  const row = { what, matches, catalogRequests, msToLastMatch: lastMatchAt - started };
  process.stderr.write(`prefix search: ${JSON.stringify(row)}\n`);
  return row;
}

/**
 * The registry's own share: one catalog request at the prefix's last=, with
 * fetch and no client. Distribution 2.8 walks its storage from the start on
 * every catalog request, so this grows with the repositories before the prefix.
 */
async function rawCatalogRequest(registry: RunningRegistry): Promise<PrefixSearchRow> {
  const url = new URL("/v2/_catalog", registry.url);
  url.searchParams.set("n", String(PAGE_SIZE));
  url.searchParams.set("last", catalogStartAfter(PREFIX) ?? "");
  const started = performance.now();
  const response = await fetch(url);
  const body = (await response.json()) as { repositories?: string[] };
  const row = {
    what: "one catalog request at that last=, fetch alone (the registry's walk)",
    matches: (body.repositories ?? []).filter((name) => name.startsWith(PREFIX)).length,
    catalogRequests: 1,
    msToLastMatch: performance.now() - started,
  };
  process.stderr.write(`prefix search: ${JSON.stringify(row)}\n`);
  return row;
}

export async function runPrefixSearchBench(): Promise<PrefixSearchResults> {
  const registry = await startRegistry({ auth: "anonymous" });
  try {
    const seedStart = performance.now();
    seed(registry);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    process.stderr.write(`prefix search: seeded in ${seedSeconds.toFixed(1)} s\n`);
    const rows: PrefixSearchRow[] = [];
    // The prefix search first, then again (the registry's directory reads warm), then the baseline once:
    // distribution 2.8 walks its storage from the start for every page (and allows at most 1,000 names
    // a page), so listing everything costs a walk per page.
    const search = (client: ContainerRegistryClient) => client.listRepositoryNames({ prefix: PREFIX }).byPage({ maxPageSize: PAGE_SIZE });
    rows.push(await measure(registry, `listRepositoryNames({ prefix: "${PREFIX}" }), first`, search));
    rows.push(await measure(registry, `listRepositoryNames({ prefix: "${PREFIX}" }), again`, search));
    rows.push(await rawCatalogRequest(registry));
    rows.push(
      await measure(registry, "list everything, filter", (client) => client.listRepositoryNames().byPage({ maxPageSize: PAGE_SIZE })),
    );
    return {
      repositories: TEAMS * APPS_PER_TEAM + 4,
      prefix: PREFIX,
      seedSeconds,
      rows,
      targets: { catalogRequests: 2, msToLastMatch: 200 },
    };
  } finally {
    await registry.stop();
  }
}

export function prefixSearchLines(results: PrefixSearchResults | { error: string }): string[] {
  if ("error" in results) {
    return [`prefix search: failed: ${results.error}`];
  }
  return [
    `| prefix search among ${results.repositories} repositories (n=${PAGE_SIZE}) | matches | catalog requests | to the last match (ms) |`,
    "|---|---|---|---|",
    ...results.rows.map((row) => `| ${row.what} | ${row.matches} | ${row.catalogRequests} | ${row.msToLastMatch.toFixed(0)} |`),
    `target: at most ${results.targets.catalogRequests} catalog requests and ≤ ${results.targets.msToLastMatch} ms (seeded in ${results.seedSeconds.toFixed(1)} s)`,
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
