// An in-memory content store for the copy routine's unit tests: blobs and
// manifests by digest, tags by name, and a log of what was asked of it, so
// a test can check order (manifests after blobs, the tag last) and what was
// never read. As a target it verifies what it is given, like a real store.

import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type {
  BlobPushOutcome,
  ContentSource,
  ContentTarget,
  OciDescriptor,
  PushBlobOptions,
  PushManifestOptions,
  ReopenableBlobSource,
} from "../../../../src/client";

export function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export function descriptorOf(bytes: Uint8Array, mediaType: string, extra: Partial<OciDescriptor> = {}): OciDescriptor {
  return { mediaType, digest: digestOf(bytes), size: bytes.byteLength, ...extra };
}

export class MemoryStore implements ContentSource, ContentTarget {
  readonly blobs = new Map<string, Buffer>();
  readonly manifests = new Map<string, Buffer>();
  readonly tags = new Map<string, string>();
  readonly log: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  abandoned = 0;
  /** Milliseconds each blob push takes (so several overlap). */
  pushDelayMs = 0;
  /** Digests whose push fails. */
  readonly failing = new Set<string>();
  /** Whether the target can mount (records the offer and says yes). */
  canMount = false;

  addBlob(bytes: Buffer): string {
    const digest = digestOf(bytes);
    this.blobs.set(digest, bytes);
    return digest;
  }

  addManifest(manifest: object, tag?: string): { descriptor: OciDescriptor; content: Buffer } {
    const content = Buffer.from(JSON.stringify(manifest));
    const mediaType = (manifest as { mediaType: string }).mediaType;
    const descriptor = descriptorOf(content, mediaType);
    this.manifests.set(descriptor.digest, content);
    if (tag) {
      this.tags.set(tag, descriptor.digest);
    }
    return { descriptor, content };
  }

  // --- source ---
  async resolve(reference: string): Promise<OciDescriptor> {
    this.log.push(`resolve ${reference}`);
    const digest = this.tags.get(reference) ?? reference;
    const content = this.manifests.get(digest);
    if (!content) {
      throw new Error(`no manifest ${reference}`);
    }
    return descriptorOf(content, (JSON.parse(content.toString()) as { mediaType: string }).mediaType);
  }

  async fetchManifest(descriptor: OciDescriptor): Promise<Uint8Array> {
    this.log.push(`fetchManifest ${descriptor.digest}`);
    const content = this.manifests.get(descriptor.digest);
    if (!content) {
      throw new Error(`no manifest ${descriptor.digest}`);
    }
    return content;
  }

  openBlob(descriptor: OciDescriptor): ReopenableBlobSource {
    return {
      sizeInBytes: descriptor.size,
      digest: descriptor.digest,
      open: (offset) => {
        this.log.push(`openBlob ${descriptor.digest} ${offset}`);
        const bytes = this.blobs.get(descriptor.digest);
        if (!bytes) {
          throw new Error(`no blob ${descriptor.digest}`);
        }
        return Readable.from([bytes.subarray(offset)]);
      },
    };
  }

  // --- target ---
  async hasBlob(descriptor: OciDescriptor): Promise<boolean> {
    return this.blobs.has(descriptor.digest);
  }

  async pushBlob(descriptor: OciDescriptor, source: ContentSource, options: PushBlobOptions): Promise<BlobPushOutcome> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      this.log.push(`pushBlob ${descriptor.digest}`);
      if (this.canMount && options.mountFrom?.length) {
        this.log.push(`mount ${descriptor.digest} from ${options.mountFrom[0]}`);
        this.blobs.set(descriptor.digest, Buffer.alloc(0));
        return "mounted";
      }
      if (this.pushDelayMs) {
        await new Promise((resolve) => setTimeout(resolve, this.pushDelayMs));
      }
      if (options.abortSignal?.aborted) {
        throw Object.assign(new Error("aborted"), { name: "AbortError" });
      }
      if (this.failing.has(descriptor.digest)) {
        throw new Error(`push of ${descriptor.digest} failed`);
      }
      const chunks: Buffer[] = [];
      for await (const chunk of source.openBlob(descriptor).open(0) as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        options.onBytes(chunk.length);
      }
      const bytes = Buffer.concat(chunks);
      if (digestOf(bytes) !== descriptor.digest || bytes.length !== descriptor.size) {
        throw new Error(`blob ${descriptor.digest} does not match`);
      }
      this.blobs.set(descriptor.digest, bytes);
      return "uploaded";
    } finally {
      this.inFlight--;
    }
  }

  async pushManifest(descriptor: OciDescriptor, content: Uint8Array, options: PushManifestOptions = {}): Promise<void> {
    this.log.push(`pushManifest ${descriptor.digest}${options.root ? " root" : ""}${options.tag ? ` tag ${options.tag}` : ""}`);
    this.manifests.set(descriptor.digest, Buffer.from(content));
    if (options.tag) {
      this.tags.set(options.tag, descriptor.digest);
    }
  }

  async abandon(): Promise<void> {
    this.abandoned++;
  }
}
