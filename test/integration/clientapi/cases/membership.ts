import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { expectUnchanged, RoomClient, type RoomInspector } from "../room-client.js";

const path = (roomId: string, action: string) => `/rooms/${encodeURIComponent(roomId)}/${action}`;
const spec = (action: string) => ({ spec: `/rooms/{roomId}/${action}` });

export function membershipCases(server: () => Deployment, inspector: () => RoomInspector): void {
  let mod: RoomClient;
  let bob: RoomClient;
  before(async () => {
    [mod, bob] = await Promise.all([RoomClient.register(server(), "mod"), RoomClient.register(server(), "bob")]);
  });

  it("joins by room ID and by alias, with the profile in the member event", async () => {
    const alias = `join${Date.now()}`;
    const roomId = await mod.createRoom({ preset: "public_chat", room_alias_name: alias });
    await bob.expectOk("PUT", `/profile/${encodeURIComponent(bob.userId)}/displayname`, { body: { displayname: "Bobby" } });
    const res = await bob.expectOk("POST", path(roomId, "join"), { ...spec("join"), body: { reason: "hi" } });
    expect(res.room_id).to.equal(roomId);
    const member = await inspector().state(roomId, "m.room.member", bob.userId);
    expect(member?.content).to.include({ membership: "join", displayname: "Bobby", reason: "hi" });
    await bob.expectOk("POST", path(roomId, "leave"), { ...spec("leave"), body: {} });
    const byAlias = await bob.expectOk("POST", `/join/${encodeURIComponent(`#${alias}:${server().serverName}`)}`, {
      spec: "/join/{roomIdOrAlias}",
      body: {},
    });
    expect(byAlias.room_id).to.equal(roomId);
  });

  it("keeps the custom content keys of a join (both endpoints); the same join again adds nothing", async () => {
    const alias = `custom${Date.now()}`;
    const roomId = await mod.createRoom({ preset: "public_chat", room_alias_name: alias });
    const content = { reason: "hello", "org.example.colour": "green", "org.example.nested": { a: [1, 2] } };
    const joined = await bob.expectOk("POST", path(roomId, "join"), { ...spec("join"), body: content });
    expect(joined.room_id).to.equal(roomId);
    const member = await inspector().state(roomId, "m.room.member", bob.userId);
    // The client's keys beside the profile's display name.
    expect(member?.content).to.deep.include({ ...content, membership: "join" });
    expect(member?.content.displayname).to.be.a("string");
    await expectUnchanged(inspector(), roomId, async () => {
      await bob.expectOk("POST", path(roomId, "join"), { ...spec("join"), body: content });
      await bob.expectOk("POST", `/join/${encodeURIComponent(roomId)}`, { spec: "/join/{roomIdOrAlias}", body: content });
    });
    expect((await inspector().state(roomId, "m.room.member", bob.userId))?.eventId).to.equal(member?.eventId);
    // By alias too; what only the server may say, and request parameters, stay out of the content.
    await bob.expectOk("POST", path(roomId, "leave"), { ...spec("leave"), body: {} });
    const byAlias = { "org.example.via": "alias", third_party_signed: { sender: "@x:y" }, join_authorised_via_users_server: mod.userId };
    await bob.expectOk("POST", `/join/${encodeURIComponent(`#${alias}:${server().serverName}`)}`, {
      spec: "/join/{roomIdOrAlias}",
      body: byAlias,
    });
    const rejoined = (await inspector().state(roomId, "m.room.member", bob.userId))?.content;
    expect(rejoined).to.include({ membership: "join", "org.example.via": "alias" });
    expect(rejoined).to.not.have.any.keys("third_party_signed", "join_authorised_via_users_server", "reason");
    await bob.expectError("POST", path(roomId, "join"), 400, "M_BAD_JSON", { ...spec("join"), body: { displayname: 5 } });
  });

  it("shows the creator's display name and avatar in their join, as every join does", async () => {
    const avatar = "mxc://userapi.test/mod";
    await mod.expectOk("PUT", `/profile/${encodeURIComponent(mod.userId)}/avatar_url`, {
      spec: "/profile/{userId}/{keyName}",
      body: { avatar_url: avatar },
    });
    const roomId = await mod.createRoom({ preset: "private_chat" });
    const member = await inspector().state(roomId, "m.room.member", mod.userId);
    expect(member?.content).to.deep.equal({ membership: "join", displayname: mod.userId.slice(1).split(":")[0], avatar_url: avatar });
  });

  it("refuses joins the room does not allow, unknown rooms and aliases, and bad IDs", async () => {
    const roomId = await mod.createRoom({ preset: "private_chat" });
    await expectUnchanged(inspector(), roomId, () =>
      bob.expectError("POST", path(roomId, "join"), 403, "M_FORBIDDEN", { ...spec("join"), body: {} }),
    );
    await bob.expectError("POST", path(`!unknown:${server().serverName}`, "join"), 404, "M_NOT_FOUND", { ...spec("join"), body: {} });
    await bob.expectError("POST", `/join/${encodeURIComponent(`#nowhere:${server().serverName}`)}`, 404, "M_NOT_FOUND", {
      spec: "/join/{roomIdOrAlias}",
      body: {},
    });
    await bob.expectError("POST", "/join/not-a-room", 400, "M_INVALID_PARAM", { spec: "/join/{roomIdOrAlias}", body: {} });
    await bob.expectError("POST", path(roomId, "join"), 400, "M_BAD_JSON", { ...spec("join"), body: { reason: 3 } });
    await bob.expectError("POST", path(roomId, "join"), 401, "M_MISSING_TOKEN", { ...spec("join"), body: {}, token: null });
  });

  it("invites, kicks, bans and unbans, with power checked by the auth rules", async () => {
    const roomId = await mod.createRoom({ preset: "private_chat" });
    const rs = inspector();
    await mod.expectOk("POST", path(roomId, "invite"), { ...spec("invite"), body: { user_id: bob.userId } });
    expect(await rs.membership(roomId, bob.userId)).to.equal("invite");
    await bob.join(roomId);
    // Bob (power 0) may not kick, ban or invite-kick the moderator.
    await expectUnchanged(rs, roomId, async () => {
      await bob.expectError("POST", path(roomId, "kick"), 403, "M_FORBIDDEN", { ...spec("kick"), body: { user_id: mod.userId } });
      await bob.expectError("POST", path(roomId, "ban"), 403, "M_FORBIDDEN", { ...spec("ban"), body: { user_id: mod.userId } });
    });
    await mod.expectOk("POST", path(roomId, "kick"), { ...spec("kick"), body: { user_id: bob.userId, reason: "out" } });
    expect((await rs.state(roomId, "m.room.member", bob.userId))?.content).to.include({ membership: "leave", reason: "out" });
    await mod.expectOk("POST", path(roomId, "ban"), { ...spec("ban"), body: { user_id: bob.userId } });
    expect(await rs.membership(roomId, bob.userId)).to.equal("ban");
    await mod.expectError("POST", path(roomId, "kick"), 403, "M_FORBIDDEN", { ...spec("kick"), body: { user_id: bob.userId } });
    await mod.expectOk("POST", path(roomId, "unban"), { ...spec("unban"), body: { user_id: bob.userId } });
    expect(await rs.membership(roomId, bob.userId)).to.equal("leave");
    await mod.expectError("POST", path(roomId, "unban"), 403, "M_FORBIDDEN", { ...spec("unban"), body: { user_id: bob.userId } });
  });

  it("checks the bodies of invite, kick, ban and unban", async () => {
    const roomId = await mod.createRoom();
    for (const action of ["invite", "kick", "ban", "unban"]) {
      await mod.expectError("POST", path(roomId, action), 400, "M_MISSING_PARAM", { ...spec(action), body: {} });
      await mod.expectError("POST", path(roomId, action), 400, "M_INVALID_PARAM", { ...spec(action), body: { user_id: "bob" } });
      await mod.expectError("POST", path(roomId, action), 400, "M_BAD_JSON", { ...spec(action), body: { user_id: 1 } });
      await mod.expectError("POST", path("nope", action), 400, "M_INVALID_PARAM", { ...spec(action), body: { user_id: bob.userId } });
    }
  });

  it("leaves (also rejecting an invite) and forgets only after leaving", async () => {
    const roomId = await mod.createRoom();
    await mod.invite(roomId, bob.userId);
    await bob.expectOk("POST", path(roomId, "leave"), { ...spec("leave"), body: { reason: "no thanks" } });
    expect(await inspector().membership(roomId, bob.userId)).to.equal("leave");
    await mod.expectError("POST", path(roomId, "forget"), 400, "M_UNKNOWN", { ...spec("forget"), body: {} });
    await mod.expectOk("POST", path(roomId, "leave"), { ...spec("leave"), body: {} });
    await mod.expectOk("POST", path(roomId, "forget"), { ...spec("forget"), body: {} });
    await bob.expectOk("POST", path(roomId, "forget"), { ...spec("forget"), body: {} });
    const stranger = await RoomClient.register(server(), "stranger");
    await stranger.expectError("POST", path(roomId, "forget"), 404, "M_NOT_FOUND", { ...spec("forget"), body: {} });
    await stranger.expectError("POST", path(`!gone:${server().serverName}`, "leave"), 404, "M_NOT_FOUND", { ...spec("leave"), body: {} });
  });
}
