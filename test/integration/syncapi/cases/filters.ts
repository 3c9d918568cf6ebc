import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { bodies, joined, SyncClient, twoMemberRoom, type Json } from "../../../../testing/sync-client.js";

const f = (filter: Json) => ({ filter: JSON.stringify(filter) });

export function filterCases(server: () => Deployment): void {
  async function busyRoom() {
    const room = await twoMemberRoom(server());
    await room.a.send(room.roomId, "from a");
    await room.b.send(room.roomId, "from b");
    await room.a.expectOk("PUT", `/rooms/${encodeURIComponent(room.roomId)}/send/m.room.message/u1`, {
      body: { msgtype: "m.image", body: "pic", url: "mxc://x/y" },
    });
    const last = await room.a.expectOk("PUT", `/rooms/${encodeURIComponent(room.roomId)}/send/org.custom.thing/c1`, { body: { n: 1 } });
    await room.b.seen(room.roomId, last.event_id as string);
    return room;
  }
  const timelineOf = async (c: SyncClient, roomId: string, filter: Json) =>
    joined(await c.sync(f(filter)), roomId).timeline.events as Json[];

  it("timeline types, not_types (with * wildcards), senders, not_senders, contains_url, limit", async () => {
    const { a, b, roomId } = await busyRoom();
    expect((await timelineOf(b, roomId, { room: { timeline: { types: ["org.*"] } } })).map((e) => e.type)).to.deep.equal([
      "org.custom.thing",
    ]);
    expect((await timelineOf(b, roomId, { room: { timeline: { not_types: ["m.*"] } } })).map((e) => e.type)).to.deep.equal([
      "org.custom.thing",
    ]);
    expect(bodies(await timelineOf(b, roomId, { room: { timeline: { senders: [b.userId], types: ["m.room.message"] } } }))).to.deep.equal([
      "from b",
    ]);
    expect(
      bodies(await timelineOf(b, roomId, { room: { timeline: { not_senders: [a.userId], types: ["m.room.message"] } } })),
    ).to.deep.equal(["from b"]);
    expect(bodies(await timelineOf(b, roomId, { room: { timeline: { contains_url: true } } }))).to.deep.equal(["pic"]);
    expect(bodies(await timelineOf(b, roomId, { room: { timeline: { contains_url: false, types: ["m.room.message"] } } }))).to.deep.equal([
      "from a",
      "from b",
    ]);
    expect(await timelineOf(b, roomId, { room: { timeline: { limit: 1 } } })).to.have.length(1);
  });

  it("room.rooms / not_rooms, and rooms/not_rooms of the timeline filter", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const other = await a.createRoom({ preset: "public_chat" });
    await b.join(other);
    expect(Object.keys((await b.sync(f({ room: { rooms: [roomId] } }))).rooms.join)).to.deep.equal([roomId]);
    expect(Object.keys((await b.sync(f({ room: { not_rooms: [roomId] } }))).rooms.join)).to.not.include(roomId);
    const res = await b.sync(f({ room: { timeline: { not_rooms: [other] } } }));
    expect(joined(res, roomId).timeline.events.length).to.be.greaterThan(0);
  });

  it("state types / not_types, and lazy_load_members with and without include_redundant_members", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const c = await SyncClient.make(server(), "c");
    await c.join(roomId);
    for (let i = 0; i < 3; i++) await a.send(roomId, `lazy${i}`);
    const stateTypes = (r: Json) => joined(r, roomId).state.events.map((e: Json) => e.type);
    expect(stateTypes(await b.sync(f({ room: { state: { types: ["m.room.create"] }, timeline: { limit: 1 } } })))).to.deep.equal([
      "m.room.create",
    ]);
    expect(stateTypes(await b.sync(f({ room: { state: { not_types: ["m.room.member"] }, timeline: { limit: 1 } } })))).to.not.include(
      "m.room.member",
    );
    const lazy = { room: { state: { lazy_load_members: true }, timeline: { limit: 2 } } };
    const first = await b.sync(f(lazy));
    const members = joined(first, roomId)
      .state.events.filter((e: Json) => e.type === "m.room.member")
      .map((e: Json) => e.state_key);
    expect(members).to.have.members([a.userId, b.userId]); // the senders, and the syncing user
    expect(members).to.not.include(c.userId);
    await a.send(roomId, "again");
    const next = await b.syncUntil(first.next_batch, (r) => !!r.rooms.join[roomId], f(lazy));
    expect(joined(next, roomId).state.events.filter((e: Json) => e.type === "m.room.member")).to.have.length(0);
    const redundant = { room: { state: { lazy_load_members: true, include_redundant_members: true }, timeline: { limit: 2 } } };
    const withRedundant = await b.syncUntil(first.next_batch, (r) => !!r.rooms.join[roomId], f(redundant));
    expect(joined(withRedundant, roomId).state.events.map((e: Json) => e.state_key)).to.include(a.userId);
  });

  it("event_fields keeps only the listed paths; event_format federation gives the PDU", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    await a.send(roomId, "fields");
    // The spec's schema requires the fields event_fields may leave out, so this response is not checked against it.
    const raw = (await b.expectOk("GET", "/sync", {
      query: f({ event_fields: ["type", "content.body"], room: { timeline: { types: ["m.room.message"] } } }),
    })) as Json;
    const trimmed = raw.rooms.join[roomId].timeline.events;
    expect(trimmed).to.deep.equal([{ type: "m.room.message", content: { body: "fields" } }]);
    const pdus = await timelineOf(b, roomId, { event_format: "federation", room: { timeline: { types: ["m.room.message"] } } });
    expect(pdus[0]).to.include.keys("auth_events", "prev_events", "depth", "hashes", "signatures");
  });

  it("presence and account_data filters (types, senders, limit); ephemeral and room account_data filters", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    await a.expectOk("PUT", `/presence/${encodeURIComponent(a.userId)}/status`, { body: { presence: "online" } });
    await b.expectOk("PUT", `/user/${encodeURIComponent(b.userId)}/account_data/org.one`, { body: { x: 1 } });
    await b.expectOk("PUT", `/user/${encodeURIComponent(b.userId)}/account_data/org.two`, { body: { x: 2 } });
    await b.expectOk("PUT", `/user/${encodeURIComponent(b.userId)}/rooms/${encodeURIComponent(roomId)}/account_data/org.room`, {
      body: { r: 1 },
    });
    await a.expectOk("PUT", `/rooms/${encodeURIComponent(roomId)}/typing/${encodeURIComponent(a.userId)}`, {
      body: { typing: true, timeout: 30000 },
    });
    // Initial syncs until the syncapi has consumed all of the above (the writers answered first).
    const complete = (r: Json) =>
      r.account_data.events.length >= 2 && (r.rooms.join[roomId]?.ephemeral.events.length ?? 0) > 0 && r.presence.events.length > 0;
    let all = await b.sync();
    for (const end = Date.now() + 10_000; !complete(all) && Date.now() < end;) all = await b.sync();
    expect(complete(all), "everything reached the syncapi").to.equal(true);
    expect(all.presence.events.map((e: Json) => e.sender)).to.include(a.userId);
    const filtered = await b.sync(
      f({
        presence: { senders: [b.userId] },
        account_data: { types: ["org.two"] },
        room: { ephemeral: { not_types: ["m.typing"] }, account_data: { types: ["nothing"] } },
      }),
    );
    expect(filtered.presence.events.map((e: Json) => e.sender)).to.not.include(a.userId);
    expect(filtered.account_data.events.map((e: Json) => e.type)).to.deep.equal(["org.two"]);
    expect(joined(filtered, roomId).ephemeral.events.map((e: Json) => e.type)).to.not.include("m.typing");
    expect(joined(filtered, roomId).account_data.events).to.deep.equal([]);
    const limited = await b.sync(f({ account_data: { limit: 1 }, presence: { not_types: ["m.presence"] } }));
    expect(limited.account_data.events).to.have.length(1);
    expect(limited.presence.events).to.deep.equal([]);
  });

  it("a filter by ID from the userapi; an unknown ID or a malformed inline filter is 400", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    await a.send(roomId, "by id");
    const { filter_id } = await b.expectOk("POST", `/user/${encodeURIComponent(b.userId)}/filter`, {
      body: { room: { timeline: { types: ["m.room.message"] } } },
    });
    expect(bodies(joined(await b.sync({ filter: filter_id as string }), roomId).timeline.events)).to.deep.equal(["by id"]);
    // Filter IDs are per user: the same ID of another user is that user's filter (and the
    // syncapi, which keeps filters it fetched, keeps them apart).
    const other = await a.expectOk("POST", `/user/${encodeURIComponent(a.userId)}/filter`, {
      body: { room: { timeline: { types: ["m.room.member"] } } },
    });
    const theirs = joined(await a.sync({ filter: other.filter_id as string }), roomId).timeline.events as Json[];
    expect(theirs.length).to.be.greaterThan(0);
    expect(theirs.every((e) => e.type === "m.room.member")).to.equal(true);
    expect(bodies(joined(await b.sync({ filter: filter_id as string }), roomId).timeline.events)).to.deep.equal(["by id"]);
    await b.expectError("GET", "/sync", 400, "M_INVALID_PARAM", { query: { filter: "99999" } });
    await b.expectError("GET", "/sync", 400, "M_INVALID_PARAM", { query: { filter: "{not json" } });
    await b.expectError("GET", "/sync", 400, "M_INVALID_PARAM", {
      query: { filter: JSON.stringify({ room: { timeline: { limit: "x" } } }) },
    });
  });
}
