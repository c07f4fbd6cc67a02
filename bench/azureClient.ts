// The same push or pull with `@azure/container-registry` 1.1.2 (the peer), as
// its own process. Its content client wants a TokenCredential; the benchmark
// registry is anonymous, so the credential is never asked for a token.
//   node out/bench/azureClient.js push|pull <registry-url> <repo:tag> <dir>

import * as fs from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { ContainerRegistryContentClient } from "@azure/container-registry";
import type { TokenCredential } from "@azure/core-auth";

const anonymous: TokenCredential = {
  getToken: async () => {
    throw new Error("the benchmark registry is anonymous");
  },
};

function blobPath(dir: string, digest: string): string {
  const [algorithm, hex] = digest.split(":");
  return path.join(dir, "blobs", algorithm, hex);
}

async function main(): Promise<void> {
  const [command, url, reference, dir] = process.argv.slice(2);
  const [repository, tag] = reference.split(":");
  const client = new ContainerRegistryContentClient(url, repository, anonymous);
  if (command === "push") {
    const index = JSON.parse(fs.readFileSync(path.join(dir, "index.json"), "utf8")) as { manifests: { digest: string }[] };
    const manifestDescriptor = index.manifests[0];
    const manifestBytes = fs.readFileSync(blobPath(dir, manifestDescriptor.digest));
    const manifest = JSON.parse(manifestBytes.toString("utf8")) as {
      mediaType: string;
      config: { digest: string };
      layers: { digest: string }[];
    };
    // One blob after another: the SDK has no whole-image call, and this is how its samples push.
    for (const descriptor of [manifest.config, ...manifest.layers]) {
      const result = await client.uploadBlob(fs.createReadStream(blobPath(dir, descriptor.digest)));
      if (result.digest !== descriptor.digest) {
        throw new Error(`uploaded ${result.digest}, expected ${descriptor.digest}`);
      }
    }
    const set = await client.setManifest(manifestBytes, { tag, mediaType: manifest.mediaType });
    process.stdout.write(JSON.stringify({ digest: set.digest }) + "\n");
  } else if (command === "pull") {
    const got = await client.getManifest(tag);
    const manifest = got.manifest as unknown as { config: { digest: string }; layers: { digest: string }[] };
    fs.mkdirSync(path.join(dir, "blobs", "sha256"), { recursive: true });
    for (const descriptor of [manifest.config, ...manifest.layers]) {
      const blob = await client.downloadBlob(descriptor.digest);
      // The SDK's content stream checks the digest as it ends.
      await pipeline(blob.content, fs.createWriteStream(blobPath(dir, descriptor.digest)));
    }
    fs.writeFileSync(blobPath(dir, got.digest), got.content);
    process.stdout.write(JSON.stringify({ digest: got.digest }) + "\n");
  } else {
    throw new Error(`unknown command ${command}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
