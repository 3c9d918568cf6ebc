import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { eventually } from "../../../../testing/eventually.js";
import { verifiedBy, type Json } from "../device-crypto.js";
import { KeysClient } from "../keys-client.js";

/** POST /keys/query and /keys/claim. */
export function queryAndClaimCases(server: () => Deployment): void {
  it("serves a user's device keys, signed by the device, with the device's display name", async () => {
    const a = await KeysClient.make(server());
    const b = await KeysClient.make(server());
    const b2 = await b.newDevice();
    await b.uploadAll(1);
    await b2.upload({ device_keys: b2.crypto.deviceKeys() });
    await b.expectOk("PUT", `/devices/${b2.deviceId}`, { body: { display_name: "Phone" } });
    const nobody = `@nobody_${Date.now()}:${b.userId.split(":")[1]}`;

    const all = await a.query({ [b.userId]: [], [nobody]: [] });
    expect(all.failures).to.deep.equal({});
    expect(all.device_keys[nobody]).to.deep.equal({});
    const devices = all.device_keys[b.userId] as Record<string, Json>;
    expect(Object.keys(devices).sort()).to.deep.equal([b.deviceId, b2.deviceId].sort());
    expect(devices[b2.deviceId]!.unsigned).to.deep.equal({ device_display_name: "Phone" });
    for (const [client, keys] of [
      [b, devices[b.deviceId]!],
      [b2, devices[b2.deviceId]!],
    ] as const) {
      expect(keys).to.include({ user_id: b.userId, device_id: client.deviceId });
      expect(keys.keys).to.deep.equal(client.crypto.deviceKeys().keys);
      expect(verifiedBy(keys, b.userId, client.deviceId, client.crypto.ed25519), "the device's own signature is served").to.equal(true);
    }

    const one = await a.query({ [b.userId]: [b2.deviceId, "NOSUCHDEVICE"] });
    expect(Object.keys(one.device_keys[b.userId])).to.deep.equal([b2.deviceId]);
  });

  it("lists users of other servers under failures, since it cannot ask their servers yet", async () => {
    const a = await KeysClient.make(server());
    const res = await a.query({ "@alice:elsewhere.example": [], [a.userId]: [] });
    expect(Object.keys(res.failures)).to.deep.equal(["elsewhere.example"]);
    expect(res.device_keys).to.deep.equal({ [a.userId]: {} });
    const claimed = await a.claim({ "@alice:elsewhere.example": { DEV: "signed_curve25519" } });
    expect(claimed).to.deep.equal({ one_time_keys: {}, failures: { "elsewhere.example": claimed.failures["elsewhere.example"] } });
  });

  it("refuses malformed queries and claims", async () => {
    const a = await KeysClient.make(server());
    await a.expectError("POST", "/keys/query", 400, "M_MISSING_PARAM", { spec: "/keys/query", body: {} });
    await a.expectError("POST", "/keys/query", 400, "M_BAD_JSON", { spec: "/keys/query", body: { device_keys: { [a.userId]: "all" } } });
    await a.expectError("POST", "/keys/query", 400, "M_BAD_JSON", { spec: "/keys/query", body: { device_keys: { "not a user": [] } } });
    await a.expectError("POST", "/keys/claim", 400, "M_MISSING_PARAM", { spec: "/keys/claim", body: {} });
    await a.expectError("POST", "/keys/claim", 400, "M_BAD_JSON", {
      spec: "/keys/claim",
      body: { one_time_keys: { [a.userId]: { D: 5 } } },
    });
    await a.expectError("POST", "/keys/claim", 400, "M_BAD_JSON", { spec: "/keys/claim", body: { one_time_keys: { [a.userId]: ["D"] } } });
    await a.expectError("POST", "/keys/query", 401, "M_MISSING_TOKEN", { spec: "/keys/query", body: { device_keys: {} }, token: null });
  });

  it("hands out each one-time key once, oldest upload first, then the fallback key, marked used but given again", async () => {
    const a = await KeysClient.make(server());
    const b = await KeysClient.make(server());
    const first = b.crypto.oneTimeKeys(2);
    await b.upload({ device_keys: b.crypto.deviceKeys(), one_time_keys: first });
    const second = b.crypto.oneTimeKeys(1);
    await b.upload({ one_time_keys: second });
    const fallback = b.crypto.fallbackKey();
    await b.upload({ fallback_keys: fallback });
    const want = { [b.userId]: { [b.deviceId]: "signed_curve25519", NOSUCHDEVICE: "signed_curve25519" } };

    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await a.claim(want);
      expect(Object.keys(res.one_time_keys[b.userId])).to.deep.equal([b.deviceId]);
      const keys = res.one_time_keys[b.userId][b.deviceId] as Record<string, Json>;
      const [[keyId, key]] = Object.entries(keys) as [[string, Json]];
      expect(verifiedBy(key, b.userId, b.deviceId, b.crypto.ed25519)).to.equal(true);
      got.push(keyId);
    }
    expect(got.slice(0, 2).sort()).to.deep.equal(Object.keys(first).sort());
    expect(got[2]).to.equal(Object.keys(second)[0]);
    expect(await b.upload({})).to.deep.equal({ signed_curve25519: 0 });

    const [fallbackId] = Object.keys(fallback);
    // /sync learns of changed counts from the key-change log: soon after the change, not at once.
    const fallbackTypesBecome = (types: string[]) =>
      eventually(
        async () => JSON.stringify((await b.sync()).device_unused_fallback_key_types) === JSON.stringify(types),
        10_000,
        `device_unused_fallback_key_types ${JSON.stringify(types)}`,
      );
    await fallbackTypesBecome(["signed_curve25519"]);
    for (let i = 0; i < 2; i++) {
      const res = await a.claim(want);
      expect(res.one_time_keys[b.userId][b.deviceId]).to.deep.equal({ [fallbackId!]: fallback[fallbackId!] });
    }
    await fallbackTypesBecome([]);
    // The same fallback key again stays used; a new one is unused.
    await b.upload({ fallback_keys: fallback });
    await fallbackTypesBecome([]);
    await b.upload({ fallback_keys: b.crypto.fallbackKey() });
    await fallbackTypesBecome(["signed_curve25519"]);
    // An algorithm the device has no keys of: nothing.
    expect((await a.claim({ [b.userId]: { [b.deviceId]: "curve25519" } })).one_time_keys).to.deep.equal({});
  });

  it("50 concurrent claims of a device's last 50 keys hand out each key exactly once", async () => {
    const a = await KeysClient.make(server());
    const b = await KeysClient.make(server());
    const otks = b.crypto.oneTimeKeys(50);
    await b.upload({ device_keys: b.crypto.deviceKeys(), one_time_keys: otks });
    const claimers = await Promise.all([0, 1, 2, 3, 4].map(() => KeysClient.make(server())));
    const want = { [b.userId]: { [b.deviceId]: "signed_curve25519" } };
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => claimers[i % claimers.length]!.claim(want)));
    const ids = results.map((r) => Object.keys(r.one_time_keys[b.userId]?.[b.deviceId] ?? {})[0]);
    expect(
      ids.every((id) => id !== undefined),
      "every claim got a key",
    ).to.equal(true);
    expect(new Set(ids).size).to.equal(50);
    expect([...ids].sort()).to.deep.equal(Object.keys(otks).sort());
    expect(await b.upload({})).to.deep.equal({ signed_curve25519: 0 });
    expect((await a.claim(want)).one_time_keys).to.deep.equal({});
  });
}
