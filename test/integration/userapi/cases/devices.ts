import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { TestClient, uniqueName } from "../../../../testing/test-client.js";

/** GET /devices, GET/PUT/DELETE /devices/{deviceId}, POST /delete_devices. */
export function deviceCases(server: () => Deployment): void {
  const client = () => new TestClient(server().baseUrl);

  it("lists, shows and renames devices; unknown devices are 404", async () => {
    const c = await client().register(uniqueName("dev"));
    const list = (await c.expectOk("GET", "/devices", { spec: "/devices" })).devices as Array<Record<string, unknown>>;
    expect(list).to.have.length(1);
    expect(list[0]).to.include({ device_id: c.deviceId, last_seen_ip: c.ip });
    await c.expectOk("PUT", `/devices/${c.deviceId}`, { spec: "/devices/{deviceId}", body: { display_name: "Renamed" } });
    const shown = await c.expectOk("GET", `/devices/${c.deviceId}`, { spec: "/devices/{deviceId}" });
    expect(shown).to.include({ device_id: c.deviceId, display_name: "Renamed" });
    await c.expectError("GET", "/devices/NOSUCHDEVICE", 404, "M_NOT_FOUND", { spec: "/devices/{deviceId}" });
    await c.expectError("PUT", "/devices/NOSUCHDEVICE", 404, "M_NOT_FOUND", { spec: "/devices/{deviceId}", body: { display_name: "x" } });
    await c.expectError("PUT", `/devices/${c.deviceId}`, 400, "M_BAD_JSON", { spec: "/devices/{deviceId}", body: { display_name: 5 } });
    await c.expectError("PUT", `/devices/${c.deviceId}`, 400, "M_INVALID_PARAM", {
      spec: "/devices/{deviceId}",
      body: { display_name: "x".repeat(101) },
    });
    expect((await c.expectOk("GET", `/devices/${c.deviceId}`, { spec: "/devices/{deviceId}" })).display_name).to.equal("Renamed");
    await c.expectError("GET", "/devices", 401, "M_MISSING_TOKEN", { spec: "/devices", token: null });
  });

  it("deletes a device only with the user's password, ending its token", async () => {
    const c = await client().register(uniqueName("deldev"));
    const other = await c.login(c.userId, c.password);
    const path = `/devices/${other.deviceId}`;
    const first = await c.request("DELETE", path, { spec: "/devices/{deviceId}", body: {} });
    expect(first.status).to.equal(401);
    expect(first.body.flows).to.deep.equal([{ stages: ["m.login.password"] }]);
    // A session started for one device cannot delete another.
    await c.expectError("DELETE", `/devices/${c.deviceId}`, 403, "M_FORBIDDEN", {
      spec: "/devices/{deviceId}",
      body: { auth: c.passwordAuth(first.body.session) },
    });
    await c.expectOk("DELETE", path, { spec: "/devices/{deviceId}", body: { auth: c.passwordAuth(first.body.session) } });
    await c.expectError("GET", "/account/whoami", 401, "M_UNKNOWN_TOKEN", { spec: "/account/whoami", token: other.accessToken });
    await c.expectError("GET", path, 404, "M_NOT_FOUND", { spec: "/devices/{deviceId}" });
  });

  it("deletes several devices with /delete_devices after UIA", async () => {
    const c = await client().register(uniqueName("deldevs"));
    const a = await c.login(c.userId, c.password);
    const b = await c.login(c.userId, c.password);
    const devices = [a.deviceId, b.deviceId, "NEVEREXISTED"];
    const first = await c.request("POST", "/delete_devices", { spec: "/delete_devices", body: { devices } });
    expect(first.status).to.equal(401);
    await c.expectOk("POST", "/delete_devices", { spec: "/delete_devices", body: { devices, auth: c.passwordAuth(first.body.session) } });
    const left = (await c.expectOk("GET", "/devices", { spec: "/devices" })).devices as Array<{ device_id: string }>;
    expect(left.map((d) => d.device_id)).to.deep.equal([c.deviceId]);
    await c.expectError("POST", "/delete_devices", 400, "M_MISSING_PARAM", { spec: "/delete_devices", body: { auth: c.passwordAuth() } });
    await c.expectError("POST", "/delete_devices", 400, "M_BAD_JSON", {
      spec: "/delete_devices",
      body: { devices: [1], auth: c.passwordAuth() },
    });
  });
}
