import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { joined, roomPath, type Json } from "../../../../testing/sync-client.js";
import { twoMemberRoom } from "../../../../testing/sync-client.js";

export function ephemeralCases(server: () => Deployment): void {
  it("typing reaches the room's members through sync, and its end too", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const start = await b.sync();
    await a.expectOk("PUT", roomPath(roomId, `/typing/${encodeURIComponent(a.userId)}`), { body: { typing: true, timeout: 20000 } });
    const typing = (r: Json) => r.rooms.join[roomId]?.ephemeral.events.find((e: Json) => e.type === "m.typing")?.content.user_ids;
    const on = await b.syncUntil(start.next_batch, (r) => typing(r)?.includes(a.userId));
    await a.expectOk("PUT", roomPath(roomId, `/typing/${encodeURIComponent(a.userId)}`), { body: { typing: false } });
    const off = await b.syncUntil(on.next_batch, (r) => Array.isArray(typing(r)));
    expect(typing(off)).to.deep.equal([]);
  });

  it("receipts arrive as m.receipt and reset the unread count; private receipts stay private", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const eventId = await a.send(roomId, "read me");
    expect(joined(await b.sync(), roomId).unread_notifications.notification_count).to.equal(1);
    const start = await a.sync();
    await b.expectOk("POST", roomPath(roomId, `/receipt/m.read/${encodeURIComponent(eventId)}`), { body: {} });
    const res = await a.syncUntil(
      start.next_batch,
      (r) => !!r.rooms.join[roomId]?.ephemeral.events.some((e: Json) => e.type === "m.receipt"),
    );
    const receipt = joined(res, roomId).ephemeral.events.find((e: Json) => e.type === "m.receipt");
    expect(receipt.content[eventId]["m.read"]).to.have.property(b.userId);
    expect(joined(await b.sync(), roomId).unread_notifications.notification_count).to.equal(0);
    const later = await a.sync();
    await b.expectOk("POST", roomPath(roomId, `/receipt/m.read.private/${encodeURIComponent(eventId)}`), { body: {} });
    await a.send(roomId, "ping");
    const afterPrivate = await a.syncUntil(later.next_batch, (r) => !!r.rooms.join[roomId]);
    expect(JSON.stringify(afterPrivate)).to.not.contain("m.read.private");
  });

  it("account data, global and per room, comes through sync", async () => {
    const { b, roomId } = await twoMemberRoom(server());
    const start = await b.sync();
    await b.expectOk("PUT", `/user/${encodeURIComponent(b.userId)}/account_data/org.example.global`, { body: { g: 1 } });
    await b.expectOk("PUT", `/user/${encodeURIComponent(b.userId)}/rooms/${encodeURIComponent(roomId)}/account_data/org.example.room`, {
      body: { r: 2 },
    });
    // The two changes may arrive in one response or in two (the second after the first's token).
    const global: Json[] = [];
    const inRoom: Json[] = [];
    await b.syncUntil(start.next_batch, (r) => {
      global.push(...r.account_data.events);
      inRoom.push(...(r.rooms.join[roomId]?.account_data.events ?? []));
      return global.length > 0 && inRoom.length > 0;
    });
    expect(global).to.deep.include({ type: "org.example.global", content: { g: 1 } });
    expect(inRoom).to.deep.include({ type: "org.example.room", content: { r: 2 } });
  });
}
