import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { expectUnchanged, type RoomInspector } from "../../clientapi/room-client.js";
import { roomPath, SyncClient } from "../../../../testing/sync-client.js";

const enc = encodeURIComponent;

/**
 * Issue 12, item 6 (finding 7): IDs of this server's users follow the current grammar, so
 * invites, kicks, bans, unbans, createRoom invites and profile look-ups of a local ID outside
 * it are 400 M_INVALID_PARAM and change nothing. Other servers' users may have IDs from the
 * historical grammar; those are not refused for their shape.
 */
export function userIdCases(server: () => Deployment, inspector: () => RoomInspector): void {
  const malformedLocal = () => [
    `@alice\u202e:${server().serverName}`,
    `@\u{1f600}:${server().serverName}`,
    `@:${server().serverName}`,
    `@Alice:${server().serverName}`,
    `@a b:${server().serverName}`,
  ];

  it("invite, kick, ban and unban of a malformed local user ID: 400 M_INVALID_PARAM, nothing sent", async () => {
    const a = await SyncClient.make(server());
    const roomId = await a.createRoom();
    await expectUnchanged(inspector(), roomId, async () => {
      for (const userId of malformedLocal()) {
        for (const action of ["invite", "kick", "ban", "unban"]) {
          await a.expectError("POST", roomPath(roomId, `/${action}`), 400, "M_INVALID_PARAM", {
            spec: `/rooms/{roomId}/${action}`,
            body: { user_id: userId },
          });
        }
      }
    });
  });

  it("createRoom inviting a malformed local user ID: 400 M_INVALID_PARAM, no room made", async () => {
    const a = await SyncClient.make(server());
    for (const userId of malformedLocal()) {
      await a.expectError("POST", "/createRoom", 400, "M_INVALID_PARAM", { spec: "/createRoom", body: { invite: [userId] } });
    }
    expect((await a.expectOk("GET", "/joined_rooms")).joined_rooms).to.deep.equal([]);
  });

  it("profile look-ups of a malformed local user ID: 400 M_INVALID_PARAM", async () => {
    const a = await SyncClient.make(server());
    for (const userId of malformedLocal()) {
      await a.expectError("GET", `/profile/${enc(userId)}`, 400, "M_INVALID_PARAM", { spec: "/profile/{userId}" });
      await a.expectError("GET", `/profile/${enc(userId)}/displayname`, 400, "M_INVALID_PARAM", { spec: "/profile/{userId}/{keyName}" });
    }
    expect(await a.expectOk("GET", `/profile/${enc(a.userId)}`)).to.have.property("displayname");
  });

  it("another server's user may have a historical ID: its shape is not refused", async () => {
    const a = await SyncClient.make(server());
    const roomId = await a.createRoom();
    const remote = "@Alice Smith:elsewhere.example";
    await a.expectError("GET", `/profile/${enc(remote)}`, 404, "M_NOT_FOUND", { spec: "/profile/{userId}" });
    await a.expectOk("POST", roomPath(roomId, "/ban"), { spec: "/rooms/{roomId}/ban", body: { user_id: remote } });
    expect(await inspector().membership(roomId, remote)).to.equal("ban");
    // Still refused for remote IDs: what the historical grammar refuses too.
    await a.expectError("POST", roomPath(roomId, "/ban"), 400, "M_BAD_JSON", { body: { user_id: "@a\u0000b:elsewhere.example" } });
    await a.expectError("POST", roomPath(roomId, "/ban"), 400, "M_INVALID_PARAM", { body: { user_id: "@a:b:c:elsewhere" } });
  });
}
