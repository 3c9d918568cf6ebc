import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { TestClient, uniqueName, type Response } from "../../../../testing/test-client.js";

const wrongLogin = (user: string) => ({ type: "m.login.password", identifier: { type: "m.id.user", user }, password: "wrong guess" });

function expectLimited(res: Response, what: string): void {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(429);
  expect(res.body.errcode).to.equal("M_LIMIT_EXCEEDED");
  expect(res.body.retry_after_ms).to.be.a("number").greaterThan(0);
}

/**
 * Password guessing is limited per account as well as per client address, and the password
 * stage of user-interactive auth counts as a login against both (issue 12, findings 4, 5).
 */
export function loginLimitCases(server: () => Deployment): void {
  const client = () => new TestClient(server().baseUrl);

  it("limits wrong passwords per account from any number of addresses, then refuses even the right one; other accounts are not touched", async () => {
    const victim = await client().register(uniqueName("victim"));
    const bystander = await client().register(uniqueName("bystander"));
    let limited: Response | undefined;
    for (let i = 0; i < 20 && !limited; i++) {
      // A new client, so a new address, every time: no per-address limit is reached.
      const res = await client().request("POST", "/login", { spec: "/login", body: wrongLogin(victim.userId) });
      if (res.status === 429) limited = res;
      else expect(res.status, JSON.stringify(res.body)).to.equal(403);
    }
    expect(limited, "no 429 within 20 wrong passwords for one account").to.not.equal(undefined);
    expectLimited(limited!, "wrong password");
    const right = await client().request("POST", "/login", {
      spec: "/login",
      body: { type: "m.login.password", identifier: { type: "m.id.user", user: victim.userId }, password: victim.password },
    });
    expectLimited(right, "the right password while the account is limited");
    await client().login(bystander.userId, bystander.password);
    // The victim's signed-in devices are untouched.
    await victim.expectOk("GET", "/account/whoami", { spec: "/account/whoami" });
  });

  it("counts wrong passwords in user-interactive auth as logins: DELETE /devices, /delete_devices, /account/password and /account/deactivate", async () => {
    const c = await client().register(uniqueName("uia"));
    const wrongAuth = { type: "m.login.password", identifier: { type: "m.id.user", user: c.userId }, password: "wrong guess" };
    const attempts = [
      () => c.request("DELETE", `/devices/${c.deviceId}`, { spec: "/devices/{deviceId}", body: { auth: wrongAuth } }),
      () => c.request("POST", "/delete_devices", { spec: "/delete_devices", body: { devices: [c.deviceId], auth: wrongAuth } }),
      () => c.request("POST", "/account/password", { spec: "/account/password", body: { new_password: "new pw", auth: wrongAuth } }),
      () => c.request("POST", "/account/deactivate", { spec: "/account/deactivate", body: { auth: wrongAuth } }),
    ];
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 30 && !limited; i++) {
      const res = await attempts[i % attempts.length]!();
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else expect(res.status, JSON.stringify(res.body)).to.equal(401);
    }
    expect(limited, `no 429 within 30 wrong UIA passwords: ${statuses.join(",")}`).to.not.equal(undefined);
    expectLimited(limited!, "wrong UIA password");
    // The same account limit as /login: the right password at /login is refused now too.
    const login = await client().request("POST", "/login", {
      spec: "/login",
      body: { type: "m.login.password", identifier: { type: "m.id.user", user: c.userId }, password: c.password },
    });
    expectLimited(login, "login after wrong UIA passwords");
    // Nothing was done: the device and the account are still there.
    await c.expectOk("GET", `/devices/${c.deviceId}`, { spec: "/devices/{deviceId}" });
  });

  it("spends the address's login allowance on UIA password attempts, the one /login spends", async () => {
    const c = await client().register(uniqueName("uiaip"));
    const address = new TestClient(server().baseUrl).ip;
    const session = (await c.request("DELETE", `/devices/${c.deviceId}`, { spec: "/devices/{deviceId}", forwardedFor: address, body: {} }))
      .body.session;
    const uiaAttempt = () =>
      c.request("DELETE", `/devices/${c.deviceId}`, {
        spec: "/devices/{deviceId}",
        forwardedFor: address,
        body: { auth: { ...c.passwordAuth(session), password: "wrong guess" } },
      });
    // Spend the address's logins (on user names of nobody, so no account limit is involved)
    // until /login refuses, then try a UIA password at once. The allowance refills one per
    // 2 s, so on a slow machine it may have a token again by then: a few rounds, each of
    // which costs the account at most one wrong password (it allows five).
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let round = 0; round < 5 && !limited; round++) {
      for (let i = 0; i < 40; i++) {
        const login = await client().request("POST", "/login", {
          spec: "/login",
          forwardedFor: address,
          body: wrongLogin(uniqueName("nobody")),
        });
        if (login.status === 429) break;
      }
      const res = await uiaAttempt();
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else expect(res.status, JSON.stringify(res.body)).to.equal(401);
    }
    expect(limited, `no UIA attempt refused right after /login was: ${statuses.join(",")}`).to.not.equal(undefined);
    expectLimited(limited!, "UIA password from an address that spent its logins");
    await c.expectOk("GET", `/devices/${c.deviceId}`, { spec: "/devices/{deviceId}" });
  });
}
