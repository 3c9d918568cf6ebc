import { expect } from "chai";
import type { Deployment } from "../../../helpers/deployment.js";
import { expectUnchanged, RoomClient, type RoomInspector } from "../room-client.js";

const UPGRADE = { spec: "/rooms/{roomId}/upgrade" };
const enc = encodeURIComponent;

export function upgradeCases(server: () => Deployment, inspector: () => RoomInspector): void {
  let admin: RoomClient;
  let member: RoomClient;
  before(async () => {
    [admin, member] = await Promise.all([RoomClient.register(server(), "admin"), RoomClient.register(server(), "upmember")]);
  });

  it("upgrades: new room with the state carried over, predecessor, tombstone, aliases moved, old room restricted", async () => {
    const aliasName = `up${Date.now()}`;
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
    const res = await admin.expectOk("POST", `/rooms/${enc(oldRoom)}/upgrade`, { ...UPGRADE, body: { new_version: "11" } });
    const newRoom = res.replacement_room as string;
    const rs = inspector();

    const create = await rs.state(newRoom, "m.room.create");
    expect(create?.content).to.deep.include({ room_version: "11", predecessor: { room_id: oldRoom } });
    expect((await rs.state(newRoom, "m.room.name"))?.content.name).to.equal("Old name");
    expect((await rs.state(newRoom, "m.room.topic"))?.content.topic).to.equal("Old topic");
    expect((await rs.state(newRoom, "m.room.join_rules"))?.content.join_rule).to.equal("public");
    expect((await rs.state(newRoom, "m.room.encryption"))?.content.algorithm).to.equal("m.megolm.v1.aes-sha2");
    expect((await rs.state(newRoom, "m.room.history_visibility"))?.content.history_visibility).to.equal("world_readable");
    const pl = (await rs.state(newRoom, "m.room.power_levels"))?.content as { users: Record<string, number>; events: Record<string, number> };
    expect(pl.users[member.userId]).to.equal(20);
    expect(pl.users[admin.userId]).to.equal(100);
    expect(pl.events["m.room.topic"]).to.equal(20);

    const tombstone = await rs.state(oldRoom, "m.room.tombstone");
    expect(tombstone?.content.replacement_room).to.equal(newRoom);
    const oldPl = (await rs.state(oldRoom, "m.room.power_levels"))?.content;
    expect(oldPl).to.include({ events_default: 50, invite: 50 });

    const alias = `#${aliasName}:${server().serverName}`;
    expect((await admin.expectOk("GET", `/directory/room/${enc(alias)}`, { spec: "/directory/room/{roomAlias}" })).room_id).to.equal(newRoom);
    expect((await rs.state(newRoom, "m.room.canonical_alias"))?.content.alias).to.equal(alias);
    expect((await admin.expectOk("GET", `/directory/list/room/${enc(newRoom)}`, { spec: "/directory/list/room/{roomId}" })).visibility).to.equal("public");
    expect((await admin.expectOk("GET", `/directory/list/room/${enc(oldRoom)}`, { spec: "/directory/list/room/{roomId}" })).visibility).to.equal("private");
    // The member's messages in the old room are now refused.
    await member.expectError("PUT", `/rooms/${enc(oldRoom)}/send/m.room.message/after`, 403, "M_FORBIDDEN", {
      spec: "/rooms/{roomId}/send/{eventType}/{txnId}",
      body: { body: "still here?" },
    });
  });

  it("upgrades to v12 with additional creators, who are left out of the power levels", async () => {
    const oldRoom = await admin.createRoom({ room_version: "11" });
    const res = await admin.expectOk("POST", `/rooms/${enc(oldRoom)}/upgrade`, { ...UPGRADE, body: { new_version: "12", additional_creators: [member.userId] } });
    const newRoom = res.replacement_room as string;
    const create = await inspector().state(newRoom, "m.room.create");
    expect(create?.content).to.deep.include({ room_version: "12", additional_creators: [member.userId] });
    const users = ((await inspector().state(newRoom, "m.room.power_levels"))?.content.users ?? {}) as Record<string, number>;
    expect(users).to.not.have.any.keys(admin.userId, member.userId);
  });

  it("refuses unknown versions, users without power, and bad bodies", async () => {
    const roomId = await admin.createRoom({ preset: "public_chat" });
    await member.join(roomId);
    await expectUnchanged(inspector(), roomId, async () => {
      await admin.expectError("POST", `/rooms/${enc(roomId)}/upgrade`, 400, "M_UNSUPPORTED_ROOM_VERSION", { ...UPGRADE, body: { new_version: "99" } });
      await member.expectError("POST", `/rooms/${enc(roomId)}/upgrade`, 403, "M_FORBIDDEN", { ...UPGRADE, body: { new_version: "11" } });
      await admin.expectError("POST", `/rooms/${enc(roomId)}/upgrade`, 400, "M_MISSING_PARAM", { ...UPGRADE, body: {} });
      await admin.expectError("POST", `/rooms/${enc(roomId)}/upgrade`, 400, "M_BAD_JSON", { ...UPGRADE, body: { new_version: 11 } });
      await admin.expectError("POST", `/rooms/${enc(roomId)}/upgrade`, 400, "M_INVALID_PARAM", { ...UPGRADE, body: { new_version: "12", additional_creators: ["x"] } });
    });
    const outsider = await RoomClient.register(server(), "upoutsider");
    await outsider.expectError("POST", `/rooms/${enc(roomId)}/upgrade`, 403, "M_FORBIDDEN", { ...UPGRADE, body: { new_version: "11" } });
  });
}
