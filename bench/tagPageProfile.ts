// Where the first page of listTagProperties goes on distribution 2.8 with
// 10,000 tags (issue 12: 32 s when the caller gives no page size), in this
// process, with every request the client sends timed (logRequest):
//   node out/bench/tagPageProfile.js [tags]
// 1. the first page with no page size, then with maxPageSize 100;
// 2. the tags/list answer alone (distribution 2.8 ignores `n`: all names at once);
// 3. HEADs (getTagProperties) 400 at a time at 1, 8, 16 and 32 in flight.

import * as fs from "node:fs";
import { ContainerRegistryClient, mapWithConcurrency } from "../src/client";
import { startRegistry } from "../test/fixtures/registryServer";
import { seedTags } from "./listing";

/** User + system CPU seconds of a process so far (/proc/<pid>/stat fields 14 and 15). */
function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

let registryPid = 0;

const REPOSITORY = "bench/tags";

interface Logged {
  at: number;
  method: string;
  status: string;
  ms: number;
}

function client(url: string, ca: string, log: Logged[]): ContainerRegistryClient {
  return new ContainerRegistryClient(url, undefined, {
    registryKind: "oci",
    caCertificates: ca,
    logRequest: (line) => {
      const m = /^(\w+) \S+ -> (\S+).*\((\d+) ms\)$/.exec(line);
      if (m) {
        log.push({ at: performance.now(), method: m[1], status: m[2], ms: Number(m[3]) });
      }
    },
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

async function firstPage(c: ContainerRegistryClient, log: Logged[], maxPageSize: number | undefined): Promise<void> {
  log.length = 0;
  const registryCpu = cpuSecondsOf(registryPid);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let items = 0;
  for await (const page of c.listTagProperties(REPOSITORY).byPage({ maxPageSize })) {
    items = page.length;
    break;
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const list = log.filter((l) => l.method === "GET");
  const heads = log.filter((l) => l.method === "HEAD");
  const firstHead = heads.length ? heads[0].at - heads[0].ms : NaN;
  process.stdout.write(
    `first page, maxPageSize ${maxPageSize ?? "not given"}: ${ms.toFixed(0)} ms for ${items} tags; ` +
      `client CPU ${((used.user + used.system) / 1000).toFixed(0)} ms, registry CPU ${((cpuSecondsOf(registryPid) - registryCpu) * 1000).toFixed(0)} ms; ` +
      `tags/list ${list.map((l) => `${l.ms} ms`).join(", ")}; ${heads.length} HEADs from ${(firstHead - started).toFixed(0)} to ${heads.length ? (heads[heads.length - 1].at - started).toFixed(0) : "–"} ms, ` +
      `each p50 ${percentile(
        heads.map((h) => h.ms),
        50,
      )} ms p90 ${percentile(
        heads.map((h) => h.ms),
        90,
      )} ms\n`,
  );
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 10_000);
  const registry = await startRegistry({ tls: true, relativeUrls: true });
  try {
    registryPid = registry.pid;
    const ca = fs.readFileSync(registry.caCertPath!, "utf8");
    const log: Logged[] = [];
    const seeder = client(registry.url, ca, []);
    const config = Buffer.from("{}");
    const { digest: configDigest } = await seeder.uploadBlob(REPOSITORY, config);
    const { digest } = await seeder.setManifest(
      REPOSITORY,
      {
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: config.length },
        layers: [],
      },
      { tag: "seed" },
    );
    seedTags(registry, REPOSITORY, digest, count);
    process.stdout.write(`${count} tags seeded on distribution 2.8 (TLS, loopback)\n`);

    const c = client(registry.url, ca, log);
    await firstPage(c, log, undefined);
    await firstPage(c, log, 100);
    await firstPage(c, log, undefined);

    for (let i = 0; i < 3; i++) {
      log.length = 0;
      const listStarted = performance.now();
      const names: string[] = [];
      for await (const page of c.listTagProperties(REPOSITORY).byPage({ maxPageSize: 1 })) {
        names.push(...page.map((t) => t.name));
        break;
      }
      process.stdout.write(
        `tags/list of ${count} names (maxPageSize 1, one HEAD): ${(performance.now() - listStarted).toFixed(0)} ms, the GET itself ${log.find((l) => l.method === "GET")?.ms} ms\n`,
      );
    }

    const sample = Array.from({ length: 400 }, (_, i) => `v${String(i * 7).padStart(5, "0")}`);
    for (const inFlight of [1, 8, 16, 32, 8]) {
      log.length = 0;
      const registryCpu = cpuSecondsOf(registryPid);
      const cpu = process.cpuUsage();
      const started = performance.now();
      await mapWithConcurrency(sample, inFlight, (tag) => c.getTagProperties(REPOSITORY, tag));
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      process.stdout.write(
        `400 HEADs, ${inFlight} in flight: ${ms.toFixed(0)} ms (${((ms / 400) * 100).toFixed(0)} ms per 100 tags), client CPU ${((used.user + used.system) / 1000).toFixed(0)} ms, registry CPU ${((cpuSecondsOf(registryPid) - registryCpu) * 1000).toFixed(0)} ms, each p50 ${percentile(
          log.map((l) => l.ms),
          50,
        )} ms\n`,
      );
    }
  } finally {
    await registry.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
