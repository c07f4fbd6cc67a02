// The worker side of hashingWriterPool.ts: hashes each file's bytes in the
// order they came and writes them to disk, while the main thread keeps
// receiving.
//
// Bytes are gathered per file into slots of `slotBytes` and each full slot is
// written with one asynchronous positioned write (libuv's thread pool), so the
// worker hashes the next batch while the disk takes the last one, and several
// writes are in flight at once: small direct writes one at a time are bound
// by the disk's latency, and a worker that wrote synchronously spent most of
// a pull waiting for the disk (bench/README.md, "figures moved from source
// comments").
//
// Direct writes (O_DIRECT) take the bytes from the slot straight to the disk,
// not through the page cache. Copying into the page cache is cheap when the
// kernel hands out recycled pages, but an order of magnitude dearer when it
// hands out memory nobody touched lately: on a VM whose host takes free guest
// memory back (free page reporting), every such page faults in the host
// first. O_DIRECT skips that copy (bench/README.md). O_DIRECT asks for
// the memory, the file offset and the length to be aligned to the disk's
// logical block: slots live in WebAssembly memory (page-aligned), slot sizes
// are multiples of `align`, so every write but a file's last is aligned, and
// the last one's unaligned tail goes through the file's ordinary descriptor.
// The file is created with an ordinary descriptor first and opened a second
// time with O_DIRECT (some file systems create the file and only then refuse
// O_DIRECT, so creating with it would leave a file in the way). A file system
// that refuses O_DIRECT (EINVAL, at open or at a write) gets ordinary writes
// for the rest of the file; nothing is lost or written twice.
//
// With a receiver (http/blobReceiverWorker.ts), the thread also receives
// blobs itself: the receiver's files take the same path through the slots,
// and their events go to the receiver instead of the main thread.
//
// This function runs in the worker from its source text (see
// hashingWriterPool.ts), so it uses nothing from outside its own body but
// Node's built-in modules.

import type { ReceiverHost, ToReceiver, WriterEvent } from "../http/blobReceiverWorker";

/** What the pool tells the worker once, at start. */
export interface BlobWriterWorkerConfig {
  /** Bytes per write; a multiple of `align`. */
  slotBytes: number;
  /** Files a worker may have open at once (each holds one slot being filled). */
  maxOpenFiles: number;
  /** Slots beyond those being filled: with every open file filling one, the writes in flight. */
  writesInFlight: number;
  /** Open files with O_DIRECT where the file system allows it. */
  direct: boolean;
  /** Alignment of direct writes (memory, offset, length). */
  align: number;
}

export function blobWriterWorker(config: BlobWriterWorkerConfig, receiver?: (host: ReceiverHost) => (message: ToReceiver) => void): void {
  // The worker runs from this function's source text (hashingWriterPool.ts), where
  // no module imports exist: it requires what it needs itself.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parentPort, MessageChannel } = require("node:worker_threads") as typeof import("node:worker_threads");
  const fs = require("node:fs") as typeof import("node:fs");
  const crypto = require("node:crypto") as typeof import("node:crypto");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const port = parentPort!;
  const { slotBytes, align } = config;
  const { O_WRONLY, O_CREAT, O_EXCL, O_DIRECT } = fs.constants;

  interface OpenFile {
    id: number;
    path: string;
    hash: import("node:crypto").Hash;
    /** Without O_DIRECT: unaligned tails, and everything when there is no direct descriptor or it was refused. */
    fd: number;
    /** The same file opened with O_DIRECT, when the file system allows it. */
    directFd?: number;
    /** Still writing with O_DIRECT (false after a refusal). */
    direct: boolean;
    /** File offset of the slot being filled. */
    position: number;
    slot?: number;
    filled: number;
    writesInFlight: number;
    ending?: "end" | "abort";
    failure?: Error;
  }
  type Message =
    | { type: "open"; id: number; path: string; algorithm: string }
    | { type: "data"; id: number; parts: ArrayBuffer[]; hashed?: boolean; part?: number; offset?: number }
    | { type: "end" | "abort"; id: number };

  // Every file that has a slot being filled leaves `writesInFlight` more for
  // full slots, so a full slot always finds its way to the disk and frees up:
  // no file waits on another forever. Pages are touched (and counted in RSS)
  // only as slots are used; freed slots are reused last-in first-out.
  const slots = config.maxOpenFiles + config.writesInFlight;
  const memory = new Uint8Array(new WebAssembly.Memory({ initial: Math.ceil((slots * slotBytes) / 65536) }).buffer);
  const freeSlots = Array.from({ length: slots }, (_, i) => slots - 1 - i);
  const slotView = (slot: number, length = slotBytes): Uint8Array => memory.subarray(slot * slotBytes, slot * slotBytes + length);
  const files = new Map<number, OpenFile>();
  // Messages wait here, in order, while no slot is free.
  const queue: Message[] = [];
  // Files this thread receives itself: their events go to the receiver.
  const local = new Map<number, (event: WriterEvent) => void>();
  function report(m: WriterEvent & { id: number }): void {
    const listener = local.get(m.id);
    if (!listener) {
      port.postMessage(m);
      return;
    }
    if (m.type !== "ack") {
      local.delete(m.id);
    }
    listener(m);
  }

  function open(m: { id: number; path: string; algorithm: string }): void {
    const fd = fs.openSync(m.path, O_WRONLY | O_CREAT | O_EXCL, 0o666);
    let directFd: number | undefined;
    if (config.direct && O_DIRECT) {
      try {
        directFd = fs.openSync(m.path, O_WRONLY | O_DIRECT);
      } catch {
        // Refused (EINVAL) or otherwise unavailable: ordinary writes only.
      }
    }
    files.set(m.id, {
      id: m.id,
      path: m.path,
      hash: crypto.createHash(m.algorithm),
      fd,
      directFd,
      direct: directFd !== undefined,
      position: 0,
      filled: 0,
      writesInFlight: 0,
    });
  }

  function writeAllSync(fd: number, bytes: Uint8Array, position: number): void {
    for (let offset = 0; offset < bytes.length;) {
      offset += fs.writeSync(fd, bytes, offset, bytes.length - offset, position + offset);
    }
  }

  /** Writes the file's slot (full, or the file's last bytes) and frees it once on disk. */
  function writeSlot(file: OpenFile): void {
    const slot = file.slot!;
    const bytes = slotView(slot, file.filled);
    const position = file.position;
    file.position += file.filled;
    file.slot = undefined;
    file.filled = 0;
    let viaDirect = 0;
    if (file.direct && position % align === 0) {
      viaDirect = bytes.length - (bytes.length % align);
    }
    const rest = (from: number): void => {
      if (from < bytes.length) {
        writeAllSync(file.fd, bytes.subarray(from), position + from);
      }
    };
    file.writesInFlight++;
    const done = (error: NodeJS.ErrnoException | null, written: number): void => {
      try {
        if (error && !(error.code === "EINVAL" && viaDirect > 0)) {
          throw error;
        }
        if (viaDirect > 0 && (error || written < viaDirect)) {
          // Refused, or short: this slot and the rest of the file go the ordinary way.
          file.direct = false;
          rest(error ? 0 : written);
        } else if (viaDirect > 0) {
          // The unaligned tail of the file's last slot.
          rest(viaDirect);
        } else if (written < bytes.length) {
          rest(written);
        }
      } catch (failure) {
        file.failure ??= failure as Error;
      }
      file.writesInFlight--;
      freeSlots.push(slot);
      settle(file);
      drain();
    };
    if (viaDirect > 0) {
      fs.write(file.directFd!, bytes, 0, viaDirect, position, done);
    } else {
      fs.write(file.fd, bytes, 0, bytes.length, position, done);
    }
  }

  /** Hashes a message's parts and copies them into the file's slots; false when it has to wait for a free slot. */
  function take(file: OpenFile, m: Extract<Message, { type: "data" }>): boolean {
    if (!m.hashed) {
      for (const part of m.parts) {
        file.hash.update(new Uint8Array(part));
      }
      m.hashed = true;
    }
    for (; (m.part ??= 0) < m.parts.length; m.part++, m.offset = 0) {
      const bytes = new Uint8Array(m.parts[m.part]);
      let offset = m.offset ?? 0;
      while (offset < bytes.length) {
        if (file.slot === undefined) {
          const slot = freeSlots.pop();
          if (slot === undefined) {
            m.offset = offset;
            return false;
          }
          file.slot = slot;
        }
        const n = Math.min(slotBytes - file.filled, bytes.length - offset);
        memory.set(bytes.subarray(offset, offset + n), file.slot * slotBytes + file.filled);
        file.filled += n;
        offset += n;
        if (file.filled === slotBytes) {
          writeSlot(file);
        }
      }
    }
    return true;
  }

  // Transferring a buffer to a closed port detaches it and frees its memory at
  // once (see http/bufferRelease.ts); otherwise the parts would pile up until
  // this thread's next garbage collection, which its small heap rarely needs.
  const { port1: closedPort, port2 } = new MessageChannel();
  closedPort.close();
  port2.close();
  function free(parts: ArrayBuffer[]): void {
    try {
      closedPort.postMessage(null, parts);
    } catch {
      // Already detached: nothing to free.
    }
  }

  /** Once a file is ended (or failed) and its last write landed: close, and report. */
  function settle(file: OpenFile): void {
    if (file.writesInFlight > 0 || !(file.ending || file.failure) || !files.has(file.id)) {
      return;
    }
    if (file.failure && !file.ending) {
      // Reported now; the file is removed below. The main thread sends nothing more for it.
      report({
        type: "error",
        id: file.id,
        message: String(file.failure.message),
        code: (file.failure as NodeJS.ErrnoException).code,
      });
    }
    files.delete(file.id);
    let failure = file.failure;
    for (const fd of [file.fd, file.directFd]) {
      try {
        if (fd !== undefined) {
          fs.closeSync(fd);
        }
      } catch (error) {
        failure ??= error as Error;
      }
    }
    if (file.slot !== undefined) {
      freeSlots.push(file.slot);
      file.slot = undefined;
    }
    if (failure || file.ending === "abort") {
      try {
        fs.rmSync(file.path, { force: true });
      } catch (error) {
        failure ??= error as Error;
      }
    }
    if (file.ending === "abort") {
      report({ type: "aborted", id: file.id });
    } else if (failure && file.ending) {
      report({ type: "error", id: file.id, message: String(failure.message), code: (failure as NodeJS.ErrnoException).code });
    } else if (!failure) {
      report({ type: "done", id: file.id, digest: file.hash.digest("hex"), direct: file.direct });
    }
  }

  /** Handles one message; false when it must wait for a slot (it stays first in the queue). */
  function handle(m: Message): boolean {
    if (m.type === "open") {
      try {
        open(m);
      } catch (error) {
        report({
          type: "error",
          id: m.id,
          message: String((error as Error).message),
          code: (error as NodeJS.ErrnoException).code,
        });
      }
      return true;
    }
    const file = files.get(m.id);
    if (!file) {
      return true;
    }
    try {
      if (m.type === "data") {
        if (!file.failure && !take(file, m)) {
          return false;
        }
        free(m.parts);
        report({ type: "ack", id: m.id });
      } else {
        file.ending = m.type;
        if (m.type === "end" && file.slot !== undefined && file.filled > 0 && !file.failure) {
          writeSlot(file);
        }
      }
    } catch (error) {
      // Whatever goes wrong with one file fails that file, not the thread (and its other files).
      file.failure ??= error as Error;
    }
    settle(file);
    return true;
  }

  function drain(): void {
    while (queue.length > 0 && handle(queue[0])) {
      queue.shift();
    }
  }

  function submit(m: Message): void {
    queue.push(m);
    drain();
  }

  const toReceiver = receiver?.({
    post: (m) => port.postMessage(m),
    open: (id, path, algorithm, onEvent) => {
      local.set(id, onEvent);
      submit({ type: "open", id, path, algorithm });
    },
    write: (id, parts) => submit({ type: "data", id, parts }),
    end: (id) => submit({ type: "end", id }),
    abort: (id) => submit({ type: "abort", id }),
  });

  port.on("message", (m: Message | ToReceiver) => {
    if (m.type.startsWith("recv")) {
      toReceiver?.(m as ToReceiver);
      return;
    }
    submit(m as Message);
  });
}
