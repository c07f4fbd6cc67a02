// One copy of issue 15's copy workload (copyBench.ts), in its own process:
//   node copyClient.js <source-url> <repo:tag> <target-url> <repo:tag>
// prints copyImage's result as JSON. BENCH_CA_FILES: the registries' CA
// certificates, comma separated.

import * as fs from "node:fs";
import { ContainerRegistryClient, copyImage } from "../src/client";

function clientFor(url: string, caFiles: string[]): ContainerRegistryClient {
  return new ContainerRegistryClient(url, undefined, {
    registryKind: "oci",
    caCertificates: caFiles.map((file) => fs.readFileSync(file, "utf8")).join("\n"),
  });
}

function split(reference: string): { repository: string; tag: string } {
  const at = reference.lastIndexOf(":");
  return { repository: reference.slice(0, at), tag: reference.slice(at + 1) };
}

async function copyOnce(): Promise<void> {
  const [sourceUrl, sourceRef, targetUrl, targetRef] = process.argv.slice(2);
  const caFiles = (process.env.BENCH_CA_FILES ?? "").split(",").filter(Boolean);
  const source = split(sourceRef);
  const target = split(targetRef);
  const result = await copyImage(
    { client: clientFor(sourceUrl, caFiles), repository: source.repository, reference: source.tag },
    { client: clientFor(targetUrl, caFiles), repository: target.repository, tag: target.tag },
  );
  process.stdout.write(JSON.stringify(result) + "\n");
}

copyOnce().catch((error) => {
  console.error(error);
  process.exit(1);
});
