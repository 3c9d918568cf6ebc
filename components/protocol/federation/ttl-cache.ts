/** Milliseconds since the epoch; injected so cache expiry is testable without waiting. */
export type Clock = () => number;

export interface TtlCacheOptions {
  readonly now?: Clock;
  /** Bound on memory: past it the oldest-written entry is dropped. */
  readonly maxEntries?: number;
}

/** A map whose entries expire after a per-entry time to live. */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  private readonly now: Clock;
  private readonly maxEntries: number;

  constructor(options: TtlCacheOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** The live entry with its expiry, or undefined if absent or expired. */
  entry(key: K): { value: V; expiresAt: number } | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (this.now() >= e.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  get(key: K): V | undefined {
    return this.entry(key)?.value;
  }

  has(key: K): boolean {
    return this.entry(key) !== undefined;
  }

  /** A ttl of zero or less stores nothing (e.g. `Cache-Control: no-store`). */
  set(key: K, value: V, ttlMs: number): void {
    this.entries.delete(key);
    if (!(ttlMs > 0)) return;
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    // Map iterates in insertion order, so the first key is the oldest write.
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as K);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
