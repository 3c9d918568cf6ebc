import { expect } from "chai";
import type { Deployment } from "../../../helpers/deployment.js";
import { TestClient, uniqueName, type Response } from "../../../helpers/test-client.js";

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
    for (let i = 0; i < 12 && !limited; i++) {
      // A new client, so a new address, every time: no per-address limit is reached.
      const res = await client().request("POST", "/login", { spec: "/login", body: wrongLogin(victim.userId) });
      if (res.status === 429) limited = res;
      else expect(res.status, JSON.stringify(res.body)).to.equal(403);
    }
    expect(limited, "no 429 within 12 wrong passwords for one account").to.not.equal(undefined);
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
    // Four accounts, so that no account sees enough wrong passwords to be limited itself.
    const users = await Promise.all([1, 2, 3, 4].map(() => client().register(uniqueName("uiaip"))));
    const address = new TestClient(server().baseUrl).ip;
    // Six of the address's ten logins, on user names of nobody.
    for (let i = 0; i < 6; i++) {
      await client().expectError("POST", "/login", 403, "M_FORBIDDEN", { spec: "/login", forwardedFor: address, token: null, body: wrongLogin(uniqueName("nobody")) });
    }
    // The four left go to UIA attempts; the allowance refills one per 2 s, so eight attempts
    // leave room for a slow machine, while an allowance of UIA's own would last ten.
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 8 && !limited; i++) {
      const c = users[i % users.length]!;
      const res = await c.request("DELETE", `/devices/${c.deviceId}`, {
        spec: "/devices/{deviceId}",
        forwardedFor: address,
        body: { auth: { ...c.passwordAuth(), password: "wrong guess" } },
      });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else expect(res.status, JSON.stringify(res.body)).to.equal(401);
    }
    expect(limited, `no 429 within 8 UIA attempts after 6 logins from one address: ${statuses.join(",")}`).to.not.equal(undefined);
    expectLimited(limited!, "UIA password from an address that spent its logins");
  });
}
