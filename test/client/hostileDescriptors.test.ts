// Descriptors a hostile registry serves in its manifests and indexes (issue
// 11, "Registry-supplied values are trusted"), through the copy routine:
// every descriptor is validated before anything is fetched for it, and a
// blob body is never read past its descriptor's size. Scripted servers on
// loopback (test/fixtures/hostileRegistry.ts) play the registry.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import type * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import {
  ContainerRegistryClient,
  copyContent,
  DigestValidationError,
  InvalidDescriptorError,
  InvalidRegistryResponseError,
  MediaTypes,
  OciLayoutStore,
} from "../../src/client";
import { type HostileServer, startHostileServer, streamEndlessly } from "../fixtures/hostileRegistry";
import { sha256 } from "./helpers";

const EMPTY = { mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 };
const LAYER_DIGEST = sha256(Buffer.from("the layer the manifest names"));

function manifestWith(layers: unknown[]): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.OCI_MANIFEST, config: EMPTY, layers }));
}

/** Serves `manifest` for any manifest request and hands blob requests to `blob`. */
function registryServing(
  manifest: Buffer,
  blob: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  mediaType = MediaTypes.OCI_MANIFEST,
) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (req.url?.includes("/manifests/")) {
      res.writeHead(200, { "Content-Type": mediaType, "Content-Length": manifest.length, "Docker-Content-Digest": sha256(manifest) });
      res.end(req.method === "HEAD" ? undefined : manifest);
    } else if (req.url?.includes("/blobs/")) {
      blob(req, res);
    } else {
      res.writeHead(404).end();
    }
  };
}

describe("descriptors from a hostile registry", function () {
  this.timeout(20_000);
  let server: HostileServer | undefined;
  let work: string;

  beforeEach(function () {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "hostile-descriptors-"));
  });

  afterEach(async function () {
    await server?.close();
    server = undefined;
    fs.rmSync(work, { recursive: true, force: true });
  });

  const client = (s: HostileServer) =>
    new ContainerRegistryClient(s.url, undefined, { registryKind: "oci", retry: { maxRetries: 0 }, timeoutMs: 5000 });

  const MALFORMED: [string, unknown, string][] = [
    ["no size", { mediaType: "application/octet-stream", digest: LAYER_DIGEST }, "layers[0].size"],
    ["a negative size", { mediaType: "application/octet-stream", digest: LAYER_DIGEST, size: -5 }, "layers[0].size"],
    ["an absurd size", { mediaType: "application/octet-stream", digest: LAYER_DIGEST, size: 1e300 }, "layers[0].size"],
    [
      "a digest that climbs out of the repository",
      { mediaType: "application/octet-stream", digest: "sha256:../../other/blobs/x", size: 1 },
      "layers[0].digest",
    ],
  ];
  for (const [what, layer, field] of MALFORMED) {
    it(`refuses a layer with ${what} (${field}) before any blob request`, async function () {
      const manifest = manifestWith([layer]);
      server = await startHostileServer(registryServing(manifest, (_req, res) => res.writeHead(500).end()));
      await assert.rejects(
        client(server).pullImage("app", "v1", path.join(work, "out")),
        (error: unknown) => error instanceof InvalidDescriptorError && error.field === field && error.manifest === sha256(manifest),
      );
      assert.deepEqual(
        server.requests.filter((r) => r.path.includes("/blobs/")),
        [],
      );
      assert.equal(fs.existsSync(path.join(work, "out", "index.json")), false);
    });
  }

  it("stops reading a blob body at its descriptor's size, though the registry sends on without end", async function () {
    const manifest = manifestWith([{ mediaType: "application/octet-stream", digest: LAYER_DIGEST, size: 1000 }]);
    server = await startHostileServer(
      registryServing(manifest, (req, res) => {
        if (req.url?.includes(MediaTypes.OCI_EMPTY_DIGEST)) {
          res.writeHead(200, { "Content-Length": 2 }).end("{}");
          return;
        }
        // No Content-Length: only the descriptor's size bounds the read.
        res.writeHead(200);
        streamEndlessly(res, Buffer.alloc(64 * 1024, 1));
      }),
    );
    const out = path.join(work, "out");
    await assert.rejects(
      client(server).pullImage("app", "v1", out),
      (error: unknown) => error instanceof DigestValidationError && /more than 1000 bytes/.test(error.message),
    );
    assert.ok(server.bytesWritten < 64 * 1024 * 1024, `the client read on: ${server.bytesWritten} bytes written`);
    assert.deepEqual(
      fs.readdirSync(path.join(out, "blobs", "sha256")).filter((f) => !f.startsWith(MediaTypes.OCI_EMPTY_DIGEST.slice(7))),
      [],
    );
  });

  it("refuses an index entry whose digest climbs out of the repository, before asking for it", async function () {
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaTypes.OCI_INDEX,
        manifests: [{ mediaType: MediaTypes.OCI_MANIFEST, digest: "sha256:../../../v2/other/manifests/x", size: 10 }],
      }),
    );
    server = await startHostileServer(registryServing(index, (_req, res) => res.writeHead(500).end(), MediaTypes.OCI_INDEX));
    await assert.rejects(
      copyContent(client(server).repositoryStore("app"), new OciLayoutStore(path.join(work, "out")), "v1"),
      // The index is refused as it arrives (registry/manifests.ts checks every entry), before the copy walks it.
      (error: unknown) => error instanceof InvalidRegistryResponseError && error.field === "manifests[0].digest",
    );
    assert.deepEqual(
      server.requests.map((r) => r.path),
      ["/v2/app/manifests/v1"],
    );
  });
});
