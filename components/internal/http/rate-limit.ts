import type Koa from "koa";
import type { RequestState } from "./app.js";
import { MatrixError } from "./matrix-error.js";

/** How many requests may come at once (`burst`) and how fast the allowance refills. */
export interface RateLimitPolicy {
  readonly burst: number;
  readonly perSecond: number;
}

/** A token bucket: holds up to `burst` tokens, refilled continuously at `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private updated: number;

  constructor(
    private readonly policy: RateLimitPolicy,
    now: number,
  ) {
    this.tokens = policy.burst;
    this.updated = now;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.policy.burst, this.tokens + ((now - this.updated) / 1000) * this.policy.perSecond);
    this.updated = now;
  }

  /** Takes one token: 0 if there was one, else the milliseconds until there will be. */
  take(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.policy.perSecond) * 1000);
  }

  /** Gives back a token taken for something that turned out not to count. */
  giveBack(now: number): void {
    this.refill(now);
    this.tokens = Math.min(this.policy.burst, this.tokens + 1);
  }

  /** Whether the bucket is full again, so forgetting it changes nothing. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.policy.burst;
  }
}

/** One token bucket per key (an IP address, a user ID), forgetting the ones that refilled. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly policy: RateLimitPolicy,
    private readonly now: () => number = Date.now,
    private readonly sweepAbove = 10_000,
  ) {}

  /** 0 when `key` may proceed, else how many milliseconds it should wait. */
  check(key: string): number {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.sweepAbove) this.sweep(now);
      bucket = new TokenBucket(this.policy, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  /** Gives back the token `check` took for `key`. */
  giveBack(key: string): void {
    this.buckets.get(key)?.giveBack(this.now());
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }
}

export const limitExceeded = (retryAfterMs: number, message = "Too many requests") =>
  new MatrixError(429, "M_LIMIT_EXCEEDED", message, { retry_after_ms: retryAfterMs });

/**
 * One allowance for a class of requests (logins, writes), per client IP and, once a route
 * has authenticated the request (`ctx.state.user`), per user: 429 M_LIMIT_EXCEEDED with
 * `retry_after_ms` (and Retry-After, set by the error renderer). Each instance has its own
 * buckets. `enabled: false` (`rate_limit.enabled`) lets everything through.
 */
export class RequestRateLimit {
  private readonly perIp: RateLimiter | null;
  private readonly perUser: RateLimiter | null;

  constructor(policy: RateLimitPolicy, enabled: boolean, now: () => number = Date.now) {
    this.perIp = enabled ? new RateLimiter(policy, now) : null;
    this.perUser = enabled ? new RateLimiter(policy, now) : null;
  }

  /** Spends one request of the allowance, or throws the 429. */
  spend(ctx: Koa.Context): void {
    if (!this.perIp || !this.perUser) return;
    const user = (ctx.state as RequestState).user;
    const wait = Math.max(this.perIp.check(ctx.ip), user ? this.perUser.check(user.userId) : 0);
    if (wait > 0) throw limitExceeded(wait);
  }

  /** Middleware spending one request of the allowance for every request of its routes. */
  readonly middleware: Koa.Middleware = async (ctx, next) => {
    this.spend(ctx);
    await next();
  };
}

/** Middleware with an allowance of its own (see RequestRateLimit). */
export function rateLimit(policy: RateLimitPolicy, enabled: boolean, now: () => number = Date.now): Koa.Middleware {
  return new RequestRateLimit(policy, enabled, now).middleware;
}
