import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { TestClient, uniqueName } from "../../../../testing/test-client.js";

/** POST /register (accounts, guests, UIA), GET /register/available, and the accounts the CLI made. */
export function registrationCases(server: () => Deployment): void {
  const client = () => new TestClient(server().baseUrl);
  const expectAvailable = async (username: string) =>
    expect(await client().expectOk("GET", "/register/available", { spec: "/register/available", query: { username } })).to.deep.equal({
      available: true,
    });

  it("registers through user-interactive auth: 401 with flows and a session, then m.login.dummy", async () => {
    const c = client();
    const name = uniqueName("reg");
    const first = await c.request("POST", "/register", { spec: "/register", body: { username: name, password: "secret" } });
    expect(first.status).to.equal(401);
    expect(first.body.flows).to.deep.equal([{ stages: ["m.login.dummy"] }]);
    expect(first.body.session).to.be.a("string");
    expect(first.body).to.not.have.property("errcode");
    const done = await c.expectOk("POST", "/register", {
      spec: "/register",
      body: {
        username: name,
        password: "secret",
        device_id: "MYDEVICE",
        initial_device_display_name: "Test phone",
        auth: { type: "m.login.dummy", session: first.body.session },
      },
    });
    expect(done.user_id).to.equal(`@${name}:${server().serverName}`);
    expect(done.device_id).to.equal("MYDEVICE");
    expect(done.access_token).to.be.a("string").with.length.greaterThan(40);
    const whoami = await c.expectOk("GET", "/account/whoami", { spec: "/account/whoami", token: done.access_token as string });
    expect(whoami).to.deep.equal({ user_id: done.user_id, device_id: "MYDEVICE", is_guest: false });
    const device = await c.expectOk("GET", "/devices/MYDEVICE", { spec: "/devices/{deviceId}", token: done.access_token as string });
    expect(device.display_name).to.equal("Test phone");
    // The session authorised one registration; it cannot make another.
    const other = uniqueName("again");
    const again = await client().expectOk("POST", "/register", {
      spec: "/register",
      body: { username: other, password: "x", auth: { type: "m.login.dummy", session: first.body.session } },
    });
    expect(again.user_id).to.equal(done.user_id);
    await expectAvailable(other);
  });

  it("remembers the parameters of a session's first request: a later stage may send only auth", async () => {
    const c = client();
    const name = uniqueName("remember");
    const params = {
      username: name,
      password: "remembered pw",
      device_id: "FIRSTDEV",
      initial_device_display_name: "First phone",
      inhibit_login: false,
    };
    const first = await c.request("POST", "/register", { spec: "/register", body: params });
    expect(first.status).to.equal(401);
    const done = await c.expectOk("POST", "/register", {
      spec: "/register",
      body: { auth: { type: "m.login.dummy", session: first.body.session } },
    });
    expect(done.user_id).to.equal(`@${name}:${server().serverName}`);
    expect(done.device_id).to.equal("FIRSTDEV");
    const device = await c.expectOk("GET", "/devices/FIRSTDEV", { spec: "/devices/{deviceId}", token: done.access_token as string });
    expect(device.display_name).to.equal("First phone");
    // The password came from the first request too.
    await c.login(name, "remembered pw");
    // inhibit_login is remembered as well.
    const quiet = await c.request("POST", "/register", {
      spec: "/register",
      body: { username: uniqueName("quiet"), password: "pw", inhibit_login: true },
    });
    const registered = await c.expectOk("POST", "/register", {
      spec: "/register",
      body: { auth: { type: "m.login.dummy", session: quiet.body.session } },
    });
    expect(registered).to.have.property("user_id");
    expect(registered).to.not.have.property("access_token");
  });

  it("answers a retry of a completed registration with the same account, logged in again", async () => {
    const c = client();
    const name = uniqueName("retry");
    const first = await c.request("POST", "/register", {
      spec: "/register",
      body: { username: name, password: "pw", device_id: "RETRYDEV" },
    });
    const auth = { type: "m.login.dummy", session: first.body.session };
    const done = await c.expectOk("POST", "/register", {
      spec: "/register",
      body: { username: name, password: "pw", device_id: "RETRYDEV", auth },
    });
    // The answer was lost on the way; the client sends the same request again.
    const retried = await c.expectOk("POST", "/register", {
      spec: "/register",
      body: { username: name, password: "pw", device_id: "RETRYDEV", auth },
    });
    expect(retried.user_id).to.equal(done.user_id);
    expect(retried.device_id).to.equal("RETRYDEV");
    const whoami = await c.expectOk("GET", "/account/whoami", { spec: "/account/whoami", token: retried.access_token as string });
    expect(whoami.user_id).to.equal(done.user_id);
    const { devices } = await c.expectOk("GET", "/devices", { spec: "/devices", token: retried.access_token as string });
    expect((devices as unknown[]).length).to.equal(1);
  });

  it("refuses a body that is not valid UTF-8 with M_NOT_JSON and registers nobody", async () => {
    const name = uniqueName("utf");
    // {"username":"<name>","password":"p\xff"}: a lone byte no UTF-8 sequence starts with.
    const raw = Buffer.concat([
      Buffer.from(`{"username":"${name}","password":"p`),
      Buffer.from([0xff]),
      Buffer.from(`","auth":{"type":"m.login.dummy"}}`),
    ]);
    await client().expectError("POST", "/register", 400, "M_NOT_JSON", { spec: "/register", rawBody: raw });
    await expectAvailable(name);
  });

  it("says Content-Type: application/json exactly, on errors and unknown endpoints too", async () => {
    const c = client();
    const expectJson = async (method: string, path: string, status: number, body?: string) => {
      const res = await fetch(new URL(path, server().baseUrl), { method, body });
      expect(res.status, `${method} ${path}`).to.equal(status);
      expect(res.headers.get("content-type"), `${method} ${path}`).to.equal("application/json");
      await res.json();
    };
    await expectJson("GET", "/_matrix/client/versions", 200);
    await expectJson("POST", "/_matrix/client/v3/register", 401, JSON.stringify({ username: uniqueName("ct"), password: "pw" }));
    await expectJson("POST", "/_matrix/client/v3/register", 400, "{not json");
    await expectJson("GET", "/_matrix/client/v3/account/whoami", 401);
    await expectJson("GET", "/_matrix/client/v3/no/such/endpoint", 404);
    await expectJson("GET", "/unknown", 404);
    await c.expectOk("GET", "/_matrix/client/versions", { spec: "/versions" });
  });

  it("accepts auth without a session, lower-cases user names, and generates one when none is given", async () => {
    const c = client();
    const mixed = uniqueName("MiXeD");
    const body = await c.expectOk("POST", "/register", {
      spec: "/register",
      body: { username: mixed, password: "pw", auth: { type: "m.login.dummy" } },
    });
    expect(body.user_id).to.equal(`@${mixed.toLowerCase()}:${server().serverName}`);
    const generated = await c.expectOk("POST", "/register", {
      spec: "/register",
      body: { password: "pw", auth: { type: "m.login.dummy" } },
    });
    expect(generated.user_id).to.match(new RegExp(`^@[0-9]+:${server().serverName.replace(".", "\\.")}$`));
  });

  it("inhibit_login registers without a device; the account can log in afterwards", async () => {
    const c = client();
    const name = uniqueName("inhibit");
    const body = await c.expectOk("POST", "/register", {
      spec: "/register",
      body: { username: name, password: "pw", inhibit_login: true, auth: { type: "m.login.dummy" } },
    });
    expect(body).to.have.property("user_id");
    expect(body).to.not.have.property("access_token");
    expect(body).to.not.have.property("device_id");
    await c.login(name, "pw");
  });

  it("answers M_USER_IN_USE before any auth, also for a different case of the same name", async () => {
    const c = await client().register(uniqueName("taken"));
    const localpart = c.userId.slice(1).split(":")[0]!;
    await client().expectError("POST", "/register", 400, "M_USER_IN_USE", {
      spec: "/register",
      token: null,
      body: { username: localpart, password: "x" },
    });
    await client().expectError("POST", "/register", 400, "M_USER_IN_USE", {
      spec: "/register",
      token: null,
      body: { username: localpart.toUpperCase(), password: "x" },
    });
    await c.expectError("GET", "/register/available", 400, "M_USER_IN_USE", {
      spec: "/register/available",
      query: { username: localpart },
    });
  });

  for (const [what, username] of [
    ["a space", "has space"],
    ["a colon", "a:b"],
    ["an @", "@alice"],
    ["non-ASCII", "ålice"],
    ["an empty name", ""],
    ["a name making a user ID over 255 bytes", "x".repeat(250)],
  ] as const) {
    it(`refuses ${what} with M_INVALID_USERNAME and stores nothing`, async () => {
      const c = client();
      await client().expectError("POST", "/register", 400, "M_INVALID_USERNAME", {
        spec: "/register",
        body: { username, password: "x", auth: { type: "m.login.dummy" } },
      });
      if (username !== "") {
        await c.expectError("GET", "/register/available", 400, "M_INVALID_USERNAME", { spec: "/register/available", query: { username } });
      }
    });
  }

  it("refuses fields of the wrong type with M_BAD_JSON and creates no account", async () => {
    const name = uniqueName("types");
    const auth = { type: "m.login.dummy" };
    for (const body of [
      { username: 42, password: "pw", auth },
      { username: name, password: ["pw"], auth },
      { username: name, password: "pw", inhibit_login: "yes", auth },
      { username: name, password: "pw", device_id: 7, auth },
      { username: name, password: "pw", auth: "dummy" },
      { username: name, password: "pw", auth: { type: 5 } },
    ]) {
      await client().expectError("POST", "/register", 400, "M_BAD_JSON", { spec: "/register", body });
    }
    await client().expectError("POST", "/register", 400, "M_NOT_JSON", { spec: "/register", rawBody: "{not json" });
    await client().expectError("POST", "/register", 400, "M_BAD_JSON", { spec: "/register", rawBody: "[1, 2]" });
    await client().expectError("POST", "/register", 413, "M_TOO_LARGE", {
      spec: "/register",
      body: { username: name, password: "x".repeat(1_100_000) },
    });
    await client().expectError("POST", "/register", 400, "M_WEAK_PASSWORD", {
      spec: "/register",
      body: { username: name, password: "", auth },
    });
    await client().expectError("POST", "/register", 400, "M_MISSING_PARAM", { spec: "/register", body: { username: name, auth } });
    await client().expectError("POST", "/register", 400, "M_INVALID_PARAM", {
      spec: "/register",
      body: { username: name, password: "pw", auth: { type: "m.login.dummy", session: "nope" } },
    });
    await expectAvailable(name);
  });

  it("offers only the configured flows: an unknown auth type is a 401 naming the problem", async () => {
    const c = client();
    const res = await c.request("POST", "/register", {
      spec: "/register",
      body: { username: uniqueName("flow"), password: "pw", auth: { type: "m.login.password" } },
    });
    expect(res.status).to.equal(401);
    expect(res.body.errcode).to.equal("M_UNRECOGNIZED");
    expect(res.body.flows).to.deep.equal([{ stages: ["m.login.dummy"] }]);
  });

  it("registers guests (kind=guest) who may only use guest endpoints", async () => {
    const c = client();
    const body = await c.expectOk("POST", "/register", { spec: "/register", query: { kind: "guest" }, body: { username: "ignored" } });
    expect(body.user_id).to.match(/^@[0-9]+:/);
    c.accessToken = body.access_token as string;
    expect(await c.expectOk("GET", "/account/whoami", { spec: "/account/whoami" })).to.include({ is_guest: true });
    await c.expectError("POST", "/createRoom", 403, "M_GUEST_ACCESS_FORBIDDEN", { spec: "/createRoom", body: {} });
    await client().expectError("POST", "/register", 400, "M_INVALID_PARAM", { spec: "/register", query: { kind: "robot" }, body: {} });
  });

  it("answers /register/available for free names and asks for the parameter", async () => {
    await expectAvailable(uniqueName("free"));
    await client().expectError("GET", "/register/available", 400, "M_MISSING_PARAM", { spec: "/register/available" });
  });

  it("logs in the accounts create-account made, admin and stdin-password alike", async () => {
    for (const [username, password] of Object.entries(server().cliAccounts)) {
      const session = await client().login(username, password);
      const whoami = await client().expectOk("GET", "/account/whoami", { spec: "/account/whoami", token: session.accessToken });
      expect(whoami.user_id).to.equal(`@${username}:${server().serverName}`);
    }
  });
}

/** Registration on a server with registration.open and registration.guests off. */
export function closedRegistrationCases(server: () => Deployment): void {
  it("refuses registration, guests and shared-secret registration with 403 M_FORBIDDEN", async () => {
    const c = new TestClient(server().baseUrl);
    await c.expectError("POST", "/register", 403, "M_FORBIDDEN", { spec: "/register", body: { username: "nobody", password: "pw" } });
    await c.expectError("POST", "/register", 403, "M_FORBIDDEN", { spec: "/register", query: { kind: "guest" }, body: {} });
    await c.expectError("GET", "/_synapse/admin/v1/register", 403, "M_FORBIDDEN");
    expect(await c.expectOk("GET", "/register/available", { spec: "/register/available", query: { username: "nobody" } })).to.deep.equal({
      available: true,
    });
  });
}
