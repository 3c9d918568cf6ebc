import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { twoMemberRoom, type Json } from "../../../../testing/sync-client.js";

export function presenceAndToDeviceCases(server: () => Deployment): void {
  it("PUT/GET presence; roommates see it in sync; syncing sets online", async () => {
    const { a, b } = await twoMemberRoom(server());
    const path = `/presence/${encodeURIComponent(a.userId)}/status`;
    await a.expectOk("PUT", path, { spec: "/presence/{userId}/status", body: { presence: "unavailable", status_msg: "lunch" } });
    const got = await b.expectOk("GET", path, { spec: "/presence/{userId}/status" });
    expect(got).to.include({ presence: "unavailable", status_msg: "lunch" });
    expect(got.last_active_ago).to.be.a("number");
    await a.expectError("PUT", path, 400, "M_INVALID_PARAM", { body: { presence: "sleeping" } });
    await b.expectError("PUT", path, 403, "M_FORBIDDEN", { body: { presence: "online" } });
    const start = await b.sync({ set_presence: "offline" });
    await a.sync(); // a sync sets a online again (keeping the status message)
    const res = await b.syncUntil(
      start.next_batch,
      (r) => r.presence.events.some((e: Json) => e.sender === a.userId && e.content.presence === "online"),
      { set_presence: "offline" },
    );
    const mine = res.presence.events.find((e: Json) => e.sender === a.userId);
    expect(mine.content).to.include({ presence: "online", currently_active: true, status_msg: "lunch" });
  });

  it("sending sets the sender online again and updates last_active_ago", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const path = `/presence/${encodeURIComponent(a.userId)}/status`;
    await a.expectOk("PUT", path, { body: { presence: "unavailable", status_msg: "away" } });
    const start = await b.sync({ set_presence: "offline" });
    const beforeSend = Date.now();
    await a.send(roomId, "back again"); // a sends without syncing: only the send can bring a back
    await b.syncUntil(
      start.next_batch,
      (r) => r.presence.events.some((e: Json) => e.sender === a.userId && e.content.presence === "online"),
      { set_presence: "offline" },
    );
    const got = await b.expectOk("GET", path, { spec: "/presence/{userId}/status" });
    expect(got).to.include({ presence: "online", currently_active: true, status_msg: "away" });
    expect(got.last_active_ago, "last active at the send, not at the PUT before it").to.be.at.most(Date.now() - beforeSend);
  });

  it("send-to-device: delivered through sync, to one device or '*', removed once the next since acknowledges it", async () => {
    const { a, b } = await twoMemberRoom(server());
    const start = await b.sync();
    await a.expectOk("PUT", "/sendToDevice/org.example.ping/txn1", {
      spec: "/sendToDevice/{eventType}/{txnId}",
      body: { messages: { [b.userId]: { [b.deviceId]: { n: 1 } } } },
    });
    // The same transaction again is not delivered twice.
    await a.expectOk("PUT", "/sendToDevice/org.example.ping/txn1", { body: { messages: { [b.userId]: { [b.deviceId]: { n: 1 } } } } });
    await a.expectOk("PUT", "/sendToDevice/org.example.ping/txn2", { body: { messages: { [b.userId]: { "*": { n: 2 } } } } });
    // Stay at `start` (not acknowledging) until both arrived.
    let res: Json = {};
    for (let i = 0; i < 50 && (res.to_device?.events.length ?? 0) < 2; i++) res = await b.sync({ since: start.next_batch });
    expect(res.to_device.events).to.deep.equal([
      { sender: a.userId, type: "org.example.ping", content: { n: 1 } },
      { sender: a.userId, type: "org.example.ping", content: { n: 2 } },
    ]);
    const again = await b.sync({ since: start.next_batch });
    expect(again.to_device.events).to.have.length(2); // not acknowledged yet: the same since gets them again
    const acked = await b.sync({ since: res.next_batch });
    expect(acked.to_device.events).to.deep.equal([]);
    const replay = await b.sync({ since: start.next_batch });
    expect(replay.to_device.events).to.deep.equal([]); // deleted for good
  });

  it("send-to-device for users of other servers is accepted and set aside, holding up nothing local", async () => {
    const { a, b } = await twoMemberRoom(server());
    const start = await b.sync();
    const SPEC = { spec: "/sendToDevice/{eventType}/{txnId}" };
    // Several remote recipients, each a log subject of its own, with "*" and with a device.
    for (let i = 0; i < 4; i++) {
      const messages = { [`@far${i}:elsewhere.example`]: { "*": { n: i }, FARDEVICE: { n: i } } };
      await a.expectOk("PUT", `/sendToDevice/org.example.ping/far${i}`, { ...SPEC, body: { messages } });
    }
    await a.expectOk("PUT", "/sendToDevice/org.example.ping/mixed", {
      ...SPEC,
      body: { messages: { "@far:elsewhere.example": { "*": { n: "far" } }, [b.userId]: { [b.deviceId]: { n: "near" } } } },
    });
    const res = await b.syncUntil(start.next_batch, (r) => r.to_device.events.length > 0);
    expect(res.to_device.events).to.deep.equal([{ sender: a.userId, type: "org.example.ping", content: { n: "near" } }]);
    // A recipient that is no user ID is refused, and nothing of the request is sent.
    await a.expectError("PUT", "/sendToDevice/org.example.ping/bad", 400, "M_INVALID_PARAM", {
      ...SPEC,
      body: { messages: { [b.userId]: { [b.deviceId]: { n: "never" } }, "not a user": { D: {} } } },
    });
    await a.expectOk("PUT", "/sendToDevice/org.example.ping/last", {
      ...SPEC,
      body: { messages: { [b.userId]: { [b.deviceId]: { n: "last" } } } },
    });
    const next = await b.syncUntil(res.next_batch, (r) => r.to_device.events.length > 0);
    expect(next.to_device.events.map((e: Json) => e.content.n)).to.deep.equal(["last"]);
  });
}
