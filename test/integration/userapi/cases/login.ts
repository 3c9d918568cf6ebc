import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { TestClient, uniqueName } from "../../../../testing/test-client.js";

/** Login, logout, whoami, password change, deactivation, well-known and capabilities. */
export function loginCases(server: () => Deployment): void {
  const client = () => new TestClient(server().baseUrl);

  it("offers m.login.password and logs in by localpart, full user ID or the legacy user field", async () => {
    expect(await client().expectOk("GET", "/login", { spec: "/login" })).to.deep.equal({ flows: [{ type: "m.login.password" }] });
    const c = await client().register(uniqueName("login"));
    const localpart = c.userId.slice(1).split(":")[0]!;
    for (const body of [
      { type: "m.login.password", identifier: { type: "m.id.user", user: localpart }, password: c.password },
      { type: "m.login.password", identifier: { type: "m.id.user", user: c.userId }, password: c.password, device_id: "CHOSEN" },
      { type: "m.login.password", user: localpart.toUpperCase(), password: c.password, initial_device_display_name: "Legacy" },
    ]) {
      const res = await client().expectOk("POST", "/login", { spec: "/login", body });
      expect(res.user_id).to.equal(c.userId);
      expect(res.well_known).to.deep.equal({ "m.homeserver": { base_url: server().publicBaseUrl } });
    }
    const devices = (await c.expectOk("GET", "/devices", { spec: "/devices" })).devices as Array<{ device_id: string }>;
    expect(devices.map((d) => d.device_id))
      .to.include("CHOSEN")
      .and.to.have.length(4);
  });

  it("refuses wrong credentials and malformed logins with the spec's errors", async () => {
    const c = await client().register(uniqueName("badlogin"));
    const login = (body: unknown) => ({ spec: "/login", body });
    await client().expectError(
      "POST",
      "/login",
      403,
      "M_FORBIDDEN",
      login({ type: "m.login.password", user: c.userId, password: "wrong" }),
    );
    await client().expectError(
      "POST",
      "/login",
      403,
      "M_FORBIDDEN",
      login({ type: "m.login.password", user: uniqueName("ghost"), password: "x" }),
    );
    await client().expectError(
      "POST",
      "/login",
      403,
      "M_FORBIDDEN",
      login({ type: "m.login.password", user: "@someone:elsewhere.test", password: "x" }),
    );
    await client().expectError("POST", "/login", 400, "M_UNKNOWN", login({ type: "m.login.token", token: "abc" }));
    await client().expectError(
      "POST",
      "/login",
      400,
      "M_UNKNOWN",
      login({ type: "m.login.password", identifier: { type: "m.id.thirdparty", medium: "email", address: "a@b.c" }, password: "x" }),
    );
    await client().expectError("POST", "/login", 400, "M_MISSING_PARAM", login({ type: "m.login.password", user: c.userId }));
    await client().expectError("POST", "/login", 400, "M_MISSING_PARAM", login({ password: "x" }));
    await client().expectError("POST", "/login", 400, "M_BAD_JSON", login({ type: "m.login.password", user: c.userId, password: 12 }));
  });

  it("needs a valid access token: M_MISSING_TOKEN, M_UNKNOWN_TOKEN with soft_logout false", async () => {
    await client().expectError("GET", "/account/whoami", 401, "M_MISSING_TOKEN", { spec: "/account/whoami" });
    const unknown = await client().expectError("GET", "/account/whoami", 401, "M_UNKNOWN_TOKEN", {
      spec: "/account/whoami",
      token: "dts_nobody",
    });
    expect(unknown.soft_logout).to.equal(false);
    const c = await client().register(uniqueName("query"));
    const viaQuery = await fetch(`${server().baseUrl}/_matrix/client/v3/account/whoami?access_token=${encodeURIComponent(c.accessToken)}`);
    expect(((await viaQuery.json()) as { user_id: string }).user_id).to.equal(c.userId);
  });

  it("logout ends one device's token; logout/all ends them all", async () => {
    const c = await client().register(uniqueName("logout"));
    const second = await c.login(c.userId, c.password);
    await c.expectOk("POST", "/logout", { spec: "/logout" });
    await c.expectError("GET", "/account/whoami", 401, "M_UNKNOWN_TOKEN", { spec: "/account/whoami" });
    await c.expectOk("GET", "/account/whoami", { spec: "/account/whoami", token: second.accessToken });
    const third = await c.login(c.userId, c.password);
    await c.expectOk("POST", "/logout/all", { spec: "/logout/all", token: second.accessToken });
    for (const token of [second.accessToken, third.accessToken]) {
      await c.expectError("GET", "/account/whoami", 401, "M_UNKNOWN_TOKEN", { spec: "/account/whoami", token });
    }
    await c.expectError("POST", "/logout", 401, "M_MISSING_TOKEN", { spec: "/logout", token: null });
  });

  it("changes the password through UIA, logging out the other devices but not this one", async () => {
    const c = await client().register(uniqueName("passwd"));
    const other = await c.login(c.userId, c.password);
    const first = await c.request("POST", "/account/password", { spec: "/account/password", body: { new_password: "new pw" } });
    expect(first.status).to.equal(401);
    expect(first.body.flows).to.deep.equal([{ stages: ["m.login.password"] }]);
    const wrong = await c.request("POST", "/account/password", {
      spec: "/account/password",
      body: { new_password: "new pw", auth: { ...c.passwordAuth(first.body.session), password: "wrong" } },
    });
    expect(wrong.status).to.equal(401);
    expect(wrong.body.errcode).to.equal("M_FORBIDDEN");
    await c.expectOk("POST", "/account/password", {
      spec: "/account/password",
      body: { new_password: "new pw", auth: c.passwordAuth(first.body.session) },
    });
    await c.expectOk("GET", "/account/whoami", { spec: "/account/whoami" });
    await c.expectError("GET", "/account/whoami", 401, "M_UNKNOWN_TOKEN", { spec: "/account/whoami", token: other.accessToken });
    await client().expectError("POST", "/login", 403, "M_FORBIDDEN", {
      spec: "/login",
      body: { type: "m.login.password", user: c.userId, password: c.password },
    });
    c.password = "new pw";
    const kept = await c.login(c.userId, c.password);
    await c.expectOk("POST", "/account/password", {
      spec: "/account/password",
      body: { new_password: "newer pw", logout_devices: false, auth: c.passwordAuth() },
    });
    await c.expectOk("GET", "/account/whoami", { spec: "/account/whoami", token: kept.accessToken });
    await c.expectError("POST", "/account/password", 400, "M_MISSING_PARAM", {
      spec: "/account/password",
      body: { auth: c.passwordAuth() },
    });
    // The spec's 401 here is the UIA challenge, whose flows may differ without a token; this
    // server offers none a client could complete without one (no e-mail), so it answers the
    // common error M_MISSING_TOKEN, which the endpoint's schema does not describe.
    await c.expectError("POST", "/account/password", 401, "M_MISSING_TOKEN", { token: null, body: { new_password: "x" } });
  });

  it("deactivates through UIA: tokens end, login says M_USER_DEACTIVATED, the name stays taken", async () => {
    const c = await client().register(uniqueName("deact"));
    const localpart = c.userId.slice(1).split(":")[0]!;
    const first = await c.request("POST", "/account/deactivate", { spec: "/account/deactivate", body: {} });
    expect(first.status).to.equal(401);
    const other = await client().register(uniqueName("other"));
    // Another user's password does not authorise it: 403, not a stage to try again (as in Synapse).
    await c.expectError("POST", "/account/deactivate", 403, "M_FORBIDDEN", {
      spec: "/account/deactivate",
      body: { auth: other.passwordAuth(first.body.session) },
    });
    expect(await c.expectOk("GET", "/account/whoami", { spec: "/account/whoami" })).to.have.property("user_id", c.userId);
    const done = await c.expectOk("POST", "/account/deactivate", {
      spec: "/account/deactivate",
      body: { auth: c.passwordAuth(first.body.session) },
    });
    expect(done).to.deep.equal({ id_server_unbind_result: "no-support" });
    await c.expectError("GET", "/account/whoami", 401, "M_UNKNOWN_TOKEN", { spec: "/account/whoami" });
    await client().expectError("POST", "/login", 403, "M_USER_DEACTIVATED", {
      spec: "/login",
      body: { type: "m.login.password", user: localpart, password: c.password },
    });
    await client().expectError("POST", "/register", 400, "M_USER_IN_USE", {
      spec: "/register",
      body: { username: localpart, password: "x" },
    });
    await client().expectError("GET", `/profile/${encodeURIComponent(c.userId)}/displayname`, 404, "M_NOT_FOUND", {
      spec: "/profile/{userId}/{keyName}",
    });
  });

  it("serves /.well-known/matrix/client and /capabilities", async () => {
    const wellKnown = await client().expectOk("GET", "/.well-known/matrix/client", { spec: "/matrix/client" });
    expect(wellKnown).to.deep.equal({ "m.homeserver": { base_url: server().publicBaseUrl } });
    const c = await client().register(uniqueName("caps"));
    const { capabilities } = (await c.expectOk("GET", "/capabilities", { spec: "/capabilities" })) as {
      capabilities: Record<string, Record<string, unknown>>;
    };
    expect(capabilities["m.change_password"]).to.deep.equal({ enabled: true });
    expect(capabilities["m.3pid_changes"]).to.deep.equal({ enabled: false });
    expect(capabilities["m.room_versions"]!.default).to.equal("12");
    expect(Object.keys(capabilities["m.room_versions"]!.available as object)).to.deep.equal([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
      "10",
      "11",
      "12",
    ]);
    await client().expectError("GET", "/capabilities", 401, "M_MISSING_TOKEN", { spec: "/capabilities" });
  });
}
