import { expect } from "chai";
import { RateLimiter } from "../../../components/internal/http/rate-limit.js";
import { UserApiError } from "../../../components/userapi/api/errors.js";
import { FAILED_PASSWORD_LIMIT, PasswordAttempts } from "../../../components/userapi/accounts/password-attempts.js";

describe("failed password checks per account", () => {
  let now = 0;
  const attempts = () => new PasswordAttempts(new RateLimiter(FAILED_PASSWORD_LIMIT, () => now));
  const wrong = () => Promise.reject(new UserApiError("FORBIDDEN", "Invalid username or password"));
  const right = () => Promise.resolve("account");
  const code = (p: Promise<unknown>) =>
    p.then(
      () => "ok",
      (err: UserApiError) => err.code,
    );

  it("refuses every check, the right password too, once the account's failures are spent, until they refill", async () => {
    now = 0;
    const guard = attempts();
    for (let i = 0; i < FAILED_PASSWORD_LIMIT.burst; i++) expect(await code(guard.check("alice", wrong))).to.equal("FORBIDDEN");
    const limited = await guard.check("alice", right).catch((err: UserApiError) => err);
    expect(limited).to.be.instanceOf(UserApiError).with.property("code", "LIMIT_EXCEEDED");
    expect((limited as UserApiError).retryAfterMs).to.be.greaterThan(0);
    expect(await code(guard.check("bob", right))).to.equal("ok");
    now += (limited as UserApiError).retryAfterMs!;
    expect(await code(guard.check("alice", right))).to.equal("ok");
  });

  it("does not count right passwords, or failures that are not a wrong password", async () => {
    now = 0;
    const guard = attempts();
    for (let i = 0; i < 3 * FAILED_PASSWORD_LIMIT.burst; i++) expect(await code(guard.check("carol", right))).to.equal("ok");
    const outage = () => Promise.reject(new Error("database down"));
    for (let i = 0; i < 3 * FAILED_PASSWORD_LIMIT.burst; i++) await guard.check("carol", outage).catch(() => {});
    expect(await code(guard.check("carol", wrong))).to.equal("FORBIDDEN");
  });

  it("counts a check while it runs, so concurrent guesses cannot outnumber the allowance", async () => {
    now = 0;
    const guard = attempts();
    const results = await Promise.all(Array.from({ length: 20 }, () => code(guard.check("dave", wrong))));
    expect(results.filter((r) => r === "FORBIDDEN")).to.have.length(FAILED_PASSWORD_LIMIT.burst);
    expect(results.filter((r) => r === "LIMIT_EXCEEDED")).to.have.length(20 - FAILED_PASSWORD_LIMIT.burst);
  });
});
