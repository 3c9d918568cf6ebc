import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { bodies, joined, SyncClient, twoMemberRoom } from "../../../../testing/sync-client.js";

export function syncBasicCases(server: () => Deployment): void {
  it("initial sync: joined room with state, timeline, summary, unread counts", async () => {
    const { a, b, roomId } = await twoMemberRoom(server(), { preset: "public_chat", name: "Basics" });
    await a.send(roomId, "hello");
    const res = await b.sync();
    const room = joined(res, roomId);
    expect(bodies(room.timeline.events)).to.deep.equal(["hello"]);
    const stateTypes = [...room.state.events, ...room.timeline.events].map((e: any) => e.type);
    expect(stateTypes).to.include.members(["m.room.create", "m.room.name", "m.room.power_levels"]);
    expect(room.summary["m.joined_member_count"]).to.equal(2);
    expect(room.summary, "a named room has no heroes").to.not.have.property("m.heroes");
    expect(room.unread_notifications.notification_count).to.equal(1);
    expect(room.timeline.events[0]).to.not.have.property("room_id");
    expect(res.next_batch).to.match(/^s[\d_]+$/);
  });

  it("incremental sync returns only what is new; the sender's device sees its transaction ID", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const first = await a.sync();
    await a.send(roomId, "after", "txn-1");
    const next = await a.syncUntil(first.next_batch, (r) => !!r.rooms.join[roomId]);
    const events = joined(next, roomId).timeline.events;
    expect(bodies(events)).to.deep.equal(["after"]);
    expect(events.at(-1).unsigned.transaction_id).to.equal("txn-1");
    const other = await b.sync();
    expect(joined(other, roomId).timeline.events.at(-1).unsigned).to.not.have.property("transaction_id");
  });

  it("limits the timeline and says so, with a prev_batch that pages back through /messages", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    let last = "";
    for (let i = 0; i < 6; i++) last = await a.send(roomId, `m${i}`);
    await b.seen(roomId, last);
    const res = await b.sync({ filter: JSON.stringify({ room: { timeline: { limit: 3 } } }) });
    const room = joined(res, roomId);
    expect(bodies(room.timeline.events)).to.deep.equal(["m3", "m4", "m5"]);
    expect(room.timeline.limited).to.equal(true);
    const older = await b.messages(roomId, { from: room.timeline.prev_batch, limit: "3" });
    expect(bodies(older.chunk)).to.deep.equal(["m2", "m1", "m0"]);
  });

  it("a limited incremental sync carries the state changes hidden before its timeline", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const first = await b.sync();
    await a.putState(roomId, "m.room.topic", "", { topic: "hidden" });
    let last = "";
    for (let i = 0; i < 4; i++) last = await a.send(roomId, `x${i}`);
    await b.seen(roomId, last);
    const res = await b.sync({ since: first.next_batch, filter: JSON.stringify({ room: { timeline: { limit: 2 } } }) });
    const room = joined(res, roomId);
    expect(room.timeline.limited).to.equal(true);
    expect(room.state.events.map((e: any) => e.content.topic)).to.include("hidden");
  });

  it("full_state sends the whole state again", async () => {
    const { b, roomId } = await twoMemberRoom(server());
    const first = await b.sync();
    const again = await b.sync({ since: first.next_batch, full_state: "true" });
    const types = [...joined(again, roomId).state.events, ...joined(again, roomId).timeline.events].map((e: any) => e.type);
    expect(types).to.include("m.room.create");
  });

  it("long-poll wakes for the affected user and only for them", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const outsider = await SyncClient.make(server(), "o");
    const bStart = await b.sync({ set_presence: "offline" });
    const oStart = await outsider.sync({ set_presence: "offline" });
    // Long-polls far longer than the test's own timeout: only an event for the user can end
    // them (a poll that does not wake runs into mocha's timeout rather than passing late).
    let outsiderDone = false;
    const outsiderPoll = outsider
      .sync({ since: oStart.next_batch, timeout: "600000", set_presence: "offline" })
      .then((r) => ((outsiderDone = true), r));
    const poll = b.syncUntil(bStart.next_batch, (r) => !!r.rooms.join[roomId], { set_presence: "offline", timeout: "600000" }, 600_000);
    await new Promise((r) => setTimeout(r, 200));
    await a.send(roomId, "wake up");
    const res = await poll;
    expect(bodies(joined(res, roomId).timeline.events)).to.include("wake up");
    expect(outsiderDone, "an unrelated user's long-poll must keep waiting").to.equal(false);
    // Now something for the outsider: its poll wakes with that, and the message is not in it.
    await a.invite(roomId, outsider.userId);
    const woken = await outsiderPoll;
    expect(woken.rooms.join).to.deep.equal({});
    expect(woken.rooms.invite[roomId], "woken by the invite").to.not.equal(undefined);
  });

  it("invite, join and leave move the room between sections; include_leave shows left rooms", async () => {
    const a = await SyncClient.make(server(), "a");
    const b = await SyncClient.make(server(), "b");
    const roomId = await a.createRoom({ preset: "private_chat", name: "Invites" });
    const start = await b.sync();
    await a.invite(roomId, b.userId);
    const invited = await b.syncUntil(start.next_batch, (r) => !!r.rooms.invite[roomId]);
    const inviteState = invited.rooms.invite[roomId].invite_state.events;
    expect(inviteState.map((e: any) => e.type)).to.include.members(["m.room.name", "m.room.member"]);
    await b.join(roomId);
    const joinedRes = await b.syncUntil(invited.next_batch, (r) => !!r.rooms.join[roomId]);
    expect(joined(joinedRes, roomId).state.events.length + joined(joinedRes, roomId).timeline.events.length).to.be.greaterThan(3);
    await b.leave(roomId);
    const left = await b.syncUntil(joinedRes.next_batch, (r) => !!r.rooms.leave[roomId]);
    expect(left.rooms.leave[roomId].timeline.events.at(-1).content.membership).to.equal("leave");
    expect((await b.sync()).rooms.leave).to.not.have.property(roomId);
    const withLeave = await b.sync({ filter: JSON.stringify({ room: { include_leave: true } }) });
    expect(withLeave.rooms.leave).to.have.property(roomId);
  });

  it("a token stays usable: the same since gives the same answer; a malformed one is 400", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const first = await b.sync();
    await a.send(roomId, "once");
    await b.syncUntil(first.next_batch, (r) => !!r.rooms.join[roomId]);
    const replay = await b.sync({ since: first.next_batch });
    expect(bodies(joined(replay, roomId).timeline.events)).to.deep.equal(["once"]);
    await b.expectError("GET", "/sync", 400, "M_INVALID_PARAM", { query: { since: "garbage" } });
    await b.expectError("GET", "/sync", 401, "M_MISSING_TOKEN", { token: null });
  });
}
