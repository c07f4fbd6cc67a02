// Work over a list with at most `limit` calls in flight. After the first
// failure no new item is started; the ones in flight are waited for, so
// nothing is left running, and then the first failure is thrown.

export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  // The first failure in time: a later one may only be a consequence of it.
  let firstFailure: { error: unknown } | undefined;
  async function lane(): Promise<void> {
    while (!firstFailure && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]);
      } catch (error) {
        firstFailure ??= { error };
        return;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, lane));
  if (firstFailure) {
    throw firstFailure.error;
  }
  return results;
}

export async function forEachWithConcurrency<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  await mapWithConcurrency(items, limit, fn);
}
