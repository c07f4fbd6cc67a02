// The paging state machine of a node with a long child list: first page on
// expansion, further pages on "Load more…", a kept failure until retry, and a
// reset (refresh) that drops pages still being read.

import type { ContinuablePage, PageSettings } from "../../client/index";
import type { TreeNode } from "./treeNode";

/**
 * Children fetched one page per request (`byPage({ maxPageSize, continuationToken })`).
 * Nothing beyond the first page is fetched until `loadMore` is called (the
 * "Load more…" node). A failure is kept, shown as an error node, and cleared by `retry`.
 */
export class PagedChildren<T extends TreeNode> {
  private nodes: T[] = [];
  private continuationToken?: string;
  private firstPageLoaded = false;
  private loading?: Promise<void>;
  /** Bumped by `reset`: a load started before it neither applies its page nor clears the newer load. */
  private generation = 0;
  error?: unknown;

  /**
   * @param merge Called when a later page repeats an item already listed (same
   * id), with the node kept and the repeated one: e.g. a digest whose tags
   * span two tag pages. Without it the repeat is dropped.
   */
  constructor(
    private readonly fetchPage: (settings: PageSettings) => Promise<ContinuablePage<T>>,
    private readonly pageSize: () => number,
    private readonly merge?: (existing: T, repeated: T) => void,
  ) {}

  get items(): readonly T[] {
    return this.nodes;
  }

  get hasMore(): boolean {
    return this.firstPageLoaded && this.continuationToken !== undefined;
  }

  get loaded(): boolean {
    return this.firstPageLoaded;
  }

  /** Loads the first page once (no-op after that, or while a failure is shown). */
  async ensureLoaded(): Promise<void> {
    if (!this.firstPageLoaded && this.error === undefined) {
      await this.load();
      // Reset while that page was read: answer with the new list rather than with nothing.
      if (!this.firstPageLoaded && this.error === undefined) {
        await this.load();
      }
    }
  }

  /** Appends the next page. */
  async loadMore(): Promise<void> {
    if (this.hasMore) {
      await this.load();
    }
  }

  retry(): Promise<void> {
    this.error = undefined;
    return this.firstPageLoaded ? this.loadMore() : this.ensureLoaded();
  }

  reset(): void {
    this.generation++;
    this.nodes = [];
    this.continuationToken = undefined;
    this.firstPageLoaded = false;
    this.error = undefined;
    this.loading = undefined;
  }

  remove(node: TreeNode): boolean {
    const before = this.nodes.length;
    this.nodes = this.nodes.filter((n) => n !== node && n.id !== node.id);
    return this.nodes.length !== before;
  }

  private load(): Promise<void> {
    if (!this.loading) {
      // Reactions run asynchronously, so `loading` is assigned before the check in finally.
      const loading: Promise<void> = this.fetchAndApply(this.generation).finally(() => {
        if (this.loading === loading) {
          this.loading = undefined;
        }
      });
      this.loading = loading;
    }
    return this.loading;
  }

  private async fetchAndApply(generation: number): Promise<void> {
    try {
      const page = await this.fetchPage({ maxPageSize: this.pageSize(), continuationToken: this.continuationToken });
      if (generation !== this.generation) {
        return; // reset (a refresh) while this page was read: it belongs to the list that was dropped
      }
      // A registry may repeat an item across pages (a plain registry lists a digest once per
      // tag page holding one of its tags): ids stay unique, and the repeat merges into the node shown.
      const known = new Map(this.nodes.map((n) => [n.id, n]));
      const added: T[] = [];
      for (const node of page) {
        const existing = known.get(node.id);
        if (existing) {
          this.merge?.(existing, node);
        } else {
          known.set(node.id, node);
          added.push(node);
        }
      }
      this.nodes = [...this.nodes, ...added];
      this.continuationToken = page.continuationToken;
      this.firstPageLoaded = true;
      this.error = undefined;
    } catch (error) {
      if (generation === this.generation) {
        this.error = error;
      }
    }
  }
}
