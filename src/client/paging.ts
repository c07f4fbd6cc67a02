// Paged lists in the shape of @azure/core-paging's PagedAsyncIterableIterator:
// iterate items, or `byPage({ maxPageSize, continuationToken })`. The next page
// is whatever the registry's `Link: <url>; rel="next"` says (OCI distribution
// spec, "Listing Tags" / catalog), relative or absolute, used as given.

import { createHash } from "node:crypto";
import { InvalidInputError, RegistryError, RegistryPagingError } from "./errors";
import { registryUrlProblem } from "./foreignOrigin";

export interface PageSettings {
  /** Resume from a page returned earlier (its `continuationToken`). */
  continuationToken?: string;
  /** Ask the registry for at most this many items per page (`n`). */
  maxPageSize?: number;
}

/** A page of items; `continuationToken` is absent on the last page. */
export type ContinuablePage<T> = T[] & { continuationToken?: string };

export interface PagedAsyncIterableIterator<T, TPage = ContinuablePage<T>, TPageSettings = PageSettings> {
  next(): Promise<IteratorResult<T>>;
  [Symbol.asyncIterator](): PagedAsyncIterableIterator<T, TPage, TPageSettings>;
  byPage(settings?: TPageSettings): AsyncIterableIterator<TPage>;
}

export interface FetchedPage<T> {
  items: T[];
  /** How many entries the registry's page had before the client filtered it (the empty-page guard counts these). */
  listed?: number;
  /** The next page's URL, absolute, or undefined on the last page. */
  nextUrl?: string;
}

/** Fetches one page: `url` is the continuation URL, or undefined for the first page. */
export type PageFetcher<T> = (url: string | undefined, maxPageSize: number | undefined) => Promise<FetchedPage<T>>;

/** A registry that keeps answering empty pages with a new `Link` is treated as broken after this many. */
const MAX_CONSECUTIVE_EMPTY_PAGES = 3;

/**
 * `keyOf` identifies an item (a name, a digest) so that a page repeating only
 * items already listed is noticed: a registry that serves the same items under
 * ever-new `Link` URLs makes no progress and would page until aborted.
 */
export function createPagedIterator<T>(
  fetchPage: PageFetcher<T>,
  registry: string,
  keyOf: (item: T) => string = defaultItemKey,
): PagedAsyncIterableIterator<T> {
  async function* pages(settings: PageSettings = {}): AsyncIterableIterator<ContinuablePage<T>> {
    const seen = new Set<string>();
    const listedItems = new Set<string>();
    let url = settings.continuationToken;
    let emptyPages = 0;
    do {
      const fetched = await fetchPage(url, settings.maxPageSize);
      const page = fetched.items as ContinuablePage<T>;
      emptyPages = (fetched.listed ?? page.length) === 0 ? emptyPages + 1 : 0;
      const keys = page.map(keyOf);
      if (keys.length > 0 && keys.every((key) => listedItems.has(key))) {
        throw new RegistryPagingError(`${registry} answered with a page that repeats only items already listed; stopped paging`);
      }
      for (const key of keys) {
        listedItems.add(key);
      }
      if (fetched.nextUrl !== undefined) {
        if (seen.has(fetched.nextUrl) || fetched.nextUrl === url) {
          throw new RegistryPagingError(`${registry} answered with a paging Link that loops back to a page already read`);
        }
        if (emptyPages >= MAX_CONSECUTIVE_EMPTY_PAGES) {
          throw new RegistryPagingError(`${registry} keeps answering empty pages with a next Link; stopped paging`);
        }
        seen.add(fetched.nextUrl);
        page.continuationToken = fetched.nextUrl;
      }
      url = fetched.nextUrl;
      yield page;
    } while (url !== undefined);
  }

  async function* items(): AsyncIterableIterator<T> {
    for await (const page of pages()) {
      yield* page;
    }
  }

  const iterator = items();
  const paged: PagedAsyncIterableIterator<T> = {
    next: () => iterator.next(),
    [Symbol.asyncIterator]: () => paged,
    byPage: (settings?: PageSettings) => pages(settings),
  };
  return paged;
}

/**
 * The next page's URL from a `Link` header (RFC 8288), resolved against the
 * URL that answered. Only a link on the registry's own origin is followed.
 */
export function nextPageUrl(
  linkHeader: string | undefined,
  answeredUrl: string,
  registryOrigin: string,
  registry: string,
): string | undefined {
  if (!linkHeader) {
    return undefined;
  }
  for (const part of linkHeader.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!match || !/\brel\s*=\s*"?next"?/i.test(match[2])) {
      continue;
    }
    const next = new URL(match[1], answeredUrl);
    const problem = registryUrlProblem(next, registryOrigin);
    if (problem) {
      throw new RegistryError(`${registry} answered with a paging Link the client will not use: ${problem}; not followed`);
    }
    // Stricter than the rule for other URLs: a list's next page is on the registry itself.
    if (next.origin !== registryOrigin) {
      throw new RegistryError(`${registry} answered with a paging Link to another host (${next.origin}); not followed`);
    }
    return next.toString();
  }
  return undefined;
}

/** Adds `n` to a first-page URL. */
export function withPageSize(url: URL, maxPageSize: number | undefined): URL {
  if (maxPageSize !== undefined) {
    if (!Number.isInteger(maxPageSize) || maxPageSize < 1) {
      throw new InvalidInputError("maxPageSize", String(maxPageSize), "must be a positive whole number");
    }
    url.searchParams.set("n", String(maxPageSize));
  }
  return url;
}

/** Names identify themselves; objects (tag or manifest properties) by a hash of their JSON, to keep the set small. */
function defaultItemKey(item: unknown): string {
  return typeof item === "string"
    ? item
    : createHash("sha256")
        .update(JSON.stringify(item) ?? "")
        .digest("base64");
}
