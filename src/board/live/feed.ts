/**
 * Something in the database changed, in this process or another: the board's pages look
 * again. A feed says only that; the pages read what changed through the store.
 */
export interface ChangeFeed {
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
}

/** Listeners, and the hooks a feed needs to run only while someone listens. */
export class Listeners {
  private readonly set = new Set<() => void>();

  constructor(private readonly onFirst: () => void = () => undefined, private readonly onLast: () => void = () => undefined) {}

  add(listener: () => void): () => void {
    this.set.add(listener);
    if (this.set.size === 1) this.onFirst();
    return () => {
      if (this.set.delete(listener) && this.set.size === 0) this.onLast();
    };
  }

  emit(): void {
    for (const l of [...this.set]) {
      try {
        l();
      } catch {
        // One page's failure to hear must not stop the others.
      }
    }
  }

}

/** A database no other connection can see (`:memory:`): nothing to notice. */
export const silentFeed: ChangeFeed = { subscribe: () => () => undefined, close: async () => undefined };
