// Reading one page of a client list at a time: the tree and the quick picks
// fetch the next page with a new call that carries the continuation token.

import type { ContinuablePage } from "../client/index";

/** The first page of a client's paged list. */
export async function firstPage<T>(pages: AsyncIterableIterator<ContinuablePage<T>>): Promise<ContinuablePage<T>> {
  const result = await pages.next();
  const page = result.done ? [] : result.value;
  // Close the generator: the next page is fetched by a new call with the continuation token.
  await pages.return?.();
  return page;
}
