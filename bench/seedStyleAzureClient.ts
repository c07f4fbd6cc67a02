// The per-blob workloads of issue 12 with `@azure/container-registry`'s
// ContainerRegistryContentClient, the peer, written the same way as
// seedStyleClient.ts (the layers in parallel, Node's fs streams with their
// defaults), so both sides do the same work.
//   node seedStyleAzureClient.js push|pull <registry-url> <repo:tag> <dir>
// The benchmark registry is anonymous: the credential is never asked for a token.

import * as fs from "node:fs";
import * as path from "node:path";
import { ContainerRegistryContentClient } from "@azure/container-registry";
import type { TokenCredential } from "@azure/core-auth";
import { blobPath, readLayoutManifest } from "./layoutManifest";

const anonymous: TokenCredential = {
  getToken: async () => {
    throw new Error("the benchmark registry is anonymous");
  },
};

async function push(client: ContainerRegistryContentClient, tag: string, dir: string): Promise<void> {
  const manifest = readLayoutManifest(dir);
  await Promise.all(
    manifest.blobs.map(async (descriptor) => {
      const result = await client.uploadBlob(fs.createReadStream(blobPath(dir, descriptor.digest)));
      if (result.digest !== descriptor.digest) {
        throw new Error(`uploaded ${result.digest}, expected ${descriptor.digest}`);
      }
    }),
  );
  const set = await client.setManifest(manifest.bytes, { tag, mediaType: manifest.mediaType });
  process.stdout.write(JSON.stringify({ digest: set.digest }) + "\n");
}

async function pull(client: ContainerRegistryContentClient, tag: string, dir: string): Promise<void> {
  const got = await client.getManifest(tag);
  const manifest = got.manifest as unknown as { config: { digest: string }; layers: { digest: string }[] };
  fs.mkdirSync(path.join(dir, "blobs", "sha256"), { recursive: true });
  await Promise.all(
    [manifest.config, ...manifest.layers].map(async (descriptor) => {
      // The SDK's content stream checks the digest as it ends.
      const blob = await client.downloadBlob(descriptor.digest);
      await new Promise<void>((resolve, reject) => {
        const file = fs.createWriteStream(blobPath(dir, descriptor.digest));
        blob.content.on("error", reject);
        blob.content.pipe(file).on("finish", resolve).on("error", reject);
      });
    }),
  );
  fs.writeFileSync(blobPath(dir, got.digest), got.content);
  process.stdout.write(JSON.stringify({ digest: got.digest }) + "\n");
}

async function main(): Promise<void> {
  const [command, url, reference, dir] = process.argv.slice(2);
  const [repository, tag] = reference.split(":");
  const client = new ContainerRegistryContentClient(url, repository, anonymous);
  if (command === "push") {
    await push(client, tag, dir);
  } else if (command === "pull") {
    await pull(client, tag, dir);
  } else {
    throw new Error(`unknown command ${command}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
