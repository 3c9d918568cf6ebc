import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { bodies, joined, SyncClient, twoMemberRoom, type Json } from "../../../../testing/sync-client.js";

const limit = (n: number) => ({ filter: JSON.stringify({ room: { timeline: { limit: n } } }) });
const localpart = (userId: string) => userId.slice(1).split(":")[0]!;

/** Issue 14 item 6: what clients expect of /sync at the edges (new rooms, gaps, heroes, bad filters). */
export function syncGapCases(server: () => Deployment): void {
  it("a room newly joined in an incremental sync has up to timeline.limit events and says limited", async () => {
    const a = await SyncClient.make(server(), "a");
    const b = await SyncClient.make(server(), "b");
    const roomId = await a.createRoom({ preset: "public_chat" });
    for (let i = 0; i < 15; i++) await a.send(roomId, `n${i}`);
    const start = await b.sync(limit(10));
    await b.join(roomId);
    const res = await b.syncUntil(start.next_batch, (r) => !!r.rooms.join[roomId], limit(10));
    const timeline = joined(res, roomId).timeline;
    expect(timeline.events).to.have.length(10);
    expect(timeline.limited).to.equal(true);
    expect(timeline.events.at(-1)).to.deep.include({ type: "m.room.member", state_key: b.userId });
    expect(bodies(timeline.events)).to.deep.equal(["n6", "n7", "n8", "n9", "n10", "n11", "n12", "n13", "n14"]);
    // The same room in an initial sync.
    const initial = joined(await b.sync(limit(10)), roomId).timeline;
    expect(initial.events).to.have.length(10);
    expect(initial.limited).to.equal(true);
  });

  it("after leave and rejoin, the rejoin is in the timeline of the next incremental sync", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const start = await b.sync();
    await b.leave(roomId);
    await a.send(roomId, "while away");
    await b.join(roomId);
    const res = await b.syncUntil(
      start.next_batch,
      (r) =>
        !!r.rooms.join[roomId] &&
        r.rooms.join[roomId].timeline.events.some((e: Json) => e.state_key === b.userId && e.content.membership === "join"),
    );
    const events = joined(res, roomId).timeline.events as Json[];
    const mine = events.filter((e) => e.type === "m.room.member" && e.state_key === b.userId).map((e) => e.content.membership);
    expect(mine.at(-1)).to.equal("join");
    expect(res.rooms.leave ?? {}).to.not.have.property(roomId);
  });

  it("a gapped incremental sync carries exactly the membership changes of the gap in its state", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const c = await SyncClient.make(server(), "c");
    const d = await SyncClient.make(server(), "d");
    const start = await b.sync(limit(2));
    await c.join(roomId);
    await d.join(roomId);
    await c.leave(roomId);
    let last = "";
    for (let i = 0; i < 4; i++) last = await a.send(roomId, `g${i}`);
    await b.seen(roomId, last);
    const res = await b.sync({ since: start.next_batch, ...limit(2) });
    const room = joined(res, roomId);
    expect(room.timeline.limited).to.equal(true);
    expect(bodies(room.timeline.events)).to.deep.equal(["g2", "g3"]);
    const members = (room.state.events as Json[]).filter((e) => e.type === "m.room.member");
    expect(members.map((e) => [e.state_key, e.content.membership])).to.have.deep.members([
      [c.userId, "leave"],
      [d.userId, "join"],
    ]);
    // Nothing else changed in the gap: no other state either.
    expect((room.state.events as Json[]).map((e) => e.type)).to.deep.equal(["m.room.member", "m.room.member"]);
  });

  it("a non-gapped incremental sync after a join and leave shows both in the timeline, nothing in state", async () => {
    const { b, roomId } = await twoMemberRoom(server());
    const c = await SyncClient.make(server(), "c");
    const start = await b.sync();
    await c.join(roomId);
    await c.leave(roomId);
    const res = await b.syncUntil(start.next_batch, (r) =>
      (r.rooms.join[roomId]?.timeline.events ?? []).some((e: Json) => e.state_key === c.userId && e.content.membership === "leave"),
    );
    const room = joined(res, roomId);
    expect(room.timeline.limited).to.equal(false);
    expect(room.state.events).to.deep.equal([]);
  });

  it("summary heroes only for rooms without a name or canonical alias", async () => {
    const a = await SyncClient.make(server(), "a");
    const b = await SyncClient.make(server(), "b");
    const plain = await a.createRoom({ preset: "public_chat" });
    const named = await a.createRoom({ preset: "public_chat", name: "Named" });
    const aliased = await a.createRoom({ preset: "public_chat", room_alias_name: `hero${Date.now()}` });
    for (const roomId of [plain, named, aliased]) await b.join(roomId);
    const res = await b.sync();
    expect(joined(res, plain).summary["m.heroes"]).to.deep.equal([a.userId]);
    expect(joined(res, named).summary).to.not.have.property("m.heroes");
    expect(joined(res, aliased).summary).to.not.have.property("m.heroes");
    expect(joined(res, named).summary["m.joined_member_count"]).to.equal(2);
  });

  it("invalid filter values are 400 M_INVALID_PARAM and the filter changes nothing", async () => {
    const { b } = await twoMemberRoom(server());
    const bad = [
      { room: { timeline: { limit: -1 } } },
      { room: { timeline: { limit: 1.5 } } },
      { room: { timeline: { limit: "ten" } } },
      { room: { state: { limit: -3 } } },
      { presence: { limit: "1" } },
      { event_fields: "content.body" },
      { event_fields: [1] },
      { event_format: "xml" },
      { room: { rooms: "!a:b" } },
      { room: { timeline: { types: [5] } } },
      [],
    ];
    for (const filter of bad) {
      await b.expectError("GET", "/sync", 400, "M_INVALID_PARAM", { spec: "/sync", query: { filter: JSON.stringify(filter) } });
    }
    await b.expectError("GET", "/sync", 400, "M_INVALID_PARAM", { spec: "/sync", query: { filter: "{not json" } });
    // The same filters stored by ID are refused when uploaded.
    const upload = `/user/${encodeURIComponent(b.userId)}/filter`;
    await b.expectError("POST", upload, 400, "M_BAD_JSON", { body: { room: { timeline: { limit: -1 } } } });
    await b.expectError("POST", upload, 400, "M_BAD_JSON", { body: { event_fields: [1] } });
    // A good filter still works after the bad ones.
    expect((await b.sync(limit(1))).next_batch).to.be.a("string");
  });

  it("the presence of a newly shared user comes in the first incremental sync that has the join", async () => {
    const a = await SyncClient.make(server(), "a");
    const c = await SyncClient.make(server(), "c");
    await c.expectOk("PUT", `/presence/${encodeURIComponent(c.userId)}/status`, { body: { presence: "online", status_msg: "new here" } });
    const roomId = await a.createRoom({ preset: "public_chat" });
    const start = await a.sync({ set_presence: "offline" });
    // c stays online without syncing again: only the shared room makes its presence a's business.
    await c.join(roomId);
    const res = await a.syncUntil(
      start.next_batch,
      (r) => (r.rooms.join[roomId]?.timeline.events ?? []).some((e: Json) => e.state_key === c.userId && e.content.membership === "join"),
      { set_presence: "offline" },
    );
    const theirs = (res.presence?.events ?? []).find((e: Json) => e.sender === c.userId);
    expect(theirs, JSON.stringify(res.presence)).to.not.equal(undefined);
    expect(theirs.content).to.include({ presence: "online", status_msg: "new here" });
  });

  it("device_lists.changed names a roommate who logs in on a new device", async () => {
    const { a, b } = await twoMemberRoom(server());
    const start = await b.sync();
    await a.login(localpart(a.userId), a.password);
    const res = await b.syncUntil(start.next_batch, (r) => (r.device_lists?.changed ?? []).includes(a.userId));
    expect(res.device_lists.changed).to.include(a.userId);
    // A user who shares no room with b is not named.
    const stranger = await SyncClient.make(server(), "x");
    const quiet = await b.sync({ since: res.next_batch });
    await stranger.login(localpart(stranger.userId), stranger.password);
    const later = await b.sync({ since: quiet.next_batch });
    expect(later.device_lists?.changed ?? []).to.not.include(stranger.userId);
  });
}
