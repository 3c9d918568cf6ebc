import { RateLimiter, type RateLimitPolicy } from "../../internal/http/rate-limit.js";
import { UserApiError } from "../api/errors.js";

/**
 * Wrong passwords per account, from anywhere: 5 at once, then one per 10 s (Synapse allows
 * 3, then one per ~6 s). Limits per client address cannot stop a guesser with many
 * addresses, so the account itself keeps count.
 */
export const FAILED_PASSWORD_LIMIT: RateLimitPolicy = { burst: 5, perSecond: 0.1 };

/**
 * Counts failed password checks per account, in the userapi, where every check happens:
 * logins, the m.login.password stage of user-interactive auth, and gRPC callers alike. A
 * check takes an allowance before it runs and gives it back when the password was right,
 * so concurrent guesses cannot slip past the count; once the allowance is spent, even the
 * right password is refused until it refills (otherwise the refusal would tell a guesser
 * nothing). Unknown user names are counted like real ones, so the limit does not reveal
 * which exist.
 */
export class PasswordAttempts {
  constructor(private readonly failures = new RateLimiter(FAILED_PASSWORD_LIMIT)) {}

  async check<T>(localpart: string, verify: () => Promise<T>): Promise<T> {
    const wait = this.failures.check(localpart);
    if (wait > 0) {
      throw new UserApiError("LIMIT_EXCEEDED", "Too many failed attempts to log in to this account; try again later", wait);
    }
    try {
      const result = await verify();
      this.failures.giveBack(localpart);
      return result;
    } catch (err) {
      if (!(err instanceof UserApiError && err.code === "FORBIDDEN")) this.failures.giveBack(localpart);
      throw err;
    }
  }
}
