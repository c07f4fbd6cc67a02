// Small files written whole or not at all: a temporary name beside the target,
// renamed over it, and removed if anything fails, so a reader never sees a
// half-written file and nothing is left behind.

import { randomBytes } from "node:crypto";
import * as fs from "node:fs";

export async function writeFileAtomically(target: string, content: Uint8Array | string): Promise<void> {
  const temp = `${target}.${randomBytes(6).toString("hex")}.partial`;
  try {
    // O_EXCL: a link planted at the temporary name is not followed.
    await fs.promises.writeFile(temp, content, { flag: "wx" });
    await fs.promises.rename(temp, target);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}

const pendingUpdates = new Map<string, Promise<void>>();

/**
 * Runs read-modify-write updates of one file one after another within this
 * process (two pulls into one layout must not drop each other's index entry).
 */
export function serializeUpdates(file: string, update: () => Promise<void>): Promise<void> {
  const previous = pendingUpdates.get(file) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(update);
  pendingUpdates.set(file, next);
  void next
    .finally(() => {
      if (pendingUpdates.get(file) === next) {
        pendingUpdates.delete(file);
      }
    })
    .catch(() => undefined);
  return next;
}
