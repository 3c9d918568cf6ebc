import { expect } from "chai";
import { checkContentHash, encodeCanonicalJson } from "../../../../components/protocol/index.js";
import type { Deployment } from "../../../../testing/deployment.js";
import type { RoomInspector } from "../../clientapi/room-client.js";
import { roomPath, SyncClient, twoMemberRoom, type Json } from "../../../../testing/sync-client.js";

const enc = encodeURIComponent;

/** Waits until `reader`'s sync shows `eventId` in `roomId`: the room's events still flow to readers. */
async function delivered(reader: SyncClient, since: string, roomId: string, eventId: string): Promise<Json> {
  const res = await reader.syncUntil(
    since,
    (r) => ((r.rooms?.join?.[roomId]?.timeline?.events ?? []) as Json[]).some((e) => e.event_id === eventId),
    {},
    30_000,
  );
  return (res.rooms.join[roomId].timeline.events as Json[]).find((e) => e.event_id === eventId)!;
}

/**
 * Issue 12, item 2 (and the wedges of item 1 reached through the client API): text that
 * PostgreSQL cannot hold (U+0000, lone surrogates) and bodies that are not UTF-8. Each route
 * the issue lists answers 400 with the Matrix error the spec gives (M_INVALID_PARAM for path
 * and query parameters, M_BAD_JSON for body fields, M_NOT_JSON for bodies that are not
 * JSON), never 500, and nothing that is refused stops a room or a reader. Event content may
 * hold U+0000: it is stored and served byte for byte.
 */
export function unstorableTextCases(server: () => Deployment, inspector: () => RoomInspector): void {
  it("profile display name with U+0000: 400 M_BAD_JSON, the profile unchanged", async () => {
    const a = await SyncClient.make(server());
    const path = `/profile/${enc(a.userId)}/displayname`;
    await a.expectError("PUT", path, 400, "M_BAD_JSON", { spec: "/profile/{userId}/{keyName}", body: { displayname: "a\u0000b" } });
    expect((await a.expectOk("GET", path)).displayname).to.equal(a.userId.slice(1).split(":")[0]);
  });

  it("account data with U+0000 in the value or the type, global and per room: 400", async () => {
    const a = await SyncClient.make(server());
    const roomId = await a.createRoom();
    const user = `/user/${enc(a.userId)}`;
    await a.expectError("PUT", `${user}/account_data/org.example.x`, 400, "M_BAD_JSON", { body: { v: "a\u0000b" } });
    await a.expectError("PUT", `${user}/account_data/org.example.x`, 400, "M_BAD_JSON", { body: { "k\u0000": 1 } });
    await a.expectError("PUT", `${user}/account_data/org.ex%00b`, 400, "M_INVALID_PARAM", { body: { v: 1 } });
    await a.expectError("GET", `${user}/account_data/org.ex%00b`, 400, "M_INVALID_PARAM");
    await a.expectError("PUT", `${user}/rooms/${enc(roomId)}/account_data/org.example.x`, 400, "M_BAD_JSON", { body: { v: "a\u0000b" } });
    await a.expectError("PUT", `${user}/rooms/${enc(roomId)}/account_data/org.ex%00b`, 400, "M_INVALID_PARAM", { body: { v: 1 } });
    await a.expectError("GET", `${user}/account_data/org.example.x`, 404, "M_NOT_FOUND");
  });

  it("lone surrogates in a body: 400 M_BAD_JSON; a body that is not UTF-8: 400 M_NOT_JSON, never repaired to U+FFFD", async () => {
    const a = await SyncClient.make(server());
    const path = `/user/${enc(a.userId)}/account_data/org.example.x`;
    await a.expectError("PUT", path, 400, "M_BAD_JSON", { rawBody: '{"v":"a\\ud800b"}' });
    await a.expectError("PUT", path, 400, "M_BAD_JSON", { rawBody: '{"\\udc00":1}' });
    const notUtf8 = Buffer.concat([Buffer.from('{"v":"'), Buffer.from([0xff, 0xed, 0xa0, 0x80]), Buffer.from('"}')]);
    await a.expectError("PUT", path, 400, "M_NOT_JSON", { rawBody: notUtf8 });
    await a.expectError("GET", path, 404, "M_NOT_FOUND");
  });

  it("filters with U+0000, uploaded or inline in /sync: 400 M_BAD_JSON", async () => {
    const a = await SyncClient.make(server());
    await a.expectError("POST", `/user/${enc(a.userId)}/filter`, 400, "M_BAD_JSON", {
      spec: "/user/{userId}/filter",
      body: { room: { timeline: { types: ["a\u0000b"] } } },
    });
    await a.expectError("GET", `/user/${enc(a.userId)}/filter/1%00`, 400, "M_INVALID_PARAM");
    await a.expectError("GET", "/sync", 400, "M_BAD_JSON", {
      query: { filter: JSON.stringify({ room: { timeline: { types: ["a\u0000b"] } } }) },
    });
    await a.expectError("GET", "/sync", 400, "M_INVALID_PARAM", { query: { filter: "1\u0000" } });
  });

  it("device display name with U+0000, and device IDs with it in the path or a body: 400", async () => {
    const a = await SyncClient.make(server());
    await a.expectError("PUT", `/devices/${enc(a.deviceId)}`, 400, "M_BAD_JSON", { body: { display_name: "a\u0000b" } });
    await a.expectError("GET", "/devices/A%00B", 400, "M_INVALID_PARAM");
    await a.expectError("POST", "/delete_devices", 400, "M_BAD_JSON", { body: { devices: ["A\u0000B"] } });
    const devices = await a.expectOk("GET", "/devices");
    expect((devices.devices as Json[]).map((d) => d.display_name)).to.not.include("a\u0000b");
  });

  it("/login with U+0000 in the user, password or device: 400 M_BAD_JSON", async () => {
    const a = await SyncClient.make(server());
    const login = (fields: Json) => ({
      token: null,
      body: { type: "m.login.password", identifier: { type: "m.id.user", user: a.userId }, password: a.password, ...fields },
    });
    await a.expectError("POST", "/login", 400, "M_BAD_JSON", login({ identifier: { type: "m.id.user", user: "a\u0000b" } }));
    await a.expectError("POST", "/login", 400, "M_BAD_JSON", login({ device_id: "D\u0000" }));
    await a.expectError("POST", "/login", 400, "M_BAD_JSON", login({ initial_device_display_name: "\u0000" }));
    await a.expectOk("POST", "/login", login({}));
  });

  it("event, context, messages, receipts and read markers with U+0000 in an ID: 400 M_INVALID_PARAM / M_BAD_JSON", async () => {
    const a = await SyncClient.make(server());
    const roomId = await a.createRoom();
    const eventId = await a.send(roomId, "hello");
    const room = roomPath(roomId);
    await a.expectError("GET", `${room}/event/%24a%00b`, 400, "M_INVALID_PARAM");
    await a.expectError("GET", `${room}/context/%24a%00b`, 400, "M_INVALID_PARAM");
    await a.expectError("GET", "/rooms/!a%00b%3Aelsewhere/messages", 400, "M_INVALID_PARAM");
    await a.expectError("GET", `${room}/messages`, 400, "M_INVALID_PARAM", { query: { from: "t1\u0000", dir: "b" } });
    await a.expectError("POST", `${room}/receipt/m.read/%24a%00b`, 400, "M_INVALID_PARAM", { body: {} });
    await a.expectError("POST", `${room}/receipt/m.read%00/${enc(eventId)}`, 400, "M_INVALID_PARAM", { body: {} });
    await a.expectError("POST", `${room}/receipt/m.read/${enc(eventId)}`, 400, "M_BAD_JSON", { body: { thread_id: "$a\u0000" } });
    await a.expectError("POST", `${room}/read_markers`, 400, "M_BAD_JSON", { body: { "m.fully_read": "$a\u0000b" } });
    await a.expectOk("POST", `${room}/read_markers`, { body: { "m.fully_read": eventId } });
  });

  it("profile look-ups of IDs with U+0000: 400 M_INVALID_PARAM", async () => {
    const a = await SyncClient.make(server());
    await a.expectError("GET", `/profile/%40a%00b%3A${enc(server().serverName)}`, 400, "M_INVALID_PARAM");
    await a.expectError("GET", `/profile/%40a%00b%3A${enc(server().serverName)}/displayname`, 400, "M_INVALID_PARAM");
  });

  it("push rules with U+0000 in the rule ID, a query parameter or the body: 400", async () => {
    const a = await SyncClient.make(server());
    await a.expectError("PUT", "/pushrules/global/override/a%00b", 400, "M_INVALID_PARAM", { body: { actions: [] } });
    await a.expectError("PUT", "/pushrules/global/override/ab", 400, "M_INVALID_PARAM", {
      body: { actions: [] },
      query: { before: "x\u0000" },
    });
    await a.expectError("PUT", "/pushrules/global/override/ab", 400, "M_BAD_JSON", {
      body: { actions: ["notify"], conditions: [{ kind: "event_match", key: "content.body", pattern: "a\u0000" }] },
    });
    await a.expectError("PUT", "/pushrules/global/content/ab", 400, "M_BAD_JSON", { body: { actions: [], pattern: "\u0000" } });
    await a.expectError("PUT", "/pushrules/global/override/.m.rule.master/actions", 400, "M_BAD_JSON", {
      body: { actions: [{ set_tweak: "sound", value: "a\u0000" }] },
    });
    await a.expectError("GET", "/pushrules/global/override/ab", 404, "M_NOT_FOUND");
  });

  it("an event type, state key or transaction ID with U+0000: 400 M_INVALID_PARAM, and the room goes on", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const { next_batch: since } = await b.sync();
    const room = roomPath(roomId);
    await a.expectError("PUT", `${room}/send/org.ex%00b/t1`, 400, "M_INVALID_PARAM", { body: { a: 1 } });
    await a.expectError("PUT", `${room}/state/org.example/a%00b`, 400, "M_INVALID_PARAM", { body: { a: 1 } });
    await a.expectError("PUT", `${room}/state/org.ex%00b/`, 400, "M_INVALID_PARAM", { body: { a: 1 } });
    await a.expectError("PUT", `${room}/send/m.room.message/tx%00y`, 400, "M_INVALID_PARAM", { body: { msgtype: "m.text", body: "x" } });
    await a.expectError("PUT", `${room}/redact/%24a%00b/t2`, 400, "M_INVALID_PARAM", { body: {} });
    // The room and its readers are not stuck: a later message is stored and delivered.
    const later = await a.send(roomId, "after the refusals");
    await delivered(b, since, roomId, later);
  });

  it("a status message with U+0000: 400 M_BAD_JSON, and presence keeps flowing", async () => {
    const { a, b } = await twoMemberRoom(server());
    const path = `/presence/${enc(a.userId)}/status`;
    await a.expectError("PUT", path, 400, "M_BAD_JSON", { body: { presence: "online", status_msg: "a\u0000b" } });
    await a.expectError("PUT", path, 400, "M_BAD_JSON", { body: { presence: "online", status_msg: "a\ud800b" } });
    await a.expectOk("PUT", path, { body: { presence: "unavailable", status_msg: "back soon" } });
    expect(await b.expectOk("GET", path)).to.include({ presence: "unavailable", status_msg: "back soon" });
  });

  it("U+0000 in event content is stored and served byte for byte (the content hash still holds)", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const { next_batch: since } = await b.sync();
    const content = { msgtype: "m.text", body: "a\u0000b", "org.example.\u0000key": ["\u0000"] };
    const eventId = (await a.expectOk("PUT", `${roomPath(roomId)}/send/m.room.message/nul1`, { body: content })).event_id as string;
    const topicId = (await a.expectOk("PUT", `${roomPath(roomId)}/state/m.room.topic/`, { body: { topic: "t\u0000" } })).event_id as string;

    const { events } = await inspector().api.queryEventsById({ eventIds: [eventId, topicId] });
    expect(events).to.have.length(2);
    for (const stored of events) {
      const text = Buffer.from(stored.eventJson).toString("utf8");
      expect(text, "stored as the escape").to.include("\\u0000").and.not.include("\u0000");
      const parsed = JSON.parse(text) as Json;
      expect(encodeCanonicalJson(parsed), "stored in canonical form").to.equal(text);
      expect(checkContentHash(parsed), "the content hash covers the content as stored").to.equal(true);
    }
    expect((await delivered(b, since, roomId, eventId)).content).to.deep.equal(content);
    expect((await b.expectOk("GET", `${roomPath(roomId)}/event/${enc(eventId)}`)).content).to.deep.equal(content);
    const history = await b.messages(roomId, { limit: "5" });
    expect(history.chunk.find((e: Json) => e.event_id === eventId).content).to.deep.equal(content);
    expect(await b.expectOk("GET", `${roomPath(roomId)}/state/m.room.topic/`)).to.deep.equal({ topic: "t\u0000" });
  });

  it("U+0000 where readers index content (history visibility, relations) stops nothing", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    const { next_batch: since } = await b.sync();
    const room = roomPath(roomId);
    await a.expectOk("PUT", `${room}/state/m.room.history_visibility/`, { body: { history_visibility: "shared\u0000" } });
    const target = await a.send(roomId, "target");
    const relation = { "m.relates_to": { rel_type: "m.annotation\u0000", event_id: `${target}\u0000`, key: "x" } };
    const related = (await a.expectOk("PUT", `${room}/send/m.reaction/rel1`, { body: relation })).event_id as string;
    const later = await a.send(roomId, "after them");
    expect((await delivered(b, since, roomId, related)).content).to.deep.equal(relation);
    await delivered(b, since, roomId, later);
    // An unknown setting reads as "shared" (the spec's default); the relation is no relation.
    const relations = await b.expectOk("GET", `/_matrix/client/v1/rooms/${enc(roomId)}/relations/${enc(target)}`);
    expect(relations.chunk).to.deep.equal([]);
  });
}
