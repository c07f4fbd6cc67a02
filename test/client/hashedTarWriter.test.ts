// The cache writer of a layer's uncompressed tar (hashedTarWriter.ts): the
// bytes on disk and the diff_id are those of every chunk written, in order,
// whether the hash ran on the hashing worker (more than one batch) or here,
// and a closed writer leaves no write running.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { HashedTarWriter } from "../../src/client/imageFiles/hashedTarWriter";
import { sharedHasher } from "../../src/client/offThreadHash";
import { randomBytes, sha256 } from "./helpers";

const MiB = 1024 * 1024;

describe("HashedTarWriter", function () {
  let root: string;

  beforeEach(function () {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "hashed-tar-writer-"));
  });

  afterEach(function () {
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** Writes `bytes` in chunks of the given sizes (cycled), keeping each chunk's memory in the caller's hands. */
  async function writeAll(bytes: Buffer, hash: boolean, chunkSizes: number[]): Promise<{ onDisk: Buffer; diffId?: string }> {
    const target = path.join(root, `layer-${Math.random().toString(36).slice(2)}.tar`);
    const file = await fs.promises.open(target, "wx", 0o600);
    const writer = new HashedTarWriter(file, hash);
    let diffId: string | undefined;
    try {
      let at = 0;
      for (let i = 0; at < bytes.length; i++) {
        const size = chunkSizes[i % chunkSizes.length];
        const chunk = Buffer.from(bytes.subarray(at, at + size));
        await writer.write(chunk);
        // The writer copied it: changing the chunk now changes neither the file nor the digest.
        chunk.fill(0);
        at += size;
      }
      diffId = await writer.finish();
    } finally {
      await file.close();
    }
    return { onDisk: fs.readFileSync(target), diffId };
  }

  it("writes and hashes many batches on the worker, in order, whatever the chunk sizes", async function () {
    const bytes = randomBytes(7 * MiB + 4321);
    const { onDisk, diffId } = await writeAll(bytes, true, [1, 512, 65_536, 3 * MiB + 7, MiB, 100_000]);
    assert.ok(onDisk.equals(bytes));
    assert.equal(diffId, sha256(bytes));
    assert.equal(sharedHasher().openJobs, 0);
  });

  it("hashes a tar of less than one batch on this thread", async function () {
    const bytes = randomBytes(MiB - 1);
    const { onDisk, diffId } = await writeAll(bytes, true, [200_000]);
    assert.ok(onDisk.equals(bytes));
    assert.equal(diffId, sha256(bytes));
  });

  it("hashes exactly one full batch, and an empty tar", async function () {
    const one = randomBytes(MiB);
    const full = await writeAll(one, true, [MiB]);
    assert.ok(full.onDisk.equals(one));
    assert.equal(full.diffId, sha256(one));
    const empty = await writeAll(Buffer.alloc(0), true, [1]);
    assert.equal(empty.onDisk.length, 0);
    assert.equal(empty.diffId, sha256(Buffer.alloc(0)));
  });

  it("only writes when asked not to hash (an uncompressed layer)", async function () {
    const bytes = randomBytes(5 * MiB + 1);
    const { onDisk, diffId } = await writeAll(bytes, false, [300_000]);
    assert.ok(onDisk.equals(bytes));
    assert.equal(diffId, undefined);
  });

  it("stops on close: the hashing job is dropped, no write is left running, and later writes fail", async function () {
    const target = path.join(root, "closed.tar");
    const file = await fs.promises.open(target, "wx", 0o600);
    const writer = new HashedTarWriter(file, true);
    await writer.write(randomBytes(2 * MiB + 5));
    await writer.close();
    assert.equal(sharedHasher().openJobs, 0);
    await assert.rejects(writer.write(randomBytes(10)), /closed/);
    await file.close();
    assert.ok(fs.statSync(target).size <= 2 * MiB);
  });
});
