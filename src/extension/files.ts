// Files the extension writes itself (Save File As… of an image's file): always
// to a temporary name in the destination folder (so a rename is atomic on one
// file system), renamed only once complete, and removed on any failure or
// cancellation, so no partial file is ever left under a real name.

import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export function temporaryPath(folder: string, name: string): string {
  return path.join(folder, `.${name}.${randomBytes(6).toString("hex")}.partial`);
}

/** Removes temporary files; missing ones are fine. */
export async function removeQuietly(files: Iterable<string>): Promise<void> {
  await Promise.all([...files].map((file) => fs.promises.rm(file, { force: true }).catch(() => undefined)));
}
