// uploadBlob given a file the way the Azure SDK's README writes it
// (`fs.createReadStream(path)`) or as a path (issue 12): read as a reopenable
// file source (large reads, one streaming PATCH hashed on the way), so a
// broken connection resumes instead of failing the upload.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type FaultProxy, startFaultProxy } from "../fixtures/faultProxy";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { clientFor, randomBytes, readAll, sha256 } from "./helpers";

const REPOSITORY = "perf/uploads";
const UPLOADS = /^\/v2\/perf\/uploads\/blobs\/uploads\//;

describe("uploadBlob of a file stream or path (through the fault proxy)", function () {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let dir: string;
  let bytes: Buffer;
  let file: string;

  before(async function () {
    registry = await startRegistry({ auth: "anonymous" });
    proxy = await startFaultProxy(registry.url);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "file-uploads-"));
    bytes = randomBytes(3 * 1024 * 1024 + 11);
    file = path.join(dir, "layer.bin");
    fs.writeFileSync(file, bytes);
  });

  after(async function () {
    await proxy?.close();
    await registry?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(function () {
    proxy.requests.length = 0;
  });

  function client(): ReturnType<typeof clientFor> {
    return clientFor({ ...registry, url: proxy.url });
  }

  function uploadRequests(): string[] {
    return proxy.requests.filter((r) => UPLOADS.test(r.path)).map((r) => `${r.method} ${r.status ?? r.fault}`);
  }

  async function assertStored(digest: string): Promise<void> {
    assert.equal(digest, sha256(bytes));
    const { content } = await clientFor(registry).downloadBlob(REPOSITORY, digest);
    assert.ok((await readAll(content)).equals(bytes));
  }

  for (const [name, data] of [
    ["fs.createReadStream(path)", () => fs.createReadStream(file)],
    ["a path", () => file],
  ] as const) {
    it(`sends ${name} as one streaming PATCH with its whole Content-Range, then the PUT`, async function () {
      const progress: (number | undefined)[] = [];
      const result = await client().uploadBlob(REPOSITORY, data(), { onProgress: (p) => progress.push(p.totalBytes) });
      assert.equal(result.sizeInBytes, bytes.length);
      await assertStored(result.digest);
      assert.deepEqual(uploadRequests(), ["POST 202", "PATCH 202", "PUT 201"]);
      const patch = proxy.requests.find((r) => r.method === "PATCH")!;
      assert.equal(patch.headers["content-range"], `0-${bytes.length - 1}`);
      assert.equal(patch.headers["content-length"], String(bytes.length));
      assert.ok(
        progress.every((total) => total === bytes.length),
        "the size is known from the start",
      );
    });
  }

  it("resumes an fs.createReadStream upload whose PATCH was reset (a one-shot stream could not)", async function () {
    proxy.inject({ method: "PATCH", path: UPLOADS, fault: { kind: "resetRequest", afterBytes: 0 } });
    const result = await client().uploadBlob(REPOSITORY, fs.createReadStream(file));
    await assertStored(result.digest);
    assert.deepEqual(uploadRequests(), ["POST 202", "PATCH resetRequest", "GET 204", "PATCH 202", "PUT 201"]);
  });

  it("restarts in a new session when the registry dropped the one a reset PATCH broke", async function () {
    proxy.inject({ method: "PATCH", path: UPLOADS, fault: { kind: "resetRequest", afterBytes: 700_000 } });
    const result = await client().uploadBlob(REPOSITORY, file);
    await assertStored(result.digest);
    assert.deepEqual(
      uploadRequests().filter((r) => !r.startsWith("DELETE")),
      ["POST 202", "PATCH resetRequest", "GET 404", "POST 202", "PATCH 202", "PUT 201"],
    );
  });

  it("still streams a file stream with a start offset as it is (one-shot: its window only)", async function () {
    const result = await client().uploadBlob(REPOSITORY, fs.createReadStream(file, { start: 1000 }));
    assert.equal(result.digest, sha256(bytes.subarray(1000)));
    const patch = proxy.requests.find((r) => r.method === "PATCH")!;
    assert.equal(patch.headers["content-range"], undefined, "a one-shot stream has no known range");
  });

  it("reports a missing file as the file system's error, with nothing sent and no stray error event", async function () {
    const missing = path.join(dir, "missing.bin");
    await assert.rejects(client().uploadBlob(REPOSITORY, fs.createReadStream(missing)), { code: "ENOENT" });
    await assert.rejects(client().uploadBlob(REPOSITORY, missing), { code: "ENOENT" });
    await assert.rejects(client().uploadBlob(REPOSITORY, dir), /not a regular file/);
    assert.deepEqual(uploadRequests(), []);
  });
});
