// Generates the benchmark image as an OCI image layout: N layers of random
// (incompressible) bytes, a config and a manifest. Written once per run into a
// temporary directory; never committed.

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export interface GeneratedImage {
  dir: string;
  manifestDigest: string;
  layerDigests: string[];
  totalBytes: number;
}

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
// Plain tar: the bytes are random, so no tool should try to decompress them;
// skopeo is run with --preserve-digests so that it does not compress them either.
const OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";

function writeBlob(dir: string, bytes: Uint8Array): string {
  const digest = `sha256:${crypto.createHash("sha256").update(bytes).digest("hex")}`;
  fs.writeFileSync(path.join(dir, "blobs", "sha256", digest.slice(7)), bytes);
  return digest;
}

export function generateImageLayout(dir: string, layers: number, layerBytes: number, tag = "bench"): GeneratedImage {
  fs.mkdirSync(path.join(dir, "blobs", "sha256"), { recursive: true });
  fs.writeFileSync(path.join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const chunk = Buffer.allocUnsafe(4 * 1024 * 1024);
  const layerDescriptors = [];
  for (let i = 0; i < layers; i++) {
    const temp = path.join(dir, `layer-${i}.tmp`);
    const fd = fs.openSync(temp, "w");
    const hash = crypto.createHash("sha256");
    for (let written = 0; written < layerBytes; written += chunk.length) {
      const part = chunk.subarray(0, Math.min(chunk.length, layerBytes - written));
      crypto.randomFillSync(part);
      hash.update(part);
      fs.writeSync(fd, part);
    }
    fs.closeSync(fd);
    const digest = `sha256:${hash.digest("hex")}`;
    fs.renameSync(temp, path.join(dir, "blobs", "sha256", digest.slice(7)));
    layerDescriptors.push({ mediaType: OCI_LAYER, digest, size: layerBytes });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      rootfs: { type: "layers", diff_ids: layerDescriptors.map((d) => d.digest) },
      config: {},
    }),
  );
  const configDigest = writeBlob(dir, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
      layers: layerDescriptors,
    }),
  );
  const manifestDigest = writeBlob(dir, manifest);
  fs.writeFileSync(
    path.join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: manifestDigest,
          size: manifest.length,
          annotations: { "org.opencontainers.image.ref.name": tag },
        },
      ],
    }),
  );
  return { dir, manifestDigest, layerDigests: layerDescriptors.map((d) => d.digest), totalBytes: layers * layerBytes };
}
