import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { DeviceCrypto } from "../device-crypto.js";
import { KeysClient } from "../keys-client.js";

const SPEC = { spec: "/keys/upload" };

/** POST /keys/upload: what is stored, what is refused, and that a refused upload stores nothing. */
export function uploadCases(server: () => Deployment): void {
  it("stores device keys, one-time keys and a fallback key and counts the one-time keys", async () => {
    const c = await KeysClient.make(server());
    expect(await c.upload({})).to.deep.equal({ signed_curve25519: 0 });
    const deviceKeys = c.crypto.deviceKeys();
    const otks = c.crypto.oneTimeKeys(5);
    expect(await c.upload({ device_keys: deviceKeys, one_time_keys: otks, fallback_keys: c.crypto.fallbackKey() })).to.deep.equal({
      signed_curve25519: 5,
    });
    // The same device keys and the same one-time keys again change nothing.
    expect(await c.upload({ device_keys: deviceKeys, one_time_keys: otks })).to.deep.equal({ signed_curve25519: 5 });
    expect(await c.upload({ one_time_keys: c.crypto.oneTimeKeys(3) })).to.deep.equal({ signed_curve25519: 8 });
    // Keys of an algorithm that is not signed are taken as given, and counted apart.
    expect(await c.upload({ one_time_keys: { "curve25519:PLAIN1": "c29tZSBrZXkgYnl0ZXM" } })).to.deep.equal({
      signed_curve25519: 8,
      curve25519: 1,
    });
  });

  it("refuses another key under a stored one-time key ID, storing nothing of that upload", async () => {
    const c = await KeysClient.make(server());
    const otks = c.crypto.oneTimeKeys(2);
    await c.upload({ device_keys: c.crypto.deviceKeys(), one_time_keys: otks });
    const [firstId] = Object.keys(otks);
    const other = c.crypto.oneTimeKeys(1);
    const replaced = { ...c.crypto.oneTimeKeys(1), [firstId!]: Object.values(other)[0] };
    await c.expectError("POST", "/keys/upload", 400, "M_INVALID_PARAM", { ...SPEC, body: { one_time_keys: replaced } });
    expect(await c.upload({})).to.deep.equal({ signed_curve25519: 2 });
  });

  it("refuses other device keys for a device that has some, keys for another user or device, and bad signatures", async () => {
    const c = await KeysClient.make(server());
    await c.upload({ device_keys: c.crypto.deviceKeys() });
    const impostor = new DeviceCrypto(c.userId, c.deviceId);
    await c.expectError("POST", "/keys/upload", 400, "M_INVALID_PARAM", { ...SPEC, body: { device_keys: impostor.deviceKeys() } });

    const fresh = await c.newDevice();
    const other = new DeviceCrypto("@someone:else.example", fresh.deviceId);
    await fresh.expectError("POST", "/keys/upload", 400, "M_INVALID_PARAM", { ...SPEC, body: { device_keys: other.deviceKeys() } });
    const wrongDevice = new DeviceCrypto(fresh.userId, "NOTMYDEVICE");
    await fresh.expectError("POST", "/keys/upload", 400, "M_INVALID_PARAM", { ...SPEC, body: { device_keys: wrongDevice.deviceKeys() } });
    // Signed by a key other than the one they name.
    const forged = { ...fresh.crypto.deviceKeys(), signatures: impostor.deviceKeys().signatures };
    await fresh.expectError("POST", "/keys/upload", 400, "M_INVALID_PARAM", { ...SPEC, body: { device_keys: forged } });
    // Changed after signing.
    const tampered = { ...fresh.crypto.deviceKeys(), algorithms: ["m.olm.v1.curve25519-aes-sha2"] };
    await fresh.expectError("POST", "/keys/upload", 400, "M_INVALID_PARAM", { ...SPEC, body: { device_keys: tampered } });
    // Signed one-time keys need the device's keys to be checked against.
    await fresh.expectError("POST", "/keys/upload", 400, "M_INVALID_PARAM", {
      ...SPEC,
      body: { one_time_keys: fresh.crypto.oneTimeKeys(1) },
    });
    // A badly signed one-time key sinks the whole upload, device keys included.
    const badKey = { "signed_curve25519:BAD": impostor.sign({ key: "a2V5" }) };
    await fresh.expectError("POST", "/keys/upload", 400, "M_INVALID_PARAM", {
      ...SPEC,
      body: { device_keys: fresh.crypto.deviceKeys(), one_time_keys: { ...fresh.crypto.oneTimeKeys(2), ...badKey } },
    });
    const query = await c.query({ [c.userId]: [] });
    expect(Object.keys(query.device_keys[c.userId])).to.deep.equal([c.deviceId]);
    await fresh.expectError("POST", "/keys/upload", 400, "M_INVALID_PARAM", { ...SPEC, body: { fallback_keys: badKey } });
    expect(await fresh.upload({ device_keys: fresh.crypto.deviceKeys() })).to.deep.equal({ signed_curve25519: 0 });
  });

  it("refuses malformed bodies with M_BAD_JSON, and anonymous requests", async () => {
    const c = await KeysClient.make(server());
    await c.expectError("POST", "/keys/upload", 400, "M_BAD_JSON", { ...SPEC, body: { device_keys: 5 } });
    await c.expectError("POST", "/keys/upload", 400, "M_BAD_JSON", { ...SPEC, body: { one_time_keys: ["x"] } });
    await c.expectError("POST", "/keys/upload", 400, "M_BAD_JSON", { ...SPEC, body: { one_time_keys: { nocolon: "a2V5" } } });
    await c.expectError("POST", "/keys/upload", 400, "M_BAD_JSON", { ...SPEC, body: { one_time_keys: { "curve25519:X": 7 } } });
    await c.expectError("POST", "/keys/upload", 400, "M_BAD_JSON", {
      ...SPEC,
      body: { device_keys: { ...c.crypto.deviceKeys(), keys: [] } },
    });
    await c.expectError("POST", "/keys/upload", 401, "M_MISSING_TOKEN", { ...SPEC, body: {}, token: null });
    expect(await c.upload({})).to.deep.equal({ signed_curve25519: 0 });
  });
}
