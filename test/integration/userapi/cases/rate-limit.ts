import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { TestClient, uniqueName } from "../../../../testing/test-client.js";

/** Rate limiting on (the default): per client IP on logins, per user on writes. */
export function rateLimitCases(server: () => Deployment): void {
  it("answers 429 M_LIMIT_EXCEEDED with retry_after_ms and Retry-After once a client's login allowance is spent", async () => {
    const hammering = new TestClient(server().baseUrl);
    // A new user name each time: what is limited here is the client, not an account.
    const body = () => ({ type: "m.login.password", user: uniqueName("nobody"), password: "guess" });
    let limited: Awaited<ReturnType<TestClient["request"]>> | undefined;
    // The allowance is 10, then one per 2 s: 40 leaves room for a slow machine.
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await hammering.request("POST", "/login", { spec: "/login", body: body() });
      if (res.status === 429) limited = res;
      else expect(res.status).to.equal(403);
    }
    expect(limited, "no 429 within 40 logins").to.not.equal(undefined);
    expect(limited!.body.errcode).to.equal("M_LIMIT_EXCEEDED");
    expect(limited!.body.retry_after_ms).to.be.a("number").greaterThan(0);
    expect(Number(limited!.headers.get("Retry-After"))).to.be.at.least(1);
    // Another client (another IP) is not affected.
    await new TestClient(server().baseUrl).expectError("POST", "/login", 403, "M_FORBIDDEN", { spec: "/login", body: body() });
  });

  it("limits one user's writes, whatever address they come from", async () => {
    const c = await new TestClient(server().baseUrl).register(uniqueName("writer"));
    // Writes refused at once (another user's account data): the limit is checked before
    // the handler, and they cost the server no database write, so they come faster than
    // the allowance refills even on a busy machine. 100 at once, each from a new client
    // object: a new IP, the same access token.
    const path = `/user/${encodeURIComponent(`@someone-else:${server().serverName}`)}/account_data/org.example.counter`;
    const statuses = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const from = new TestClient(server().baseUrl);
        from.accessToken = c.accessToken;
        return (await from.request("PUT", path, { spec: "/user/{userId}/account_data/{type}", body: { i } })).status;
      }),
    );
    expect(statuses, "no 429 within 100 writes").to.include(429);
    expect(statuses.filter((s) => s !== 429 && s !== 403)).to.deep.equal([]);
    // Reads are not limited.
    await c.expectOk("GET", "/account/whoami", { spec: "/account/whoami" });
  });
}
