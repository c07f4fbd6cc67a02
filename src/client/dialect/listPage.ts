// One page of a registry list: the first page is `path` with `n` and any query
// the caller adds; later pages are the registry's `Link`, used as given.

import type { RegistryHttp } from "../http/registryHttp";
import { nextPageUrl, withPageSize } from "../paging";
import type { PageRequest } from "./metadataDialect";

export async function fetchListPage<T>(
  http: RegistryHttp,
  path: string,
  page: PageRequest,
  operation: string,
  query: Record<string, string | undefined> = {},
): Promise<{ json: T; url: string; nextUrl?: string; headers: { get(name: string): string | undefined } }> {
  let url = page.url;
  if (url === undefined) {
    const first = withPageSize(new URL(path, http.origin), page.maxPageSize);
    for (const [key, value] of Object.entries({ ...query, last: page.startAfter })) {
      if (value !== undefined) {
        first.searchParams.set(key, value);
      }
    }
    url = first.toString();
  }
  const { response, json } = await http.sendForJson<T>({
    method: "GET",
    url,
    operation,
    expectedStatus: [200],
    abortSignal: page.abortSignal,
  });
  return {
    json,
    url,
    nextUrl: nextPageUrl(response.headers.get("link"), response.url, http.origin, http.loginServer),
    headers: response.headers,
  };
}

/**
 * Pages a list of names on the client when the registry did not: distribution
 * 2.8 ignores `n` (and `last`) on tags/list and answers every tag at once, and
 * not in lexical order as the spec asks ("Listing Tags"). So the names are
 * sorted, the window is the names after `last`, at most `n`, and the next page
 * is the spec's own `?n=&last=` form, which a registry that pages honours too.
 */
export function windowNames(
  names: string[],
  requestUrl: string,
  nextUrl: string | undefined,
  { keepPagedAnswer = false }: { keepPagedAnswer?: boolean } = {},
): { names: string[]; nextUrl?: string } {
  const url = new URL(requestUrl);
  const n = Number(url.searchParams.get("n")) || undefined;
  const last = url.searchParams.get("last");
  // A catalog that honoured `n` is taken as answered, in its own order: the
  // `last` filter below is plain string order, and distribution's catalog is
  // in path-component order (repositoryPrefix.ts), so it would drop `team-x`
  // after `last=team/app`.
  if (keepPagedAnswer && (n === undefined || names.length <= n)) {
    return { names, nextUrl };
  }
  const sorted = [...names].sort();
  const after = last ? sorted.filter((name) => name > last) : sorted;
  if (n !== undefined && after.length > n) {
    const next = new URL(url);
    next.searchParams.set("last", after[n - 1]);
    return { names: after.slice(0, n), nextUrl: next.toString() };
  }
  return { names: after, nextUrl };
}
