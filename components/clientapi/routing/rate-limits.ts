import type { RateLimitPolicy } from "../../internal/http/rate-limit.js";

/**
 * The clientapi's allowances, per client IP and per user. Logging in and registering are
 * costly (a password hash each) and what brute-forcing looks like, so they get little;
 * writes get enough for a busy client's bursts. Reads are not limited.
 */
export const AUTH_RATE_LIMIT: RateLimitPolicy = { burst: 10, perSecond: 0.5 };
export const WRITE_RATE_LIMIT: RateLimitPolicy = { burst: 50, perSecond: 10 };
