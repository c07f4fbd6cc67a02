// What a registry-changing tool showed the user in its confirmation, kept from
// prepareInvocation to invoke. VS Code calls both with the same input and
// invokes only after the user confirmed (in chat, or in a modal dialog when a
// caller has no chat token: LanguageModelToolsService.invokeTool), so invoke
// acts on exactly what was confirmed (the plan, the digest a tag named then)
// rather than on a fresh reading that could differ. An invoke with nothing
// prepared for its input refuses to act.

/** A confirmation not acted on within this time is forgotten (the user moved on). */
const MAX_AGE_MS = 15 * 60_000;
const MAX_ENTRIES = 32;

export class PreparedChanges<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();

  put(key: string, value: T): void {
    this.prune();
    this.entries.delete(key);
    this.entries.set(key, { value, at: Date.now() });
    while (this.entries.size > MAX_ENTRIES) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  /** The prepared change for this input, removed: one confirmation, one change. */
  take(key: string): T | undefined {
    this.prune();
    const entry = this.entries.get(key);
    this.entries.delete(key);
    return entry?.value;
  }

  private prune(): void {
    const oldest = Date.now() - MAX_AGE_MS;
    for (const [key, entry] of this.entries) {
      if (entry.at < oldest) {
        this.entries.delete(key);
      }
    }
  }
}
