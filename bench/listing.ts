// Listing at scale: a registry of 10,000 repositories and a repository of
// 10,000 tags. Seeded fast by writing distribution's filesystem layout
// directly (distribution 2.8's catalog is a walk for `_layers`
// directories; a tag is `_manifests/tags/<tag>/current/link`), after one
// real push that the seeded entries point at. Lists run in a child process
// (listClient.ts) so their memory is their own.

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { ContainerRegistryClient } from "../src/client";
import { startRegistry, type RunningRegistry } from "../test/fixtures/registryServer";

const run = promisify(execFile);

export interface ListingRow {
  what: string;
  items: number;
  pages: number;
  requests: number;
  requestsForFirstPage: number;
  firstPageMs: number;
  firstPageItems: number;
  wholeListMs: number;
  peakRssMB: number;
  heapUsedMB: number;
}

export interface ListingResults {
  rows: ListingRow[];
  seedSeconds: number;
  notes: string[];
}

const REPOSITORIES = "docker/registry/v2/repositories";

function seedRepositories(registry: RunningRegistry, from: number, to: number): void {
  const root = path.join(registry.storageDir, REPOSITORIES);
  for (let i = from; i < to; i++) {
    // Two levels, as real registries have (team/app); 100 teams.
    const name = `team${String(i % 100).padStart(3, "0")}/app${String(i).padStart(5, "0")}`;
    // Distribution 2.8's catalog walk takes a directory holding `_layers` for a repository.
    fs.mkdirSync(path.join(root, name, "_manifests", "tags"), { recursive: true });
    fs.mkdirSync(path.join(root, name, "_layers"), { recursive: true });
  }
}

export function seedTags(registry: RunningRegistry, repository: string, digest: string, count: number): void {
  const tags = path.join(registry.storageDir, REPOSITORIES, repository, "_manifests", "tags");
  const hex = digest.slice("sha256:".length);
  for (let i = 0; i < count; i++) {
    const tag = path.join(tags, `v${String(i).padStart(5, "0")}`);
    fs.mkdirSync(path.join(tag, "current"), { recursive: true });
    fs.writeFileSync(path.join(tag, "current", "link"), digest);
    fs.mkdirSync(path.join(tag, "index", "sha256", hex), { recursive: true });
    fs.writeFileSync(path.join(tag, "index", "sha256", hex, "link"), digest);
  }
}

async function list(registry: RunningRegistry, args: string[]): Promise<Omit<ListingRow, "what">> {
  const script = path.join(__dirname, "listClient.js");
  const { stdout } = await run(process.execPath, ["--expose-gc", script, ...args], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: registry.caCertPath! },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim()) as Omit<ListingRow, "what">;
}

export async function runListingBench(): Promise<ListingResults> {
  const registry = await startRegistry({ tls: true, relativeUrls: true });
  const rows: ListingRow[] = [];
  const notes: string[] = [];
  try {
    const client = new ContainerRegistryClient(registry.url, undefined, {
      registryKind: "oci",
      caCertificates: fs.readFileSync(registry.caCertPath!, "utf8"),
    });
    const config = Buffer.from("{}");
    const configResult = await client.uploadBlob("bench/tags", config);
    const { digest } = await client.setManifest(
      "bench/tags",
      {
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configResult.digest, size: config.length },
        layers: [],
      },
      { tag: "seed" },
    );
    const seedStart = performance.now();
    seedRepositories(registry, 0, 1_000);
    rows.push({ what: "repositories (1,000), default page", ...(await list(registry, ["repositories", registry.url])) });
    seedRepositories(registry, 1_000, 10_000);
    seedTags(registry, "bench/tags", digest, 10_000);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    rows.push({ what: "repositories (10,000), default page", ...(await list(registry, ["repositories", registry.url])) });
    rows.push({ what: "repositories (10,000), n=1000", ...(await list(registry, ["repositories", registry.url, "1000"])) });
    rows.push({ what: "tags (10,000), n=100", ...(await list(registry, ["tags", registry.url, "bench/tags", "100"])) });
    rows.push({ what: "tags (10,000), default page", ...(await list(registry, ["tags", registry.url, "bench/tags"])) });
    notes.push(
      "The count of repositories includes bench/tags. Requests include the one-time probe for ACR's metadata API (GET /acr/v1/_catalog?n=1, 404 here).",
      "Tag listing on a plain OCI registry reads each tag's digest with one HEAD per tag (8 in flight), so it costs one request per tag.",
    );
    return { rows, seedSeconds, notes };
  } finally {
    await registry.stop();
  }
}
