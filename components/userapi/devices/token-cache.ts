import type { TokenOwner } from "../api/userapi.js";
import { hashAccessToken } from "./tokens.js";

export interface TokenCacheOptions {
  /** How long an entry lives if no revocation drops it first: a backstop, not the mechanism. */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/**
 * Recent access-token lookups, keyed by the token's SHA-256 (a raw token is never kept).
 * Every authenticated request looks its token up, so a hit saves a database query in the
 * userapi and a gRPC round trip in a process that reaches the userapi remotely. Entries are
 * dropped when the userapi announces that their tokens were revoked (token-revocations.ts);
 * the cache serves nothing while it may be missing those announcements (`enable`,
 * `disable`). Only positive answers are kept: an unknown token stays a lookup each time.
 */
export class TokenCache {
  private readonly entries = new Map<string, { owner: TokenOwner; expires: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private enabled = false;
  /** Counts revocations and resets, so a lookup can tell whether one happened while it ran. */
  private generation = 0;

  constructor(options: TokenCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The token's owner from the cache, or from `load` (given the token's hash), whose
   * positive answer is then kept. An answer is not kept if a revocation arrived while `load`
   * ran: it may predate the revocation of this very token.
   */
  async lookup(accessToken: string, load: (hash: Buffer) => Promise<TokenOwner | null>): Promise<TokenOwner | null> {
    const hash = hashAccessToken(accessToken);
    const key = hash.toString("hex");
    const hit = this.get(key);
    if (hit) return hit;
    const generation = this.generation;
    const owner = await load(hash);
    if (owner && this.enabled && generation === this.generation) this.set(key, owner);
    return owner;
  }

  /** Drops the entries of revoked tokens, and any lookup of them in flight. */
  delete(hashes: Iterable<Uint8Array>): void {
    this.generation++;
    for (const hash of hashes) this.entries.delete(Buffer.from(hash).toString("hex"));
  }

  /** Starts caching: revocations reach `delete` from now on. */
  enable(): void {
    this.enabled = true;
  }

  /** Forgets everything and caches nothing until `enable`: revocations may be missed meanwhile. */
  disable(): void {
    this.enabled = false;
    this.clear();
  }

  /** Forgets everything, including lookups in flight. */
  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private get(key: string): TokenOwner | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= this.now()) return undefined;
    // Re-inserted, so the Map's order is least recently used first.
    this.entries.set(key, entry);
    return entry.owner;
  }

  private set(key: string, owner: TokenOwner): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { owner, expires: this.now() + this.ttlMs });
  }
}
