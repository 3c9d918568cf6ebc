import type { TokenOwner } from "./api/userapi.js";

/**
 * Recent access-token lookups, by token hash. Every authenticated request looks its token
 * up, so a hit saves a database round trip. Entries live briefly and are dropped at once
 * when this process logs a device out; the lifetime bounds how long another userapi
 * replica could still accept a token this one revoked.
 */
export class TokenCache {
  private readonly entries = new Map<string, { owner: TokenOwner; expires: number }>();

  constructor(
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(hash: Buffer): TokenOwner | undefined {
    const key = hash.toString("hex");
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.owner;
  }

  set(hash: Buffer, owner: TokenOwner): void {
    // Maps iterate in insertion order, so the first key is the oldest entry.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(hash.toString("hex"), { owner, expires: this.now() + this.ttlMs });
  }

  delete(hashes: Iterable<Buffer>): void {
    for (const hash of hashes) this.entries.delete(hash.toString("hex"));
  }
}
