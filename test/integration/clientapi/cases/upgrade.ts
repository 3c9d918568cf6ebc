import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { eventually } from "../../../../testing/eventually.js";
import { roomPath, SyncClient, type Json } from "../../../../testing/sync-client.js";
import { expectUnchanged, type RoomInspector } from "../room-client.js";

const UPGRADE = { spec: "/rooms/{roomId}/upgrade" };
const RULE = "/pushrules/global/{kind}/{ruleId}";
const GLOBAL_DATA = "/user/{userId}/account_data/{type}";
const ROOM_DATA = "/user/{userId}/rooms/{roomId}/account_data/{type}";
const enc = encodeURIComponent;

/**
 * A state event of a room (with an empty state key), read over HTTP once the readers have it
 * and `ready` holds. Read from the whole state: the spec's schema of one state event in
 * `format=event` (oneOf an object or an event) matches no event.
 */
async function stateEvent(client: SyncClient, roomId: string, type: string, ready: (e: Json) => boolean = () => true): Promise<Json> {
  let event: Json | undefined;
  await eventually(
    async () => {
      const res = await client.request("GET", roomPath(roomId, "/state"), { spec: "/rooms/{roomId}/state" });
      event = res.status === 200 ? (res.body as unknown as Json[]).find((e) => e.type === type && e.state_key === "") : undefined;
      return event !== undefined && ready(event);
    },
    10_000,
    `${type} in ${roomId}`,
  );
  return event!;
}

async function upgrade(client: SyncClient, roomId: string, body: Json): Promise<string> {
  const res = await client.expectOk("POST", `/rooms/${enc(roomId)}/upgrade`, { ...UPGRADE, body });
  return res.replacement_room as string;
}

export function upgradeCases(server: () => Deployment, inspector: () => RoomInspector): void {
  let admin: SyncClient;
  let member: SyncClient;
  before(async () => {
    [admin, member] = await Promise.all([SyncClient.make(server(), "admin"), SyncClient.make(server(), "upmember")]);
    await admin.expectOk("PUT", `/profile/${enc(admin.userId)}/displayname`, {
      spec: "/profile/{userId}/{keyName}",
      body: { displayname: "The Admin" },
    });
  });

  it("upgrades: predecessor names the tombstone, state carried, aliases moved, old room restricted, members' settings carried", async () => {
    const aliasName = `up${Date.now()}`;
    const banned = await SyncClient.make(server(), "upbanned");
    const oldRoom = await admin.createRoom({
      room_version: "9",
      preset: "public_chat",
      visibility: "public",
      name: "Old name",
      topic: "Old topic",
      room_alias_name: aliasName,
      power_level_content_override: { users: { [admin.userId]: 100, [member.userId]: 20 }, events: { "m.room.topic": 20 } },
      initial_state: [
        { type: "m.room.encryption", content: { algorithm: "m.megolm.v1.aes-sha2" } },
        { type: "m.room.history_visibility", content: { history_visibility: "world_readable" } },
      ],
    });
    await member.join(oldRoom);
    await banned.join(oldRoom);
    await admin.expectOk("POST", roomPath(oldRoom, "/ban"), { spec: "/rooms/{roomId}/ban", body: { user_id: banned.userId } });
    // The member's settings for the room: a room push rule, an override rule naming it, a tag, a direct chat.
    await member.expectOk("PUT", `/pushrules/global/room/${enc(oldRoom)}`, { spec: RULE, body: { actions: [] } });
    const condition = { kind: "event_match", key: "room_id", pattern: oldRoom };
    await member.expectOk("PUT", "/pushrules/global/override/loud", { spec: RULE, body: { conditions: [condition], actions: ["notify"] } });
    await member.expectOk("PUT", `/user/${enc(member.userId)}/rooms/${enc(oldRoom)}/account_data/m.tag`, {
      spec: ROOM_DATA,
      body: { tags: { "m.favourite": { order: 0.5 } } },
    });
    await member.expectOk("PUT", `/user/${enc(member.userId)}/account_data/m.direct`, {
      spec: GLOBAL_DATA,
      body: { [admin.userId]: [oldRoom] },
    });

    const newRoom = await upgrade(admin, oldRoom, { new_version: "11" });

    // The old room: the tombstone, named by the new room's predecessor; only moderators may still talk or invite.
    const tombstone = await stateEvent(admin, oldRoom, "m.room.tombstone");
    expect(tombstone.content.replacement_room).to.equal(newRoom);
    const oldPl = await stateEvent(admin, oldRoom, "m.room.power_levels", (e) => e.content.events_default === 50);
    expect(oldPl.content).to.include({ events_default: 50, invite: 50 });
    await member.expectError("PUT", roomPath(oldRoom, "/send/m.room.message/after"), 403, "M_FORBIDDEN", {
      spec: "/rooms/{roomId}/send/{eventType}/{txnId}",
      body: { body: "still here?" },
    });

    // The new room: created by the upgrader, with the old one as predecessor and its state.
    const create = await stateEvent(admin, newRoom, "m.room.create");
    expect(create.content).to.deep.include({ room_version: "11", predecessor: { room_id: oldRoom, event_id: tombstone.event_id } });
    expect(create.sender).to.equal(admin.userId);
    const content = async (type: string) => (await stateEvent(admin, newRoom, type)).content;
    expect((await content("m.room.name")).name).to.equal("Old name");
    expect((await content("m.room.topic")).topic).to.equal("Old topic");
    expect((await content("m.room.join_rules")).join_rule).to.equal("public");
    expect((await content("m.room.encryption")).algorithm).to.equal("m.megolm.v1.aes-sha2");
    expect((await content("m.room.history_visibility")).history_visibility).to.equal("world_readable");
    const pl = await content("m.room.power_levels");
    expect(pl.users).to.deep.include({ [member.userId]: 20, [admin.userId]: 100 });
    expect(pl.events["m.room.topic"]).to.equal(20);

    // Aliases and the directory listing moved (the canonical alias is the last event of the new room's making).
    const alias = `#${aliasName}:${server().serverName}`;
    expect((await admin.expectOk("GET", `/directory/room/${enc(alias)}`, { spec: "/directory/room/{roomAlias}" })).room_id).to.equal(
      newRoom,
    );
    expect((await content("m.room.canonical_alias")).alias).to.equal(alias);
    expect(
      (await admin.expectOk("GET", `/directory/list/room/${enc(newRoom)}`, { spec: "/directory/list/room/{roomId}" })).visibility,
    ).to.equal("public");
    expect(
      (await admin.expectOk("GET", `/directory/list/room/${enc(oldRoom)}`, { spec: "/directory/list/room/{roomId}" })).visibility,
    ).to.equal("private");

    // Members: the upgrader alone is joined (with their profile), the banned stay banned, the others follow.
    const members = await admin.get(roomPath(newRoom, "/members"), "/rooms/{roomId}/members");
    const byUser = new Map((members.chunk as Json[]).map((e) => [e.state_key, e.content]));
    expect(byUser.get(admin.userId)).to.deep.equal({ membership: "join", displayname: "The Admin" });
    expect(byUser.get(banned.userId)?.membership).to.equal("ban");
    expect(byUser.has(member.userId)).to.equal(false);
    await member.join(newRoom);
    await member.send(newRoom, "followed the tombstone");
    await banned.expectError("POST", `/join/${enc(newRoom)}`, 403, "M_FORBIDDEN", { spec: "/join/{roomIdOrAlias}", body: {} });

    // The member's settings for the room reached the new one.
    expect((await member.expectOk("GET", `/pushrules/global/room/${enc(newRoom)}`, { spec: RULE })).actions).to.deep.equal([]);
    const carried = await member.expectOk("GET", `/pushrules/global/override/${enc(newRoom)}`, { spec: RULE });
    expect(carried).to.deep.include({ actions: ["notify"], conditions: [{ ...condition, pattern: newRoom }] });
    const tags = await member.expectOk("GET", `/user/${enc(member.userId)}/rooms/${enc(newRoom)}/account_data/m.tag`, { spec: ROOM_DATA });
    expect(tags).to.deep.equal({ tags: { "m.favourite": { order: 0.5 } } });
    const direct = await member.expectOk("GET", `/user/${enc(member.userId)}/account_data/m.direct`, { spec: GLOBAL_DATA });
    expect(direct).to.deep.equal({ [admin.userId]: [oldRoom, newRoom] });
  });

  it("upgrades to v12: predecessor names the old room's last event, creators are left out of the power levels, the room works", async () => {
    const oldRoom = await admin.createRoom({ room_version: "11", preset: "public_chat" });
    await member.join(oldRoom);
    const last = await member.send(oldRoom, "last words");
    const newRoom = await upgrade(admin, oldRoom, { new_version: "12", additional_creators: [member.userId] });
    expect(newRoom, "a v12 room ID is the create event's hash").to.match(/^![A-Za-z0-9_-]{43}$/);

    const create = await stateEvent(admin, newRoom, "m.room.create");
    expect(create.content).to.deep.include({
      room_version: "12",
      additional_creators: [member.userId],
      predecessor: { room_id: oldRoom, event_id: last },
    });
    expect((await stateEvent(admin, oldRoom, "m.room.tombstone")).content.replacement_room).to.equal(newRoom);
    const users = (await stateEvent(admin, newRoom, "m.room.power_levels")).content.users ?? {};
    expect(users).to.not.have.any.keys(admin.userId, member.userId);

    await member.join(newRoom);
    const message = await member.send(newRoom, "in v12");
    const redaction = await admin.expectOk("PUT", roomPath(newRoom, `/redact/${enc(message)}/up12`), {
      spec: "/rooms/{roomId}/redact/{eventId}/{txnId}",
      body: {},
    });
    expect(redaction.event_id).to.match(/^\$/);
    await member.putState(newRoom, "m.room.topic", "", { topic: "an additional creator may" });
  });

  it("refuses unknown versions, users without power, and bad bodies", async () => {
    const roomId = await admin.createRoom({ preset: "public_chat" });
    await member.join(roomId);
    await expectUnchanged(inspector(), roomId, async () => {
      await admin.expectError("POST", `/rooms/${enc(roomId)}/upgrade`, 400, "M_UNSUPPORTED_ROOM_VERSION", {
        ...UPGRADE,
        body: { new_version: "99" },
      });
      await member.expectError("POST", `/rooms/${enc(roomId)}/upgrade`, 403, "M_FORBIDDEN", { ...UPGRADE, body: { new_version: "11" } });
      await admin.expectError("POST", `/rooms/${enc(roomId)}/upgrade`, 400, "M_MISSING_PARAM", { ...UPGRADE, body: {} });
      await admin.expectError("POST", `/rooms/${enc(roomId)}/upgrade`, 400, "M_BAD_JSON", { ...UPGRADE, body: { new_version: 11 } });
      await admin.expectError("POST", `/rooms/${enc(roomId)}/upgrade`, 400, "M_INVALID_PARAM", {
        ...UPGRADE,
        body: { new_version: "12", additional_creators: ["x"] },
      });
    });
    const outsider = await SyncClient.make(server(), "upoutsider");
    await outsider.expectError("POST", `/rooms/${enc(roomId)}/upgrade`, 403, "M_FORBIDDEN", { ...UPGRADE, body: { new_version: "11" } });
  });
}
