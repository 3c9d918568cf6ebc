/**
 * A Map that forgets its least recently used entries beyond `capacity`. Hits are cheap:
 * an entry moves to the young end only when it has aged past half the capacity, so hot
 * entries are not re-inserted on every read.
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, { value: V; stamp: number }>();
  private clock = 0;

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    if (this.clock - entry.stamp > this.capacity / 2) {
      this.map.delete(key);
      entry.stamp = ++this.clock;
      this.map.set(key, entry);
    }
    return entry.value;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, { value, stamp: ++this.clock });
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
