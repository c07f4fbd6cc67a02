// The `created` date of an image's config, for manifest rows on registries
// that report no times (plain OCI): read only for the rows VS Code asks to
// show, a few at a time (the client caches configs by digest, so a row shown
// again costs nothing), and used to sort the rows loaded so far.

import type { ManifestScope } from "./scope";

/** Config reads in flight at once, over the whole tree. */
const IN_FLIGHT = 4;

let active = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (active >= IN_FLIGHT) {
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  active++;
  try {
    return await work();
  } finally {
    active--;
    waiting.shift()?.();
  }
}

/** The config's `created`, or undefined (not an image, no date, unreadable: the row just shows none). */
export async function readCreatedDate(scope: ManifestScope): Promise<Date | undefined> {
  return slot(async () => {
    try {
      const client = await scope.client();
      const { config } = await client.getImageConfig(scope.repository, scope.digest);
      const date = typeof config.created === "string" ? new Date(config.created) : undefined;
      return date && !Number.isNaN(date.getTime()) ? date : undefined;
    } catch (error) {
      scope.tree.log.warn(`No created date for ${scope.repository}@${scope.digest}: ${(error as Error).message}`);
      return undefined;
    }
  });
}

/** A parent whose loaded rows may be sorted by created date (the repository node). */
export interface CreatedSortedParent {
  readonly sortedByCreated: boolean;
}

export function isCreatedSortedParent(node: unknown): node is CreatedSortedParent {
  return typeof node === "object" && node !== null && "sortedByCreated" in node;
}

/** Newest first; rows without a date (not read yet, or none) last, in their listing order. */
export function byCreatedDescending<T>(rows: readonly T[], created: (row: T) => Date | undefined): T[] {
  return rows
    .map((row, index) => ({ row, index, time: created(row)?.getTime() }))
    .sort((a, b) => (b.time ?? -Infinity) - (a.time ?? -Infinity) || a.index - b.index)
    .map((entry) => entry.row);
}
