import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import type { RoomInspector } from "../room-client.js";
import { RoomClient } from "../room-client.js";

const SPEC = { spec: "/createRoom" };

export function createRoomCases(server: () => Deployment, inspector: () => RoomInspector): void {
  let alice: RoomClient;
  before(async () => {
    alice = await RoomClient.register(server(), "creator");
  });

  it("creates a room with name, topic, alias, preset and version; the creator is joined", async () => {
    const alias = `room${Date.now()}`;
    const roomId = await alice.createRoom({
      name: "Lobby",
      topic: "Talk",
      room_alias_name: alias,
      preset: "public_chat",
      room_version: "10",
    });
    const rs = inspector();
    expect((await rs.state(roomId, "m.room.name"))?.content).to.deep.equal({ name: "Lobby" });
    expect((await rs.state(roomId, "m.room.join_rules"))?.content.join_rule).to.equal("public");
    expect((await rs.state(roomId, "m.room.create"))?.content.room_version).to.equal("10");
    expect(await rs.membership(roomId, alice.userId)).to.equal("join");
    const found = await alice.expectOk("GET", `/directory/room/${encodeURIComponent(`#${alias}:${server().serverName}`)}`, {
      spec: "/directory/room/{roomAlias}",
    });
    expect(found.room_id).to.equal(roomId);
  });

  it("creates rooms of every stable version 1-12 (default 12, the spec's recommendation)", async () => {
    const rs = inspector();
    const made = await Promise.all(
      ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"].map((v) => alice.createRoom({ room_version: v })),
    );
    for (const [i, roomId] of made.entries())
      expect((await rs.state(roomId, "m.room.create"))?.content.room_version).to.equal(String(i + 1));
    expect((await rs.state(await alice.createRoom(), "m.room.create"))?.content.room_version).to.equal("12");
  });

  it("invites, marks direct chats, applies initial_state and power level overrides", async () => {
    const bob = await RoomClient.register(server(), "invitee");
    const roomId = await alice.createRoom({
      preset: "trusted_private_chat",
      invite: [bob.userId],
      is_direct: true,
      initial_state: [{ type: "m.room.guest_access", state_key: "", content: { guest_access: "can_join" } }],
      power_level_content_override: { events_default: 10 },
    });
    const rs = inspector();
    const invite = await rs.state(roomId, "m.room.member", bob.userId);
    expect(invite?.content).to.include({ membership: "invite", is_direct: true });
    expect((await rs.state(roomId, "m.room.guest_access"))?.content.guest_access).to.equal("can_join");
    expect((await rs.state(roomId, "m.room.power_levels"))?.content.events_default).to.equal(10);
  });

  it("refuses bad bodies with the spec's errors, creating nothing", async () => {
    await alice.expectError("POST", "/createRoom", 400, "M_NOT_JSON", { ...SPEC, rawBody: "{not json" });
    await alice.expectError("POST", "/createRoom", 400, "M_BAD_JSON", { ...SPEC, body: { name: 5 } });
    await alice.expectError("POST", "/createRoom", 400, "M_BAD_JSON", { ...SPEC, body: { preset: "party" } });
    await alice.expectError("POST", "/createRoom", 400, "M_UNSUPPORTED_ROOM_VERSION", { ...SPEC, body: { room_version: "99" } });
    await alice.expectError("POST", "/createRoom", 400, "M_INVALID_PARAM", { ...SPEC, body: { invite: ["not a user"] } });
    await alice.expectError("POST", "/createRoom", 400, "M_INVALID_PARAM", { ...SPEC, body: { room_alias_name: "has space" } });
    const { joined_rooms: before } = await alice.expectOk("GET", "/joined_rooms", { spec: "/joined_rooms" });
    await alice.expectError("POST", "/createRoom", 401, "M_MISSING_TOKEN", { ...SPEC, token: null });
    await alice.expectError("POST", "/createRoom", 401, "M_UNKNOWN_TOKEN", { ...SPEC, token: "dts_nobody" });
    const { joined_rooms: after } = await alice.expectOk("GET", "/joined_rooms", { spec: "/joined_rooms" });
    expect(after).to.deep.equal(before);
  });

  it("refuses an alias that is taken with M_ROOM_IN_USE", async () => {
    const alias = `taken${Date.now()}`;
    await alice.createRoom({ room_alias_name: alias });
    await alice.expectError("POST", "/createRoom", 400, "M_ROOM_IN_USE", { ...SPEC, body: { room_alias_name: alias } });
  });

  it("lists joined rooms", async () => {
    const roomId = await alice.createRoom();
    const { joined_rooms } = await alice.expectOk("GET", "/joined_rooms", { spec: "/joined_rooms" });
    expect(joined_rooms).to.include(roomId);
    await alice.expectError("GET", "/joined_rooms", 401, "M_MISSING_TOKEN", { spec: "/joined_rooms", token: null });
  });
}
