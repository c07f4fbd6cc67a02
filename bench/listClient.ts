// Lists a registry's repositories, or a repository's tags, with this library
// in its own process: time to the first page, to the whole list, requests
// sent, and memory. Items are counted, not kept, as a tree view that shows a
// page at a time would.
//   node out/bench/listClient.js repositories <url> [pageSize]
//   node out/bench/listClient.js tags <url> <repository> [pageSize]

import * as fs from "node:fs";
import { ContainerRegistryClient } from "../src/client";

async function main(): Promise<void> {
  const [what, url, ...rest] = process.argv.slice(2);
  const repository = what === "tags" ? rest.shift()! : undefined;
  const pageSize = rest[0] ? Number(rest[0]) : undefined;
  let requests = 0;
  const ca = process.env.NODE_EXTRA_CA_CERTS;
  const client = new ContainerRegistryClient(url, undefined, {
    caCertificates: ca ? fs.readFileSync(ca, "utf8") : undefined,
    logRequest: () => requests++,
  });
  const started = performance.now();
  const pages = repository
    ? client.listTagProperties(repository).byPage({ maxPageSize: pageSize })
    : client.listRepositoryNames().byPage({ maxPageSize: pageSize });
  let items = 0;
  let pageCount = 0;
  let firstPageMs = 0;
  let firstPageItems = 0;
  let requestsForFirstPage = 0;
  for await (const page of pages) {
    if (pageCount === 0) {
      firstPageMs = performance.now() - started;
      firstPageItems = page.length;
      requestsForFirstPage = requests;
    }
    pageCount++;
    items += page.length;
  }
  const wholeListMs = performance.now() - started;
  global.gc?.();
  process.stdout.write(
    JSON.stringify({
      items,
      pages: pageCount,
      requests,
      requestsForFirstPage,
      firstPageMs,
      firstPageItems,
      wholeListMs,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      heapUsedMB: process.memoryUsage().heapUsed / 2 ** 20,
    }) + "\n",
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
