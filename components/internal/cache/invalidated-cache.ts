import { LruMap } from "./lru-map.js";

/**
 * Values read from the database, kept until whoever changes them says so (`invalidate`,
 * after the change committed). A read that was under way when its key was invalidated may
 * have seen the old value, so its result is returned but not kept: nothing stale stays.
 */
export class InvalidatedCache<K, V> {
  private readonly values: LruMap<K, V>;
  /** Reads in progress per key, each marked stale if the key is invalidated meanwhile. */
  private readonly reading = new Map<K, Set<{ stale: boolean }>>();

  constructor(capacity: number) {
    this.values = new LruMap(capacity);
  }

  async get(key: K, load: () => Promise<V>): Promise<V> {
    const found = await this.getMany([key], async () => new Map([[key, await load()]]));
    return found.get(key)!;
  }

  /**
   * The values of `keys`: those held, and those `load` reads for the rest in one go. A key
   * `load` leaves out has no value to keep (it is not in the result).
   */
  async getMany(keys: readonly K[], load: (missing: K[]) => Promise<Map<K, V>>): Promise<Map<K, V>> {
    const out = new Map<K, V>();
    const missing: K[] = [];
    for (const key of keys) {
      const held = this.values.get(key);
      if (held === undefined) missing.push(key);
      else out.set(key, held);
    }
    if (missing.length === 0) return out;
    const reads = missing.map((key) => this.startRead(key));
    try {
      const loaded = await load(missing);
      missing.forEach((key, i) => {
        if (!loaded.has(key)) return;
        const value = loaded.get(key)!;
        if (!reads[i]!.stale) this.values.set(key, value);
        out.set(key, value);
      });
      return out;
    } finally {
      missing.forEach((key, i) => this.endRead(key, reads[i]!));
    }
  }

  invalidate(key: K): void {
    this.values.delete(key);
    for (const read of this.reading.get(key) ?? []) read.stale = true;
  }

  private startRead(key: K): { stale: boolean } {
    const read = { stale: false };
    let reads = this.reading.get(key);
    if (!reads) this.reading.set(key, (reads = new Set()));
    reads.add(read);
    return read;
  }

  private endRead(key: K, read: { stale: boolean }): void {
    const reads = this.reading.get(key)!;
    reads.delete(read);
    if (reads.size === 0) this.reading.delete(key);
  }
}
