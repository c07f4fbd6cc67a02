// Listing repository names by prefix (docs/protocols.md#oci-listing). A sorted
// catalog answers names after `last`, so the first request can start just
// before the prefix and the listing can stop at the first name past it. Two
// orders are in use: plain string order (the spec's "lexical order", ACR) and
// distribution's path-component order, where '/' sorts before every other
// character (its catalog walk compares with '/' read as '\0'), so `team/app`
// comes before `team-x`. The start and the stop below are chosen to be right
// in both orders; a registry whose catalog order is not known is read page by
// page from the beginning and filtered.

import type { FetchedPage } from "../paging";
import type { CatalogPage, MetadataDialect, PageRequest } from "./metadataDialect";

/** The longest repository name there is (reference.ts): padding `last=` to it leaves nothing between it and the prefix. */
const MAX_NAME_LENGTH = 255;

/** The characters of a repository name, in plain string order. */
const NAME_CHARACTERS = "-./0123456789_abcdefghijklmnopqrstuvwxyz";

/**
 * The `last=` value to start a sorted catalog at, just before every name that
 * starts with `prefix`, in plain and in path-component order alike; undefined
 * for the empty prefix (start at the beginning).
 *
 * It is the prefix with its last character replaced by the character before
 * it, padded with 'z' (the greatest name character in both orders) to the
 * longest possible name, so that no name between it and the prefix exists.
 * Where the two orders disagree on the character before (for '-', '/' and
 * '0': '/' comes first in path order, between '.' and '0' in plain order) the
 * value is the prefix without its last character, a proper prefix of every
 * name wanted and so before them in any order.
 */
export function catalogStartAfter(prefix: string): string | undefined {
  if (prefix.length === 0) {
    return undefined;
  }
  const head = prefix.slice(0, -1);
  const last = prefix[prefix.length - 1];
  if (last === "-" || last === "/" || last === "0") {
    return head.length > 0 ? head : undefined;
  }
  const before = NAME_CHARACTERS[NAME_CHARACTERS.indexOf(last) - 1];
  return (head + before).padEnd(MAX_NAME_LENGTH, "z");
}

/** Plain string order. */
function comparePlain(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Distribution's order: path components compared one by one ('/' as '\0'). */
function comparePath(a: string, b: string): number {
  return comparePlain(a.replaceAll("/", "\0"), b.replaceAll("/", "\0"));
}

/**
 * Whether `name` comes after every name that starts with `prefix` in both
 * orders: the names with a prefix are contiguous in either order, starting at
 * the prefix itself, so a name past the prefix that does not start with it is
 * past them all.
 */
export function isPastPrefix(name: string, prefix: string): boolean {
  return !name.startsWith(prefix) && comparePlain(name, prefix) > 0 && comparePath(name, prefix) > 0;
}

/**
 * One page of the names starting with `prefix`. The first page is asked with
 * `last=` just before the prefix; when the answer says the catalog's order is
 * not known, it is asked again from the beginning and the listing reads every
 * page. Later pages follow the registry's `Link`, and end early at a name past
 * the prefix when the registry sorts.
 */
export async function fetchPrefixPage(dialect: MetadataDialect, prefix: string, page: PageRequest): Promise<FetchedPage<string>> {
  let fetched: CatalogPage;
  if (page.url === undefined) {
    fetched = await dialect.listRepositoryNames({ ...page, startAfter: catalogStartAfter(prefix) });
    if (!fetched.sortedByName && catalogStartAfter(prefix) !== undefined) {
      fetched = await dialect.listRepositoryNames(page);
    }
  } else {
    fetched = await dialect.listRepositoryNames(page);
  }
  const items = fetched.items.filter((name) => name.startsWith(prefix));
  const ended = fetched.sortedByName && fetched.items.some((name) => isPastPrefix(name, prefix));
  return { items, listed: fetched.listed ?? fetched.items.length, nextUrl: ended ? undefined : fetched.nextUrl };
}
