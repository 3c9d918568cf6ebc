import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { checkSpecSchema, SPEC_AVAILABLE } from "../../../../testing/openapi.js";
import { TestClient } from "../../../../testing/test-client.js";
import { RoomClient } from "../room-client.js";

const STATE = { spec: "/rooms/{roomId}/state/{eventType}/{stateKey}" };
/** The spec's oneOf for this response cannot be met by a whole event (openapi.ts, checkSpecSchema). */
const AS_EVENT = { query: { format: "event" } };
const STATE_EVENT_SCHEMA = "event-schemas/schema/core-event-schema/state_event.yaml";
const statePath = (roomId: string, rest: string) => `/rooms/${encodeURIComponent(roomId)}/state/${rest}`;

/**
 * GET of one state event, which the clientapi serves beside PUT of the same paths (an
 * Ingress routes by path only), from the roomserver, with the syncapi's visibility.
 */
export function roomStateCases(server: () => Deployment): void {
  async function roomWith(createBody: Record<string, unknown>) {
    const owner = await RoomClient.register(server(), "owner");
    const roomId = await owner.createRoom({ preset: "public_chat", name: "Before", ...createBody });
    return { owner, roomId };
  }

  it("reads one state event's content, or the event with format=event; an absent one is 404", async () => {
    const { owner, roomId } = await roomWith({});
    expect(await owner.expectOk("GET", statePath(roomId, "m.room.name/"), STATE)).to.deep.equal({ name: "Before" });
    expect(await owner.expectOk("GET", statePath(roomId, "m.room.name"), STATE)).to.deep.equal({ name: "Before" });
    const member = await owner.expectOk("GET", statePath(roomId, `m.room.member/${encodeURIComponent(owner.userId)}`), STATE);
    expect(member.membership).to.equal("join");

    const nameId = await owner.putState(roomId, "m.room.name", "", { name: "Now" });
    const event = await owner.expectOk("GET", statePath(roomId, "m.room.name/"), AS_EVENT);
    checkSpecSchema(STATE_EVENT_SCHEMA, event);
    // The check is not vacuous: the default answer, content only, is no state event.
    if (SPEC_AVAILABLE) expect(() => checkSpecSchema(STATE_EVENT_SCHEMA, { name: "Now" })).to.throw();
    expect(event).to.include({ event_id: nameId, room_id: roomId, sender: owner.userId, type: "m.room.name", state_key: "" });
    expect(event.content).to.deep.equal({ name: "Now" });
    expect(event.origin_server_ts).to.be.a("number");
    expect((event.unsigned as Record<string, unknown>).age).to.be.a("number");

    await owner.expectError("GET", statePath(roomId, "m.room.topic/"), 404, "M_NOT_FOUND", STATE);
    await owner.expectError("GET", statePath(roomId, "m.room.name/not-empty"), 404, "M_NOT_FOUND", STATE);
  });

  it("gives a user who left, was kicked or was banned the state as it was when they left", async () => {
    const { owner, roomId } = await roomWith({});
    const [leaver, kicked, banned] = await Promise.all(["leaver", "kicked", "banned"].map((p) => RoomClient.register(server(), p)));
    for (const c of [leaver!, kicked!, banned!]) await c.join(roomId);
    await leaver!.expectOk("POST", `/rooms/${encodeURIComponent(roomId)}/leave`, { spec: "/rooms/{roomId}/leave", body: {} });
    await owner.putState(roomId, "m.room.name", "", { name: "After leave" });
    await owner.expectOk("POST", `/rooms/${encodeURIComponent(roomId)}/kick`, {
      spec: "/rooms/{roomId}/kick",
      body: { user_id: kicked!.userId },
    });
    await owner.putState(roomId, "m.room.name", "", { name: "After kick" });
    await owner.expectOk("POST", `/rooms/${encodeURIComponent(roomId)}/ban`, {
      spec: "/rooms/{roomId}/ban",
      body: { user_id: banned!.userId },
    });
    await owner.putState(roomId, "m.room.name", "", { name: "After ban" });
    await owner.putState(roomId, "m.room.topic", "", { topic: "set after everyone left" });

    expect(await leaver!.expectOk("GET", statePath(roomId, "m.room.name/"), STATE)).to.deep.equal({ name: "Before" });
    expect(await kicked!.expectOk("GET", statePath(roomId, "m.room.name/"), STATE)).to.deep.equal({ name: "After leave" });
    expect(await banned!.expectOk("GET", statePath(roomId, "m.room.name/"), STATE)).to.deep.equal({ name: "After kick" });
    // Their own membership as it was left, and nothing set after.
    const ownLeave = await leaver!.expectOk("GET", statePath(roomId, `m.room.member/${encodeURIComponent(leaver!.userId)}`), STATE);
    expect(ownLeave.membership).to.equal("leave");
    const ownBan = await banned!.expectOk("GET", statePath(roomId, `m.room.member/${encodeURIComponent(banned!.userId)}`), STATE);
    expect(ownBan.membership).to.equal("ban");
    await leaver!.expectError("GET", statePath(roomId, "m.room.topic/"), 404, "M_NOT_FOUND", STATE);
    expect(await owner.expectOk("GET", statePath(roomId, "m.room.name/"), STATE)).to.deep.equal({ name: "After ban" });
  });

  it("gives a former member invited again, or who rejected a later invite, the state as it was when they left", async () => {
    const { owner, roomId } = await roomWith({});
    const returning = await RoomClient.register(server(), "returning");
    await returning.join(roomId);
    const leave = () =>
      returning.expectOk("POST", `/rooms/${encodeURIComponent(roomId)}/leave`, { spec: "/rooms/{roomId}/leave", body: {} });
    await leave();
    await owner.putState(roomId, "m.room.name", "", { name: "While away" });
    await owner.invite(roomId, returning.userId);
    await owner.putState(roomId, "m.room.name", "", { name: "After the invite" });
    // The spec: 403 only for who "weren't previously a member"; the state is that "when they left".
    expect(await returning.expectOk("GET", statePath(roomId, "m.room.name/"), STATE)).to.deep.equal({ name: "Before" });
    await leave();
    expect(await returning.expectOk("GET", statePath(roomId, "m.room.name/"), STATE)).to.deep.equal({ name: "Before" });
    const ownLeave = await returning.expectOk("GET", statePath(roomId, `m.room.member/${encodeURIComponent(returning.userId)}`), STATE);
    expect(ownLeave.membership).to.equal("leave");
  });

  it("lets anyone, guests too, read the current state of a world_readable room", async () => {
    const { owner, roomId } = await roomWith({
      initial_state: [{ type: "m.room.history_visibility", state_key: "", content: { history_visibility: "world_readable" } }],
    });
    await owner.putState(roomId, "m.room.name", "", { name: "Current" });
    const stranger = await RoomClient.register(server(), "stranger");
    expect(await stranger.expectOk("GET", statePath(roomId, "m.room.name/"), STATE)).to.deep.equal({ name: "Current" });
    const guest = new TestClient(server().baseUrl);
    const registered = await guest.expectOk("POST", "/register", { spec: "/register", query: { kind: "guest" }, body: {} });
    guest.accessToken = registered.access_token as string;
    const event = await guest.expectOk("GET", statePath(roomId, "m.room.name/"), AS_EVENT);
    checkSpecSchema(STATE_EVENT_SCHEMA, event);
    expect(event).to.include({ type: "m.room.name", sender: owner.userId });
  });

  it("refuses a user who never joined, one who only rejected an invite, and an unknown room with 403", async () => {
    const { owner, roomId } = await roomWith({ preset: "private_chat" });
    const stranger = await RoomClient.register(server(), "stranger");
    await stranger.expectError("GET", statePath(roomId, "m.room.name/"), 403, "M_FORBIDDEN", STATE);
    await stranger.expectError("GET", statePath(roomId, "m.room.topic/"), 403, "M_FORBIDDEN", STATE);
    const invitee = await RoomClient.register(server(), "invitee");
    await owner.invite(roomId, invitee.userId);
    await invitee.expectError("GET", statePath(roomId, "m.room.name/"), 403, "M_FORBIDDEN", STATE);
    await invitee.expectOk("POST", `/rooms/${encodeURIComponent(roomId)}/leave`, { spec: "/rooms/{roomId}/leave", body: {} });
    await invitee.expectError("GET", statePath(roomId, "m.room.name/"), 403, "M_FORBIDDEN", STATE);
    const unknown = `!nowhere:${server().serverName}`;
    await stranger.expectError("GET", statePath(unknown, "m.room.name/"), 403, "M_FORBIDDEN", STATE);
  });
}
