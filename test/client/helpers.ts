// Shared helpers for the client's integration tests.

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { Readable } from "node:stream";
import { ContainerRegistryClient, type ContainerRegistryClientOptions } from "../../src/client";
import type { RunningRegistry } from "../fixtures/registryServer";

export function clientFor(registry: RunningRegistry, options: ContainerRegistryClientOptions = {}): ContainerRegistryClient {
  const credential = registry.username && registry.password ? { username: registry.username, password: registry.password } : undefined;
  return new ContainerRegistryClient(registry.url, credential, {
    caCertificates: registry.caCertPath ? fs.readFileSync(registry.caCertPath, "utf8") : undefined,
    ...options,
  });
}

export function randomBytes(size: number): Buffer {
  return crypto.randomBytes(size);
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${crypto.createHash("sha256").update(bytes).digest("hex")}`;
}

/** A stream that yields `bytes` in chunks, so uploads really stream. */
export function streamOf(bytes: Buffer, chunkSize = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < bytes.length; offset += chunkSize) {
        yield bytes.subarray(offset, offset + chunkSize);
      }
    })(),
  );
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) {
    items.push(item);
  }
  return items;
}

/** Where distribution's filesystem driver keeps a blob's bytes (for tampering tests). */
export function blobDataPath(registry: RunningRegistry, digest: string): string {
  const hex = digest.slice("sha256:".length);
  return `${registry.storageDir}/docker/registry/v2/blobs/sha256/${hex.slice(0, 2)}/${hex}/data`;
}
