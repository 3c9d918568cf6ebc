import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { eventually } from "../../../../testing/eventually.js";
import { bodies, roomPath, SyncClient, twoMemberRoom, type Json } from "../../../../testing/sync-client.js";

export function historyCases(server: () => Deployment): void {
  it("/messages pages both ways with from, to and limit; end is absent at the end", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    for (let i = 0; i < 5; i++) await a.send(roomId, `h${i}`);
    const text = { filter: JSON.stringify({ types: ["m.room.message"] }) };
    const page1 = await b.messages(roomId, { limit: "2", ...text });
    expect(bodies(page1.chunk)).to.deep.equal(["h4", "h3"]);
    const page2 = await b.messages(roomId, { limit: "2", from: page1.end, ...text });
    expect(bodies(page2.chunk)).to.deep.equal(["h2", "h1"]);
    // page2.end lies just before h1: forward from it comes h1 onwards.
    const forward = await b.messages(roomId, { dir: "f", from: page2.end, limit: "10", ...text });
    expect(bodies(forward.chunk)).to.deep.equal(["h1", "h2", "h3", "h4"]);
    expect(forward).to.not.have.property("end");
    const bounded = await b.messages(roomId, { dir: "f", from: page2.end, to: page1.end, ...text });
    expect(bodies(bounded.chunk)).to.deep.equal(["h1", "h2"]);
    await b.expectError("GET", `/rooms/${encodeURIComponent(roomId)}/messages`, 400, "M_INVALID_PARAM", { query: { dir: "sideways" } });
  });

  it("/messages with lazy_load_members returns the senders' member events", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    await a.send(roomId, "lazy");
    const res = await b.messages(roomId, { limit: "1", filter: JSON.stringify({ lazy_load_members: true }) });
    expect(res.state.map((e: Json) => e.state_key)).to.deep.equal([a.userId]);
  });

  it("/context and /event", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await a.send(roomId, `c${i}`));
    const ctx = await b.get(roomPath(roomId, `/context/${encodeURIComponent(ids[2]!)}`), "/rooms/{roomId}/context/{eventId}", {
      limit: "2",
    });
    expect(ctx.event.content.body).to.equal("c2");
    expect(bodies(ctx.events_before)).to.deep.equal(["c1"]);
    expect(bodies(ctx.events_after)).to.deep.equal(["c3"]);
    expect(ctx.state.map((e: Json) => e.type)).to.include("m.room.create");
    const ev = await b.get(roomPath(roomId, `/event/${encodeURIComponent(ids[4]!)}`), "/rooms/{roomId}/event/{eventId}");
    expect(ev.content.body).to.equal("c4");
    expect(ev.room_id).to.equal(roomId);
    await b.expectError("GET", roomPath(roomId, "/event/%24nope"), 404, "M_NOT_FOUND");
  });

  it("a redacted event comes redacted, with redacted_because, through /sync, /messages and /event", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const secret = await a.send(roomId, "secret");
    const before = await b.sync(); // the syncapi has it (and keeps the newest events in memory)
    const redacted = await a.expectOk("PUT", roomPath(roomId, `/redact/${encodeURIComponent(secret)}/r1`), {
      spec: "/rooms/{roomId}/redact/{eventId}/{txnId}",
      body: {},
    });
    await b.seen(roomId, redacted.event_id as string);
    // The redaction event and the redaction of its target are two outputs: wait for the second.
    const eventPath = roomPath(roomId, `/event/${encodeURIComponent(secret)}`);
    await eventually(
      async () => Object.keys((await b.get(eventPath, "/rooms/{roomId}/event/{eventId}")).content).length === 0,
      10_000,
      "the redaction applied",
    );
    const checkRedacted = (e: Json | undefined, where: string) => {
      expect(e, where).to.not.equal(undefined);
      expect(e!.content, where).to.deep.equal({});
      expect(e!.unsigned.redacted_because.event_id, where).to.equal(redacted.event_id);
    };
    const initial = await b.sync();
    checkRedacted(
      (initial.rooms.join[roomId].timeline.events as Json[]).find((e) => e.event_id === secret),
      "initial /sync",
    );
    const page = await b.messages(roomId, { limit: "5" });
    checkRedacted(
      (page.chunk as Json[]).find((e) => e.event_id === secret),
      "/messages",
    );
    checkRedacted(await b.get(eventPath, "/rooms/{roomId}/event/{eventId}"), "/event");
    const incremental = await b.syncUntil(before.next_batch, (res) => !!res.rooms?.join?.[roomId]);
    const events = incremental.rooms.join[roomId].timeline.events as Json[];
    expect(events.map((e) => e.event_id)).to.deep.equal([redacted.event_id]);
  });

  it("/members with at, membership, not_membership; /joined_members", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const before = await b.messages(roomId, { limit: "1" });
    const c = await (await import("../../../../testing/sync-client.js")).SyncClient.make(server(), "c");
    await a.invite(roomId, c.userId);
    const all = await b.get(roomPath(roomId, "/members"), "/rooms/{roomId}/members");
    expect(all.chunk.map((e: Json) => e.state_key)).to.have.members([a.userId, b.userId, c.userId]);
    const invited = await b.get(roomPath(roomId, "/members"), "/rooms/{roomId}/members", { membership: "invite" });
    expect(invited.chunk.map((e: Json) => e.state_key)).to.deep.equal([c.userId]);
    const notInvited = await b.get(roomPath(roomId, "/members"), "/rooms/{roomId}/members", { not_membership: "invite" });
    expect(notInvited.chunk.map((e: Json) => e.state_key)).to.have.members([a.userId, b.userId]);
    const then = await b.get(roomPath(roomId, "/members"), "/rooms/{roomId}/members", { at: before.start });
    expect(then.chunk.map((e: Json) => e.state_key)).to.have.members([a.userId, b.userId]);
    const joinedMembers = await b.get(roomPath(roomId, "/joined_members"), "/rooms/{roomId}/joined_members");
    expect(Object.keys(joinedMembers.joined)).to.have.members([a.userId, b.userId]);
    await c.expectError("GET", roomPath(roomId, "/joined_members"), 403, "M_FORBIDDEN");
  });

  it("/joined_members carries every member's display name and avatar, the creator's too", async () => {
    const [a, b] = [await SyncClient.make(server(), "jm"), await SyncClient.make(server(), "jm")];
    await a.expectOk("PUT", `/profile/${encodeURIComponent(a.userId)}/avatar_url`, { body: { avatar_url: "mxc://userapi.test/jm" } });
    const roomId = await a.createRoom({ preset: "public_chat" });
    await b.join(roomId);
    const localpart = (userId: string) => userId.slice(1).split(":")[0];
    const { joined } = await b.get(roomPath(roomId, "/joined_members"), "/rooms/{roomId}/joined_members");
    expect(joined).to.deep.equal({
      [a.userId]: { display_name: localpart(a.userId), avatar_url: "mxc://userapi.test/jm" },
      [b.userId]: { display_name: localpart(b.userId) },
    });
  });

  it("/state and /state/{type}/{stateKey}; a former member reads the state as they left it", async () => {
    const { a, b, roomId } = await twoMemberRoom(server(), { preset: "public_chat", name: "Before" });
    const state = await b.get(roomPath(roomId, "/state"), "/rooms/{roomId}/state");
    expect((state as unknown as Json[]).map((e) => e.type)).to.include("m.room.name");
    const name = await b.get(roomPath(roomId, "/state/m.room.name/"), "/rooms/{roomId}/state/{eventType}/{stateKey}");
    expect(name).to.deep.equal({ name: "Before" });
    await b.expectError("GET", roomPath(roomId, "/state/m.room.topic/"), 404, "M_NOT_FOUND");
    await b.leave(roomId);
    await a.putState(roomId, "m.room.name", "", { name: "After" });
    const asLeft = await b.get(roomPath(roomId, "/state/m.room.name/"), "/rooms/{roomId}/state/{eventType}/{stateKey}");
    expect(asLeft).to.deep.equal({ name: "Before" });
  });

  it("/relations lists the children of an event, by rel_type and event type", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const parent = await a.send(roomId, "parent");
    const put = async (type: string, txn: string, content: Json) => {
      const res = await b.expectOk("PUT", roomPath(roomId, `/send/${type}/${txn}`), { body: content });
      await b.seen(roomId, res.event_id as string);
    };
    await put("m.reaction", "r1", { "m.relates_to": { rel_type: "m.annotation", event_id: parent, key: "👍" } });
    await put("m.room.message", "r2", {
      msgtype: "m.text",
      body: "thread reply",
      "m.relates_to": { rel_type: "m.thread", event_id: parent },
    });
    const rel = async (suffix: string): Promise<Json> =>
      (await b.expectOk("GET", `/_matrix/client/v1/rooms/${encodeURIComponent(roomId)}/relations/${encodeURIComponent(parent)}${suffix}`, {
        spec:
          suffix === ""
            ? "/rooms/{roomId}/relations/{eventId}"
            : suffix.split("/").length === 2
              ? "/rooms/{roomId}/relations/{eventId}/{relType}"
              : "/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}",
      })) as Json;
    expect((await rel("")).chunk).to.have.length(2);
    expect((await rel("/m.annotation")).chunk.map((e: Json) => e.type)).to.deep.equal(["m.reaction"]);
    expect((await rel("/m.thread/m.room.message")).chunk.map((e: Json) => e.content.body)).to.deep.equal(["thread reply"]);
  });
}
