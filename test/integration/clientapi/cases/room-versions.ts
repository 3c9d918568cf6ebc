import { expect } from "chai";
import { ROOM_VERSIONS } from "../../../../components/protocol/roomversions.js";
import type { Deployment } from "../../../../testing/deployment.js";
import { eventually } from "../../../../testing/eventually.js";
import { roomPath, SyncClient, type Json } from "../../../../testing/sync-client.js";

const enc = encodeURIComponent;
const EVENT = "/rooms/{roomId}/event/{eventId}";
const STATE = "/rooms/{roomId}/state/{eventType}/{stateKey}";
const REDACT = "/rooms/{roomId}/redact/{eventId}/{txnId}";

/**
 * Every room version the server offers, over HTTP as a client sees it: messages and
 * redactions (which the roomserver completes from templates) and state changes, read back
 * through the reader endpoints.
 */
export function roomVersionCases(server: () => Deployment): void {
  let owner: SyncClient;
  let member: SyncClient;
  before(async () => {
    [owner, member] = await Promise.all([SyncClient.make(server(), "vowner"), SyncClient.make(server(), "vmember")]);
    await owner.expectOk("PUT", `/profile/${enc(owner.userId)}/displayname`, {
      spec: "/profile/{userId}/{keyName}",
      body: { displayname: "Owner Name" },
    });
    await owner.expectOk("PUT", `/profile/${enc(owner.userId)}/avatar_url`, {
      spec: "/profile/{userId}/{keyName}",
      body: { avatar_url: "mxc://example.org/owner" },
    });
  });

  for (const version of ROOM_VERSIONS.keys()) {
    it(`room version ${version}: sends, redacts and changes state`, async () => {
      const roomId = await owner.createRoom({ room_version: version, preset: "public_chat" });
      await owner.membershipSeen(roomId, owner.userId, "join");
      const create = await owner.get(roomPath(roomId, "/state/m.room.create/"), STATE);
      expect(create.room_version).to.equal(version);
      await member.join(roomId);

      const mine = await owner.send(roomId, "from the owner");
      const theirs = await member.send(roomId, "from the member");
      const own = await member.send(roomId, "the member takes it back");
      // A moderator redacts another's message; a member redacts their own.
      await redact(owner, roomId, theirs);
      await redact(member, roomId, own);
      expect((await owner.get(roomPath(roomId, `/event/${enc(mine)}`), EVENT)).content.body).to.equal("from the owner");

      await owner.putState(roomId, "m.room.name", "", { name: `Room v${version}` });
      await owner.putState(roomId, "m.room.topic", "", { topic: "versions" });
      expect((await member.get(roomPath(roomId, "/state/m.room.name/"), STATE)).name).to.equal(`Room v${version}`);
      expect((await member.get(roomPath(roomId, "/state/m.room.topic/"), STATE)).topic).to.equal("versions");
      // And messages still go after the state changes.
      await member.send(roomId, "after the name");
    });
  }

  it("new rooms are of the spec's recommended version (12) unless the request names another, as /capabilities says", async () => {
    const caps = (await owner.expectOk("GET", "/capabilities", { spec: "/capabilities" })) as Json;
    expect(caps.capabilities["m.room_versions"].default).to.equal("12");
    const roomId = await owner.createRoom({});
    await owner.membershipSeen(roomId, owner.userId, "join");
    expect((await owner.get(roomPath(roomId, "/state/m.room.create/"), STATE)).room_version).to.equal("12");
  });

  it("the creator's join carries their display name and avatar, as every join does", async () => {
    for (const version of ["10", "11", "12"]) {
      const roomId = await owner.createRoom({ room_version: version });
      await owner.membershipSeen(roomId, owner.userId, "join");
      const join = await owner.get(roomPath(roomId, `/state/m.room.member/${enc(owner.userId)}`), STATE);
      expect(join, `room version ${version}`).to.deep.equal({
        membership: "join",
        displayname: "Owner Name",
        avatar_url: "mxc://example.org/owner",
      });
    }
  });
}

/** Redacts `eventId` as `client` and waits until the readers serve it redacted. */
async function redact(client: SyncClient, roomId: string, eventId: string): Promise<void> {
  const res = await client.expectOk("PUT", roomPath(roomId, `/redact/${enc(eventId)}/r${Math.random()}`), {
    spec: REDACT,
    body: { reason: "gone" },
  });
  expect(res.event_id).to.match(/^\$/);
  await client.seen(roomId, res.event_id as string);
  const path = roomPath(roomId, `/event/${enc(eventId)}`);
  await eventually(
    async () => Object.keys(((await client.get(path, EVENT)) as Json).content).length === 0,
    10_000,
    `the redaction of ${eventId}`,
  );
  expect((await client.get(path, EVENT)).unsigned.redacted_because.event_id).to.equal(res.event_id);
}
