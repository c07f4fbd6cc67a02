// Images with known configs, pushed through the client, for the image tests
// (images.test.ts) and the extension's inspect tests.

import type { ContainerRegistryClient, OciDescriptor } from "../../src/client";
import { MediaTypes } from "../../src/client";

export const LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

export async function pushBlob(
  client: ContainerRegistryClient,
  repository: string,
  bytes: Buffer,
  mediaType: string,
): Promise<OciDescriptor> {
  const { digest, sizeInBytes } = await client.uploadBlob(repository, bytes);
  return { mediaType, digest, size: sizeInBytes };
}

/** An image whose config has every field the inspector shows, one history step per layer plus an ENV step. */
export function sampleConfig(architecture: string, layerCount: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    created: "2026-03-04T05:06:07Z",
    author: "tests",
    architecture,
    os: "linux",
    config: {
      User: "app",
      Env: ["PATH=/usr/bin", `ARCH=${architecture}`],
      Entrypoint: ["/bin/app"],
      Cmd: ["--serve"],
      WorkingDir: "/srv",
      ExposedPorts: { "8080/tcp": {} },
      Volumes: { "/data": {} },
      Labels: { "org.opencontainers.image.title": "sample", arch: architecture },
    },
    rootfs: { type: "layers", diff_ids: Array.from({ length: layerCount }, (_, i) => `sha256:${String(i).repeat(64).slice(0, 64)}`) },
    history: [
      ...Array.from({ length: layerCount }, (_, i) => ({ created: "2026-03-04T05:06:07Z", created_by: `RUN step ${i}` })),
      { created: "2026-03-04T05:06:07Z", created_by: "ENV ARCH", empty_layer: true },
    ],
    ...extra,
  };
}

export async function pushImageWithConfig(
  client: ContainerRegistryClient,
  repository: string,
  config: Record<string, unknown>,
  layers: Buffer[],
  tag?: string,
): Promise<{ digest: string; config: OciDescriptor; layers: OciDescriptor[]; size: number }> {
  const configDescriptor = await pushBlob(client, repository, Buffer.from(JSON.stringify(config)), MediaTypes.OCI_IMAGE_CONFIG);
  const layerDescriptors: OciDescriptor[] = [];
  for (const layer of layers) {
    layerDescriptors.push(await pushBlob(client, repository, layer, LAYER));
  }
  const manifest = { schemaVersion: 2, mediaType: MediaTypes.OCI_MANIFEST, config: configDescriptor, layers: layerDescriptors };
  const result = await client.setManifest(repository, manifest, tag ? { tag } : {});
  return { digest: result.digest, config: configDescriptor, layers: layerDescriptors, size: Buffer.byteLength(JSON.stringify(manifest)) };
}

export async function pushIndex(
  client: ContainerRegistryClient,
  repository: string,
  children: { digest: string; size: number; architecture: string }[],
  tag: string,
): Promise<string> {
  const index = {
    schemaVersion: 2,
    mediaType: MediaTypes.OCI_INDEX,
    manifests: children.map((c) => ({
      mediaType: MediaTypes.OCI_MANIFEST,
      digest: c.digest,
      size: c.size,
      platform: { os: "linux", architecture: c.architecture },
    })),
  };
  return (await client.setManifest(repository, index, { tag })).digest;
}

/** A referrer: an artifact manifest with `subject`, the empty config and one layer. */
export async function pushReferrer(
  client: ContainerRegistryClient,
  repository: string,
  subject: { digest: string; mediaType: string; size: number },
  artifactType: string,
  payload: string,
): Promise<{ digest: string; size: number }> {
  await client.uploadBlob(repository, Buffer.from("{}"));
  const layer = await pushBlob(client, repository, Buffer.from(payload), artifactType);
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.OCI_MANIFEST,
    artifactType,
    config: { mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 },
    layers: [layer],
    subject,
  };
  const { digest } = await client.setManifest(repository, manifest);
  return { digest, size: Buffer.byteLength(JSON.stringify(manifest)) };
}
