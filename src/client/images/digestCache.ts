// A bounded cache of content fetched by digest. Content named by a digest is
// immutable (image-spec descriptor.md "Digests"), so an entry goes stale only
// when it is deleted (the client forgets what it deletes itself); it is keyed
// by repository and digest because a registry only serves
// a digest from a repository that holds it, and evicted least recently used.
// A fetch in flight is shared, so two callers asking at once send one request.

export class DigestCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly maxEntries: number) {}

  /** The cached value for `repository@digest`, or `fetch()`'s (a failed fetch is not kept). */
  get(repository: string, digest: string, fetch: () => Promise<T>): Promise<T> {
    const key = `${repository}@${digest}`;
    const cached = this.entries.get(key);
    if (cached) {
      // Re-inserting moves the key to the end: Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const pending = fetch();
    this.entries.set(key, pending);
    pending.catch(() => {
      if (this.entries.get(key) === pending) {
        this.entries.delete(key);
      }
    });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return pending;
  }

  /** Stores a value fetched some other way (a manifest fetched by tag, once its digest is known). */
  put(repository: string, digest: string, value: T): void {
    this.get(repository, digest, () => Promise.resolve(value)).catch(() => undefined);
  }

  /** Forgets one digest of a repository, or the whole repository. */
  forget(repository: string, digest?: string): void {
    for (const key of [...this.entries.keys()]) {
      if (digest !== undefined ? key === `${repository}@${digest}` : key.startsWith(`${repository}@`)) {
        this.entries.delete(key);
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
