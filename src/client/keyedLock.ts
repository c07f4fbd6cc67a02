// Runs work for one key at a time (a repository, a subject digest) and lets
// other keys run in parallel. Used where the library does a read-modify-write
// on the registry that two calls from this client must not interleave.

export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    // The chain continues whether this work fails or not; the map forgets a key once its last work is done.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) {
        this.tails.delete(key);
      }
    });
    return result;
  }
}

/** One lock per owner (a RegistryHttp, so per client), created on first use. */
export function lockFor(owners: WeakMap<object, KeyedLock>, owner: object): KeyedLock {
  let lock = owners.get(owner);
  if (!lock) {
    lock = new KeyedLock();
    owners.set(owner, lock);
  }
  return lock;
}
