import type { Deployment } from "../../../../testing/deployment.js";
import { TestClient, uniqueName } from "../../../../testing/test-client.js";

/**
 * Every way of revoking an access token ends it at once wherever it is checked: at the
 * clientapi (/account/whoami) and at the syncapi (/sync). In the polylith both processes
 * cache token lookups, so each case first uses the tokens at both, then revokes them and
 * asks both straight after the revoking request's answer: a cache that missed the news
 * would still let the token in.
 */
export function tokenRevocationCases(server: () => Deployment): void {
  const client = () => new TestClient(server().baseUrl);
  const sync = { query: { timeout: "0" } };

  /** Whoami and /sync accept the token, so the clientapi and the syncapi have cached it. */
  async function use(c: TestClient, ...tokens: string[]): Promise<void> {
    for (const token of tokens) {
      await c.expectOk("GET", "/account/whoami", { spec: "/account/whoami", token });
      await c.expectOk("GET", "/sync", { ...sync, token });
    }
  }

  async function refused(c: TestClient, ...tokens: string[]): Promise<void> {
    for (const token of tokens) {
      await Promise.all([
        c.expectError("GET", "/sync", 401, "M_UNKNOWN_TOKEN", { ...sync, token }),
        c.expectError("GET", "/account/whoami", 401, "M_UNKNOWN_TOKEN", { spec: "/account/whoami", token }),
      ]);
    }
  }

  it("logout and logout/all", async () => {
    const c = await client().register(uniqueName("revlogout"));
    const second = await c.login(c.userId, c.password);
    const third = await c.login(c.userId, c.password);
    await use(c, c.accessToken, second.accessToken, third.accessToken);
    await c.expectOk("POST", "/logout", { spec: "/logout" });
    await refused(c, c.accessToken);
    await use(c, second.accessToken, third.accessToken);
    await c.expectOk("POST", "/logout/all", { spec: "/logout/all", token: second.accessToken });
    await refused(c, second.accessToken, third.accessToken);
  });

  it("deleting devices: DELETE /devices/{deviceId} and /delete_devices", async () => {
    const c = await client().register(uniqueName("revdevice"));
    const [a, b, kept] = [await c.login(c.userId, c.password), await c.login(c.userId, c.password), await c.login(c.userId, c.password)];
    await use(c, c.accessToken, a.accessToken, b.accessToken, kept.accessToken);
    const path = `/devices/${a.deviceId}`;
    const first = await c.request("DELETE", path, { spec: "/devices/{deviceId}", body: {} });
    await c.expectOk("DELETE", path, { spec: "/devices/{deviceId}", body: { auth: c.passwordAuth(first.body.session) } });
    await refused(c, a.accessToken);
    const devices = [b.deviceId];
    const second = await c.request("POST", "/delete_devices", { spec: "/delete_devices", body: { devices } });
    await c.expectOk("POST", "/delete_devices", { spec: "/delete_devices", body: { devices, auth: c.passwordAuth(second.body.session) } });
    await refused(c, b.accessToken);
    await use(c, c.accessToken, kept.accessToken);
  });

  it("a password change that logs out the other devices", async () => {
    const c = await client().register(uniqueName("revpasswd"));
    const other = await c.login(c.userId, c.password);
    await use(c, c.accessToken, other.accessToken);
    const first = await c.request("POST", "/account/password", { spec: "/account/password", body: { new_password: "changed" } });
    await c.expectOk("POST", "/account/password", {
      spec: "/account/password",
      body: { new_password: "changed", logout_devices: true, auth: c.passwordAuth(first.body.session) },
    });
    await refused(c, other.accessToken);
    await use(c, c.accessToken);
  });

  it("deactivation", async () => {
    const c = await client().register(uniqueName("revdeact"));
    await use(c, c.accessToken);
    const first = await c.request("POST", "/account/deactivate", { spec: "/account/deactivate", body: {} });
    await c.expectOk("POST", "/account/deactivate", { spec: "/account/deactivate", body: { auth: c.passwordAuth(first.body.session) } });
    await refused(c, c.accessToken);
  });

  it("a login on an existing device, which gives it a new token", async () => {
    const c = await client().register(uniqueName("revrelogin"));
    await use(c, c.accessToken);
    const again = await client().expectOk("POST", "/login", {
      spec: "/login",
      token: null,
      body: { type: "m.login.password", identifier: { type: "m.id.user", user: c.userId }, password: c.password, device_id: c.deviceId },
    });
    await refused(c, c.accessToken);
    await use(c, again.access_token as string);
  });
}
