// One page of a registry list: the first page is `path` with `n` and any query
// the caller adds; later pages are the registry's `Link`, used as given.

import { RegistryHttp } from "../http/registryHttp";
import { nextPageUrl, withPageSize } from "../paging";
import type { PageRequest } from "./metadataDialect";

export async function fetchListPage<T>(
  http: RegistryHttp,
  path: string,
  page: PageRequest,
  operation: string,
  query: Record<string, string | undefined> = {},
): Promise<{ json: T; nextUrl?: string }> {
  let url = page.url;
  if (url === undefined) {
    const first = withPageSize(new URL(path, http.origin), page.maxPageSize);
    for (const [key, value] of Object.entries(query)) {
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
  return { json, nextUrl: nextPageUrl(response.headers.get("link"), response.url, http.origin, http.loginServer) };
}
