import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { TestClient, uniqueName } from "../../../../testing/test-client.js";

const wrongLogin = () => ({ type: "m.login.password", identifier: { type: "m.id.user", user: uniqueName("nobody") }, password: "guess" });

async function lastSeenIp(c: TestClient, deviceId: string): Promise<unknown> {
  return (await c.expectOk("GET", `/devices/${deviceId}`, { spec: "/devices/{deviceId}" })).last_seen_ip;
}

/**
 * Behind a trusted proxy (the suites' servers trust loopback): the client is the nearest
 * untrusted address of X-Forwarded-For, read from the right; what a client wrote further
 * left is not believed.
 */
export function trustedProxyCases(server: () => Deployment): void {
  it("takes the client's address from the right of X-Forwarded-For, never from what the client wrote", async () => {
    const c = await new TestClient(server().baseUrl).register(uniqueName("xff"));
    const forged = "198.51.100.7";
    const login = await c.expectOk("POST", "/login", {
      spec: "/login",
      token: null,
      // The client claims to be `forged`; the proxy (loopback) appends where it came from.
      forwardedFor: `${forged}, ${c.ip}`,
      body: { type: "m.login.password", identifier: { type: "m.id.user", user: c.userId }, password: c.password },
    });
    expect(await lastSeenIp(c, login.device_id as string)).to.equal(c.ip);
  });
}

/**
 * With the default config (no trusted proxy), X-Forwarded-For is ignored: anyone can send
 * it, so it must change neither the rate limits nor `last_seen_ip` (issue 12, finding 4).
 */
export function untrustedForwardingCases(server: () => Deployment): void {
  // Every request claims a new address, as an attacker rotating them would.
  const forging = () => new TestClient(server().baseUrl);

  it("records the connecting address as last_seen_ip, not a forged X-Forwarded-For", async () => {
    const operator = Object.entries(server().cliAccounts)[0]!;
    const c = forging();
    const login = await c.expectOk("POST", "/login", {
      spec: "/login",
      token: null,
      body: { type: "m.login.password", identifier: { type: "m.id.user", user: operator[0] }, password: operator[1] },
    });
    c.accessToken = login.access_token as string;
    const seen = await lastSeenIp(c, login.device_id as string);
    expect(seen).to.not.equal(c.ip);
    expect(seen).to.be.oneOf(["127.0.0.1", "::1"]);
  });

  it("limits logins per connecting address however X-Forwarded-For rotates", async () => {
    const statuses: number[] = [];
    // The allowance is 10, then one per 2 s: 40 leaves room for a slow machine.
    for (let i = 0; i < 40 && !statuses.includes(429); i++) {
      statuses.push((await forging().request("POST", "/login", { spec: "/login", body: wrongLogin() })).status);
    }
    expect(statuses, "no 429 within 40 wrong logins").to.include(429);
  });

  it("limits registrations per connecting address however X-Forwarded-For rotates", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40 && !statuses.includes(429); i++) {
      statuses.push(
        (await forging().request("POST", "/register", { spec: "/register", token: null, body: { username: uniqueName("reg") } })).status,
      );
    }
    expect(statuses, "no 429 within 40 registrations").to.include(429);
  });
}
