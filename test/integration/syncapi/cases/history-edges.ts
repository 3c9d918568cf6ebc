import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { bodies, joined, roomPath, SyncClient, twoMemberRoom, type Json } from "../../../../testing/sync-client.js";

const limit = (n: number) => ({ filter: JSON.stringify({ room: { timeline: { limit: n } } }) });

/** Issue 14 item 7: paging back from a sync, and /context of what the user may not see. */
export function historyEdgeCases(server: () => Deployment): void {
  it("/messages back from an initial sync's prev_batch gives the events before the timeline, with end while more may follow", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    let last = "";
    for (let i = 0; i < 6; i++) last = await a.send(roomId, `p${i}`);
    await b.seen(roomId, last);
    const timeline = joined(await b.sync(limit(2)), roomId).timeline;
    expect(bodies(timeline.events)).to.deep.equal(["p4", "p5"]);
    const page = await b.messages(roomId, { from: timeline.prev_batch, limit: "2" });
    expect(bodies(page.chunk)).to.deep.equal(["p3", "p2"]);
    expect(page.end, "more may follow").to.be.a("string");
    // Paging on reaches the room's start: the whole room, once, then no end.
    const seen: Json[] = [...page.chunk];
    let from = page.end as string;
    for (let i = 0; i < 20 && from; i++) {
      const next = await b.messages(roomId, { from, limit: "3" });
      seen.push(...next.chunk);
      if (next.chunk.length > 0) expect(next.end, "a page with events says where to go on").to.be.a("string");
      from = next.end;
    }
    expect(from, "the room's start was reached").to.equal(undefined);
    expect(bodies(seen)).to.deep.equal(["p3", "p2", "p1", "p0"]);
    expect(seen.at(-1)!.type).to.equal("m.room.create");
  });

  it("/messages back from the prev_batch of a timeline that holds the whole room is empty, with no end", async () => {
    const a = await SyncClient.make(server(), "a");
    const roomId = await a.createRoom({ preset: "private_chat" });
    await a.send(roomId, "only");
    const timeline = joined(await a.sync(limit(50)), roomId).timeline;
    expect(timeline.limited).to.equal(false);
    expect(timeline.events[0].type).to.equal("m.room.create");
    const page = await a.messages(roomId, { from: timeline.prev_batch, limit: "10" });
    expect(page.chunk).to.deep.equal([]);
    expect(page).to.not.have.property("end");
  });

  it("/messages back from an incremental sync's prev_batch gives what came before that timeline", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    await a.send(roomId, "older");
    const start = await b.sync();
    await a.send(roomId, "newer");
    const res = await b.syncUntil(start.next_batch, (r) => !!r.rooms.join[roomId]);
    const timeline = joined(res, roomId).timeline;
    expect(bodies(timeline.events)).to.deep.equal(["newer"]);
    const page = await b.messages(roomId, { from: timeline.prev_batch, limit: "1" });
    expect(bodies(page.chunk)).to.deep.equal(["older"]);
    expect(page.end).to.be.a("string");
  });

  it("/context of an event the user may not see is 403, of an unknown event 404", async () => {
    const a = await SyncClient.make(server(), "a");
    const roomId = await a.createRoom({
      preset: "public_chat",
      initial_state: [{ type: "m.room.history_visibility", state_key: "", content: { history_visibility: "joined" } }],
    });
    const secret = await a.send(roomId, "before you came");
    const late = await SyncClient.make(server(), "late");
    const spec = { spec: "/rooms/{roomId}/context/{eventId}" };
    // Not a member at all, then a member who joined after the event.
    await late.expectError("GET", roomPath(roomId, `/context/${encodeURIComponent(secret)}`), 403, "M_FORBIDDEN", spec);
    await late.join(roomId);
    await late.expectError("GET", roomPath(roomId, `/context/${encodeURIComponent(secret)}`), 403, "M_FORBIDDEN", spec);
    await late.expectError("GET", roomPath(roomId, "/context/%24nope"), 404, "M_NOT_FOUND", spec);
    const ctx = await a.get(roomPath(roomId, `/context/${encodeURIComponent(secret)}`), spec.spec);
    expect(ctx.event.event_id).to.equal(secret);
  });
}
