// The pull's writer thread (layout/hashingWriterPool.ts and
// blobWriterWorker.ts) on the real file system: bytes land in order and whole
// whatever the chunking, with O_DIRECT where the file system takes it and
// ordinary writes where a direct write is refused; chunks handed over move
// without a copy; many files on one worker never wait on each other forever;
// an aborted file is removed. Uploads start staggered (staggeredStart.ts).

import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { blobWriterWorker, type BlobWriterWorkerConfig } from "../../src/client/layout/blobWriterWorker";
import { HashingWriterPool, type WorkerFileWriter } from "../../src/client/layout/hashingWriterPool";
import { StaggeredStart } from "../../src/client/registry/staggeredStart";

const MiB = 1024 * 1024;

/** Whether `dir`'s file system opens files with O_DIRECT (ext4 and, since Linux 6.6, tmpfs do). */
function takesDirectWrites(dir: string): boolean {
  const probe = path.join(dir, ".direct-probe");
  try {
    fs.closeSync(fs.openSync(probe, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_DIRECT));
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(probe, { force: true });
  }
}

/** Whether the kernel refuses, in `dir`, a direct write whose length is not a multiple of the block size (ext4 does; tmpfs takes anything). */
function refusesMisalignedDirectWrites(dir: string): boolean {
  const probe = path.join(dir, ".misaligned-probe");
  let fd: number | undefined;
  try {
    fd = fs.openSync(probe, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_DIRECT);
    const aligned = new Uint8Array(new WebAssembly.Memory({ initial: 1 }).buffer);
    fs.writeSync(fd, aligned, 0, 1000, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EINVAL";
  } finally {
    if (fd !== undefined) {
      fs.closeSync(fd);
    }
    fs.rmSync(probe, { force: true });
  }
}

/** Writes `bytes` in chunks of varying size: whole fresh buffers (handed over) and views into a shared one (copied). */
async function writeChunked(writer: WorkerFileWriter, bytes: Buffer): Promise<void> {
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const size = Math.min(bytes.length - at, [16384, 1, 4095, 70000, 300000][i++ % 5]);
    const chunk = i % 3 === 0 ? bytes.subarray(at, at + size) : Buffer.from(bytes.subarray(at, at + size));
    writer.write(chunk, true);
    at += size;
    if (writer.saturated) {
      await writer.whenReady();
    }
  }
}

describe("pull writer thread: hashing and writing off the main thread", function () {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "blob-writer-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const direct of [true, false]) {
    it(`writes every size whole and in order, with the right digest (${direct ? "O_DIRECT where allowed" : "ordinary writes"})`, async function () {
      const pool = new HashingWriterPool(1, { maxOpenFiles: 4, direct });
      const directExpected = direct && takesDirectWrites(dir);
      try {
        for (const size of [0, 1, 4095, 4096, 4097, MiB - 1, MiB, MiB + 1, 3 * MiB + 12345]) {
          const bytes = crypto.randomBytes(size);
          const file = path.join(dir, `${direct}-${size}`);
          const writer = pool.open(file, "sha256", { batchBytes: 256 * 1024, maxBatchesInFlight: 4 });
          await writeChunked(writer, bytes);
          const hex = await writer.finish();
          assert.equal(hex, crypto.createHash("sha256").update(bytes).digest("hex"), `digest of ${size} bytes`);
          assert.ok(fs.readFileSync(file).equals(bytes), `content of ${size} bytes`);
          assert.equal(writer.wroteDirect, directExpected, `direct writes for ${size} bytes`);
        }
      } finally {
        await pool.close();
      }
    });
  }

  it("moves a whole chunk handed over (it reads as empty after) and copies a view or a chunk not handed over", async function () {
    const pool = new HashingWriterPool(1, { maxOpenFiles: 1, direct: true });
    try {
      const writer = pool.open(path.join(dir, "handover"), "sha256", { batchBytes: 1, maxBatchesInFlight: 64 });
      const whole = Buffer.from(crypto.randomBytes(5000));
      const kept = Buffer.from(crypto.randomBytes(5000));
      const shared = crypto.randomBytes(9000);
      const view = shared.subarray(1000, 6000);
      const expected = Buffer.concat([whole, kept, view]);
      writer.write(whole, true);
      writer.write(kept, false);
      writer.write(view, true);
      assert.equal(whole.length, 0, "the handed-over chunk moved to the worker");
      assert.equal(kept.length, 5000, "a chunk not handed over stays");
      assert.equal(shared.length, 9000, "a view into a larger buffer is copied, its buffer untouched");
      assert.equal(await writer.finish(), crypto.createHash("sha256").update(expected).digest("hex"));
      assert.ok(fs.readFileSync(path.join(dir, "handover")).equals(expected));
    } finally {
      await pool.close();
    }
  });

  it("writes eight files at once on one worker, interleaved, with few slots: none waits forever", async function () {
    const pool = new HashingWriterPool(1, { maxOpenFiles: 8, writesInFlight: 1, writeBytes: 4096 });
    try {
      const blobs = Array.from({ length: 8 }, (_, i) => crypto.randomBytes(200_000 + i * 7777));
      const writers = blobs.map((_, i) =>
        pool.open(path.join(dir, `interleaved-${i}`), "sha256", { batchBytes: 5000, maxBatchesInFlight: 2 }),
      );
      for (let at = 0; at < 300_000; at += 3000) {
        for (const [i, bytes] of blobs.entries()) {
          if (at < bytes.length) {
            writers[i].write(Buffer.from(bytes.subarray(at, at + 3000)), true);
            await writers[i].whenReady();
          }
        }
      }
      const digests = await Promise.all(writers.map((writer) => writer.finish()));
      for (const [i, bytes] of blobs.entries()) {
        assert.equal(digests[i], crypto.createHash("sha256").update(bytes).digest("hex"));
        assert.ok(fs.readFileSync(path.join(dir, `interleaved-${i}`)).equals(bytes));
      }
    } finally {
      await pool.close();
    }
  });

  it("removes an aborted file, and refuses to open over an existing one", async function () {
    const pool = new HashingWriterPool(1, { maxOpenFiles: 2, direct: true });
    try {
      const file = path.join(dir, "aborted");
      const writer = pool.open(file, "sha256", { batchBytes: 4096, maxBatchesInFlight: 4 });
      writer.write(crypto.randomBytes(3 * MiB), true);
      await writer.abort();
      assert.equal(fs.existsSync(file), false);

      fs.writeFileSync(path.join(dir, "taken"), "already here");
      const clash = pool.open(path.join(dir, "taken"), "sha256", { batchBytes: 4096, maxBatchesInFlight: 4 });
      await assert.rejects(clash.finish(), (error: NodeJS.ErrnoException) => error.code === "EEXIST");
      assert.equal(fs.readFileSync(path.join(dir, "taken"), "utf8"), "already here");
    } finally {
      await pool.close();
    }
  });

  it("falls back to ordinary writes, losing nothing, when the kernel refuses a direct write (EINVAL)", async function () {
    // Slots of 1000 bytes, not a multiple of the block size: ext4 refuses such direct writes
    // (a file system without O_DIRECT refuses at open instead; tmpfs takes them).
    const refused = !takesDirectWrites(dir) || refusesMisalignedDirectWrites(dir);
    const config: BlobWriterWorkerConfig = { slotBytes: 1000, maxOpenFiles: 1, writesInFlight: 2, direct: true, align: 1 };
    const worker = new Worker(`(${blobWriterWorker.toString()})(${JSON.stringify(config)})`, { eval: true });
    try {
      const bytes = crypto.randomBytes(25_000);
      const file = path.join(dir, "refused");
      const done = new Promise<{ digest: string; direct: boolean }>((resolve, reject) =>
        worker.on("message", (m: { type: string; digest: string; direct: boolean; message?: string }) => {
          if (m.type === "done") {
            resolve(m);
          } else if (m.type === "error") {
            reject(new Error(m.message));
          }
        }),
      );
      worker.postMessage({ type: "open", id: 1, path: file, algorithm: "sha256" });
      for (let at = 0; at < bytes.length; at += 3000) {
        // An exact-size copy (Buffer.from would take a small one from its shared pool).
        const part = new Uint8Array(bytes.subarray(at, at + 3000)).buffer;
        worker.postMessage({ type: "data", id: 1, parts: [part] }, [part]);
      }
      worker.postMessage({ type: "end", id: 1 });
      const result = await done;
      assert.equal(result.digest, crypto.createHash("sha256").update(bytes).digest("hex"));
      assert.equal(result.direct, !refused, refused ? "the refusal switched the file to ordinary writes" : "nothing refused");
      assert.ok(fs.readFileSync(file).equals(bytes));
    } finally {
      await worker.terminate();
    }
  });

  it("fails the files of a writer thread that dies, and opens no more on it", async function () {
    const pool = new HashingWriterPool(1, { maxOpenFiles: 2, direct: true });
    try {
      const file = path.join(dir, "orphan");
      const writer = pool.open(file, "sha256", { batchBytes: 4096, maxBatchesInFlight: 1 });
      writer.write(crypto.randomBytes(10_000), true);
      // The thread dies under the file (as an uncaught error in it would end it).
      await (pool as unknown as { workers: Worker[] }).workers[0].terminate();
      await writer.whenReady();
      await assert.rejects(writer.finish(), /writer thread stopped/);
      assert.throws(
        () => pool.open(path.join(dir, "next"), "sha256", { batchBytes: 4096, maxBatchesInFlight: 1 }),
        /writer thread stopped/,
      );
    } finally {
      await pool.close();
    }
  });
});

describe("staggered upload starts", function () {
  it("starts each upload once the one before has sent its head start, or ended", async function () {
    const line = new StaggeredStart(1000);
    const first = await line.turn(100_000);
    let secondStarted = false;
    const second = line.turn(4000).then((turn) => ((secondStarted = true), turn));
    let thirdStarted = false;
    const third = line.turn(4000).then((turn) => ((thirdStarted = true), turn));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(secondStarted, false);
    first.sent(999);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(secondStarted, false, "999 bytes is short of the 1000-byte head start");
    first.sent(1000);
    const secondTurn = await second;
    assert.equal(thirdStarted, false);
    // A small blob's head start is an eighth of it (500 bytes of 4000).
    secondTurn.sent(500);
    (await third).ended();
    assert.equal(thirdStarted, true);
    // An upload that ends (here without sending) lets the next one go.
    const fourth = line.turn(10);
    secondTurn.ended();
    first.ended();
    (await fourth).ended();
  });

  it("starts every upload at once when the head start is 0", async function () {
    const line = new StaggeredStart(0);
    const turns = await Promise.all([line.turn(100_000), line.turn(100_000), line.turn(100_000)]);
    assert.equal(turns.length, 3);
  });
});
