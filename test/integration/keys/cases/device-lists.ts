import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import type { Json } from "../device-crypto.js";
import { KeysClient } from "../keys-client.js";

/** Key counts and device lists in /sync, GET /keys/changes, and keys dropped with their device. */
export function deviceListCases(server: () => Deployment): void {
  const roomOf = async () => {
    const a = await KeysClient.make(server(), "a");
    const b = await KeysClient.make(server(), "b");
    const roomId = await a.createRoom({ preset: "public_chat" });
    await b.join(roomId);
    return { a, b, roomId };
  };

  it("a sync reports the device's key counts and wakes when another user claims one of its keys", async () => {
    const { a, b } = await roomOf();
    await b.uploadAll(3);
    const first = await b.sync();
    expect(first.device_one_time_keys_count).to.deep.equal({ signed_curve25519: 3 });
    expect(first.device_unused_fallback_key_types).to.deep.equal(["signed_curve25519"]);
    // Past whatever is pending (b's join, presence), a long poll has only the claim to wake it.
    let token = first.next_batch;
    for (let i = 0; i < 20; i++) {
      const next = (await b.sync({ since: token, timeout: "0" })).next_batch;
      if (next === token) break;
      token = next;
    }
    // Polls that outlast the test's timeout unless the claim wakes them.
    let waiting = b.sync({ since: token, timeout: "50000" });
    await a.claim({ [b.userId]: { [b.deviceId]: "signed_curve25519" } });
    let woken = await waiting;
    while (woken.device_one_time_keys_count.signed_curve25519 === 3) {
      waiting = b.sync({ since: woken.next_batch, timeout: "50000" });
      woken = await waiting;
    }
    expect(woken.device_one_time_keys_count).to.deep.equal({ signed_curve25519: 2 });
    // Only the owner's device list counts changed: a is not told that b's devices changed.
    const aFirst = await a.sync();
    await a.claim({ [b.userId]: { [b.deviceId]: "signed_curve25519" } });
    const bAfter = await b.syncUntil(woken.next_batch, (r) => r.device_one_time_keys_count.signed_curve25519 === 1);
    expect(bAfter.device_lists.changed ?? []).to.not.include(b.userId);
    const aAfter = await a.sync({ since: aFirst.next_batch });
    expect(aAfter.device_lists.changed ?? []).to.not.include(b.userId);
  });

  it("a sync after more one-time keys are uploaded reports the new count, not the one it kept", async () => {
    const b = await KeysClient.make(server(), "b");
    await b.uploadAll(3);
    const first = await b.sync();
    expect(first.device_one_time_keys_count).to.deep.equal({ signed_curve25519: 3 });
    expect(await b.upload({ one_time_keys: b.crypto.oneTimeKeys(2) })).to.deep.equal({ signed_curve25519: 5 });
    const after = await b.syncUntil(first.next_batch, (r) => r.device_one_time_keys_count.signed_curve25519 !== 3);
    expect(after.device_one_time_keys_count).to.deep.equal({ signed_curve25519: 5 });
  });

  it("device_lists.changed and /keys/changes name a roommate who uploads new device keys, not a stranger", async () => {
    const { a, b } = await roomOf();
    const stranger = await KeysClient.make(server(), "x");
    const start = await a.sync();
    const strangerStart = await stranger.sync();
    const b2 = await b.newDevice();
    await b2.upload({ device_keys: b2.crypto.deviceKeys() });
    const res = await a.syncUntil(start.next_batch, (r) => (r.device_lists.changed ?? []).includes(b.userId));
    expect(res.device_lists.left ?? []).to.deep.equal([]);
    const changes = await a.changes(start.next_batch, res.next_batch);
    expect(changes.changed).to.include(b.userId);
    expect(changes.left).to.deep.equal([]);
    const strangerNow = await stranger.sync({ since: strangerStart.next_batch });
    expect(strangerNow.device_lists.changed ?? []).to.not.include(b.userId);
    expect((await stranger.changes(strangerStart.next_batch, strangerNow.next_batch)).changed).to.not.include(b.userId);
  });

  it("/keys/changes names those who left all shared rooms, and refuses tokens it did not make", async () => {
    const { a, b, roomId } = await roomOf();
    const start = await a.sync();
    await b.leave(roomId);
    const res = await a.syncUntil(start.next_batch, (r) => (r.device_lists.left ?? []).includes(b.userId));
    const changes = await a.changes(start.next_batch, res.next_batch);
    expect(changes).to.deep.equal({ changed: [], left: [b.userId] });
    await a.expectError("GET", "/keys/changes", 400, "M_INVALID_PARAM", {
      spec: "/keys/changes",
      query: { from: "nonsense", to: res.next_batch },
    });
    await a.expectError("GET", "/keys/changes", 400, "M_INVALID_PARAM", { spec: "/keys/changes", query: { to: res.next_batch } });
    await a.expectError("GET", "/keys/changes", 401, "M_MISSING_TOKEN", {
      spec: "/keys/changes",
      query: { from: start.next_batch, to: res.next_batch },
      token: null,
    });
  });

  it("deleting a device drops its keys and tells its owner's roommates", async () => {
    const { a, b } = await roomOf();
    const b2 = await b.newDevice();
    await b2.uploadAll(2);
    await b.uploadAll(1);
    const start = await a.sync();
    const first = await b.request("DELETE", `/devices/${b2.deviceId}`, { body: {} });
    await b.expectOk("DELETE", `/devices/${b2.deviceId}`, { body: { auth: b.passwordAuth(first.body.session) } });
    await a.syncUntil(start.next_batch, (r) => (r.device_lists.changed ?? []).includes(b.userId));
    const devices = (await a.query({ [b.userId]: [] })).device_keys[b.userId] as Json;
    expect(Object.keys(devices)).to.deep.equal([b.deviceId]);
    const claimed = await a.claim({ [b.userId]: { [b2.deviceId]: "signed_curve25519" } });
    expect(claimed.one_time_keys).to.deep.equal({});
  });

  it("logging out all devices drops every device's keys and tells the roommates", async () => {
    const { a, b } = await roomOf();
    const b2 = await b.newDevice();
    await b.uploadAll(1);
    await b2.uploadAll(1);
    const start = await a.sync();
    await b2.expectOk("POST", "/logout/all", { body: {} });
    await a.syncUntil(start.next_batch, (r) => (r.device_lists.changed ?? []).includes(b.userId));
    expect((await a.query({ [b.userId]: [] })).device_keys[b.userId]).to.deep.equal({});
    expect(
      (await a.claim({ [b.userId]: { [b.deviceId]: "signed_curve25519", [b2.deviceId]: "signed_curve25519" } })).one_time_keys,
    ).to.deep.equal({});
  });
}
