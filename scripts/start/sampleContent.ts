// The sample content `npm start` (and the e2e tests) put into the local
// registries, pushed with plain HTTP by test/fixtures/seed.ts, independent of
// the client library the extension uses.
//
// CNCF distribution ("plain OCI registry"):
//   samples/hello       a three-layer image (real tar layers), tags 1.0 and latest
//   samples/multiarch   an OCI image index with linux/amd64 and linux/arm64 images, tag 1.0
//   samples/notes       an OCI artifact (artifactType, empty config) whose layers
//                       carry org.opencontainers.image.title, so a pull names the files
//   samples/many-tags   one image with `manyTags` tags (distribution 2.8 lists them
//                       all at once: it ignores `n` on tags/list)
// ACR stand-in (pages, has properties and locks):
//   demo/app            two images, tags v1 and v2
//   demo/many-tags      `manyTags` images tagged build-001…, more than one page
import * as crypto from "node:crypto";
import { OCI_CONFIG, OCI_LAYER, OCI_MANIFEST, pushBlob, pushImage, pushManifest, type SeedTarget } from "../../test/fixtures/seed";

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const OCI_EMPTY = "application/vnd.oci.empty.v1+json";
const TITLE = "org.opencontainers.image.title";

/** A ustar archive of the given files (what an uncompressed OCI layer is). */
export function tar(files: Record<string, string | Uint8Array>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const body = typeof content === "string" ? Buffer.from(content) : Buffer.from(content);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, "utf8");
    header.write("0000644\0", 100, "ascii");
    header.write("0000000\0", 108, "ascii");
    header.write("0000000\0", 116, "ascii");
    header.write(body.length.toString(8).padStart(11, "0") + "\0", 124, "ascii");
    header.write(
      Math.floor(Date.UTC(2024, 0, 1) / 1000)
        .toString(8)
        .padStart(11, "0") + "\0",
      136,
      "ascii",
    );
    header.write("        ", 148, "ascii");
    header.write("0", 156, "ascii");
    header.write("ustar\0" + "00", 257, "ascii");
    let sum = 0;
    for (const byte of header) {
      sum += byte;
    }
    header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "ascii");
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export interface SeedOptions {
  /** Tags in the "many tags" repositories; default 130 (more than the default page of 100). */
  manyTags?: number;
  /** Adds a layer of this many random bytes to samples/hello, so a pull takes long enough to watch. */
  bigLayerBytes?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface SeededDistribution {
  hello: string;
  multiarch: string;
  notes: string;
}

/** Pushes an OCI artifact with titled files; returns its manifest digest. */
export async function pushArtifact(
  target: SeedTarget,
  repo: string,
  tag: string,
  artifactType: string,
  files: Record<string, string>,
): Promise<string> {
  const empty = Buffer.from("{}");
  await pushBlob(target, repo, empty);
  const layers = [];
  for (const [title, text] of Object.entries(files)) {
    const bytes = Buffer.from(text);
    const digest = await pushBlob(target, repo, bytes);
    layers.push({ mediaType: "text/plain", digest, size: bytes.length, annotations: { [TITLE]: title } });
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType,
    config: { mediaType: OCI_EMPTY, digest: `sha256:${crypto.createHash("sha256").update(empty).digest("hex")}`, size: empty.length },
    layers,
    annotations: { "org.opencontainers.image.created": new Date().toISOString() },
  };
  return pushManifest(target, repo, tag, manifest, OCI_MANIFEST);
}

/** Fills a plain CNCF distribution registry. */
export async function seedDistribution(target: SeedTarget, options: SeedOptions = {}): Promise<SeededDistribution> {
  const log = options.log ?? (() => undefined);
  const manyTags = options.manyTags ?? 130;

  log("samples/hello: a three-layer image");
  const layers = [
    tar({ "etc/os-release": 'NAME="Sample Linux"\nVERSION="1.0"\n' }),
    tar({ "usr/bin/hello": "#!/bin/sh\necho 'Hello from the sample registry'\n" }),
    tar({ "app/config.json": JSON.stringify({ greeting: "hello", replicas: 2 }, null, 2) + "\n" }),
  ];
  if (options.bigLayerBytes) {
    layers.push(tar({ "app/data.bin": crypto.randomBytes(options.bigLayerBytes) }));
  }
  const hello = await pushImage(target, "samples/hello", "1.0", { layers });
  await pushManifest(target, "samples/hello", "latest", hello.manifestBytes, OCI_MANIFEST);

  log("samples/multiarch: an index with linux/amd64 and linux/arm64");
  const platforms = [];
  for (const architecture of ["amd64", "arm64"]) {
    const image = await pushImage(target, "samples/multiarch", `1.0-${architecture}`, {
      layers: [tar({ "arch.txt": `built for linux/${architecture}\n` })],
      architecture,
      os: "linux",
    });
    platforms.push({
      mediaType: OCI_MANIFEST,
      digest: image.manifestDigest,
      size: image.manifestBytes.length,
      platform: { os: "linux", architecture },
    });
  }
  const multiarch = await pushManifest(
    target,
    "samples/multiarch",
    "1.0",
    { schemaVersion: 2, mediaType: OCI_INDEX, manifests: platforms },
    OCI_INDEX,
  );

  log("samples/notes: an OCI artifact with titled files");
  const notes = await pushArtifact(target, "samples/notes", "v1", "application/vnd.example.notes.v1", {
    "README.md": "# Release notes\n\nPulled from an OCI artifact: each file is a layer titled with its name.\n",
    "checklist.txt": "- build\n- test\n- ship\n",
  });

  log(`samples/many-tags: one image with ${manyTags} tags`);
  const tagged = await pushImage(target, "samples/many-tags", "tag-001", { layers: [tar({ "tags.txt": "many tags\n" })] });
  await forEachLimited(range(2, manyTags), 8, (i) =>
    pushManifest(target, "samples/many-tags", `tag-${String(i).padStart(3, "0")}`, tagged.manifestBytes, OCI_MANIFEST).then(
      () => undefined,
    ),
  );
  return { hello: hello.manifestDigest, multiarch, notes };
}

/** Fills the ACR stand-in (through it, so it records times and properties). */
export async function seedAcr(target: SeedTarget, options: SeedOptions = {}): Promise<void> {
  const log = options.log ?? (() => undefined);
  const manyTags = options.manyTags ?? 130;
  log("demo/app: two images, v1 and v2");
  await pushImage(target, "demo/app", "v1", { layers: [tar({ "version.txt": "v1\n" }), tar({ "app.txt": "the app\n" })] });
  // Distinct creation times, so newest-first ordering shows.
  await new Promise((resolve) => setTimeout(resolve, 20));
  await pushImage(target, "demo/app", "v2", { layers: [tar({ "version.txt": "v2\n" }), tar({ "app.txt": "the app\n" })] });
  log(`demo/many-tags: ${manyTags} images, build-001…`);
  const layer = tar({ "build.txt": "a build\n" });
  await pushBlob(target, "demo/many-tags", layer);
  await forEachLimited(range(1, manyTags), 8, async (i) => {
    const config = Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        rootfs: { type: "layers", diff_ids: [] },
        config: { Labels: { build: String(i) } },
      }),
    );
    const configDigest = await pushBlob(target, "demo/many-tags", config);
    const manifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
      layers: [{ mediaType: OCI_LAYER, digest: `sha256:${crypto.createHash("sha256").update(layer).digest("hex")}`, size: layer.length }],
    };
    await pushManifest(target, "demo/many-tags", `build-${String(i).padStart(3, "0")}`, manifest, OCI_MANIFEST);
  });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

async function forEachLimited<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        await run(items[next++]);
      }
    }),
  );
}
