import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { RoomClient, type RoomInspector } from "../room-client.js";

const enc = encodeURIComponent;

export function profileHookCases(server: () => Deployment, inspector: () => RoomInspector): void {
  it("a display name or avatar change updates the member event in every joined room", async () => {
    const user = await RoomClient.register(server(), "renamed");
    const other = await RoomClient.register(server(), "host");
    const rooms = [await user.createRoom(), await other.createRoom({ preset: "public_chat" })];
    await user.join(rooms[1]!);
    const left = await other.createRoom({ preset: "public_chat" });
    await user.join(left);
    await user.expectOk("POST", `/rooms/${enc(left)}/leave`, { spec: "/rooms/{roomId}/leave", body: {} });

    await user.expectOk("PUT", `/profile/${enc(user.userId)}/displayname`, {
      spec: "/profile/{userId}/{keyName}",
      body: { displayname: "New Name" },
    });
    await user.expectOk("PUT", `/profile/${enc(user.userId)}/avatar_url`, {
      spec: "/profile/{userId}/{keyName}",
      body: { avatar_url: "mxc://x/y" },
    });
    for (const roomId of rooms) {
      const member = await inspector().state(roomId, "m.room.member", user.userId);
      expect(member?.content).to.deep.equal({ membership: "join", displayname: "New Name", avatar_url: "mxc://x/y" });
    }
    expect((await inspector().state(left, "m.room.member", user.userId))?.content.membership).to.equal("leave");
  });

  it("deactivation leaves every joined room and rejects pending invites", async () => {
    const user = await RoomClient.register(server(), "leaving");
    const host = await RoomClient.register(server(), "host");
    const joined = await user.createRoom();
    const invitedTo = await host.createRoom();
    await host.invite(invitedTo, user.userId);
    const first = await user.request("POST", "/account/deactivate", { spec: "/account/deactivate", body: {} });
    await user.expectOk("POST", "/account/deactivate", {
      spec: "/account/deactivate",
      body: { auth: user.passwordAuth(first.body.session) },
    });
    expect(await inspector().membership(joined, user.userId)).to.equal("leave");
    expect(await inspector().membership(invitedTo, user.userId)).to.equal("leave");
  });
}
