import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { checkResponse } from "../../../../testing/openapi.js";
import { expectUnchanged, RoomClient, type RoomInspector } from "../room-client.js";

const SEND = { spec: "/rooms/{roomId}/send/{eventType}/{txnId}" };
const STATE = { spec: "/rooms/{roomId}/state/{eventType}/{stateKey}" };
const REDACT = { spec: "/rooms/{roomId}/redact/{eventId}/{txnId}" };
const enc = encodeURIComponent;

export function roomEventCases(server: () => Deployment, inspector: () => RoomInspector): void {
  let owner: RoomClient;
  let member: RoomClient;
  let roomId: string;
  before(async () => {
    [owner, member] = await Promise.all([RoomClient.register(server(), "owner"), RoomClient.register(server(), "member")]);
    roomId = await owner.createRoom({ preset: "public_chat" });
    await member.join(roomId);
  });

  it("sends a message and stores it as sent, with the transaction ID for the sender's echo", async () => {
    const eventId = await owner.send(roomId, "hello");
    const event = await inspector().event(eventId);
    expect(event?.type).to.equal("m.room.message");
    expect(event?.content).to.deep.equal({ msgtype: "m.text", body: "hello" });
    expect(event?.sender).to.equal(owner.userId);
  });

  it("answers a repeated transaction ID from the same device with the first event, sending nothing new", async () => {
    const first = await owner.send(roomId, "once", "txn-repeat");
    await expectUnchanged(inspector(), roomId, async () => expect(await owner.send(roomId, "once", "txn-repeat")).to.equal(first));
    // Concurrent duplicates: one event for all of them.
    const ids = await Promise.all(Array.from({ length: 5 }, () => owner.send(roomId, "racing", "txn-race")));
    expect(new Set(ids).size).to.equal(1);
    // Another device of the same user, or another room, is another transaction.
    const device = await owner.login(owner.userId, owner.password);
    const other = await owner.expectOk("PUT", `/rooms/${enc(roomId)}/send/m.room.message/txn-repeat`, {
      ...SEND,
      token: device.accessToken,
      body: { msgtype: "m.text", body: "once" },
    });
    expect(other.event_id).to.not.equal(first);
  });

  it("refuses sends that are malformed, unauthorised or to rooms the user is not in", async () => {
    const url = `/rooms/${enc(roomId)}/send/m.room.message/t-bad`;
    await expectUnchanged(inspector(), roomId, async () => {
      await owner.expectError("PUT", url, 400, "M_NOT_JSON", { ...SEND, rawBody: "{" });
      await owner.expectError("PUT", url, 400, "M_BAD_JSON", { ...SEND, rawBody: "[1]" });
      await owner.expectError("PUT", url, 401, "M_MISSING_TOKEN", { ...SEND, body: {}, token: null });
      await owner.expectError("PUT", url, 401, "M_UNKNOWN_TOKEN", { ...SEND, body: {}, token: "dts_unknown" });
      const outsider = await RoomClient.register(server(), "outsider");
      await outsider.expectError("PUT", url, 403, "M_FORBIDDEN", { ...SEND, body: { body: "let me in" } });
      await owner.expectError("PUT", `/rooms/${enc(roomId)}/send/m.room.message/${"x".repeat(300)}`, 400, "M_INVALID_PARAM", {
        ...SEND,
        body: {},
      });
      await owner.expectError("PUT", url, 413, "M_TOO_LARGE", { ...SEND, body: { body: "x".repeat(66_000) } });
    });
    await owner.expectError("PUT", `/rooms/not-a-room/send/m.room.message/t`, 400, "M_INVALID_PARAM", { ...SEND, body: {} });
    await owner.expectError("PUT", `/rooms/${enc(`!nope:${server().serverName}`)}/send/m.room.message/t`, 404, "M_NOT_FOUND", {
      ...SEND,
      body: {},
    });
    // A refused send may be retried with the same transaction ID once allowed.
    const late = await RoomClient.register(server(), "late");
    await late.expectError("PUT", `/rooms/${enc(roomId)}/send/m.room.message/retry`, 403, "M_FORBIDDEN", {
      ...SEND,
      body: { body: "early" },
    });
    await late.join(roomId);
    expect(await late.send(roomId, "now", "retry")).to.match(/^\$/);
  });

  it("sets state, also with the empty state key in both path forms, and answers an unchanged state with its event", async () => {
    const named = await owner.putState(roomId, "m.room.name", "", { name: "Named" });
    expect((await inspector().state(roomId, "m.room.name"))?.eventId).to.equal(named);
    const again = await owner.expectOk("PUT", `/rooms/${enc(roomId)}/state/m.room.name`, {
      spec: "/rooms/{roomId}/state/{eventType}/{stateKey}",
      body: { name: "Named" },
    });
    expect(again.event_id).to.equal(named);
    const topic = await owner.expectOk("PUT", `/rooms/${enc(roomId)}/state/m.room.topic/`, { ...STATE, body: { topic: "T" } });
    expect((await inspector().state(roomId, "m.room.topic"))?.eventId).to.equal(topic.event_id);
    await owner.putState(roomId, "org.example.custom", "key", { v: 1 });
    expect((await inspector().state(roomId, "org.example.custom", "key"))?.content).to.deep.equal({ v: 1 });
  });

  it("refuses state the sender lacks power for, bad JSON, and canonical aliases not pointing to the room", async () => {
    await expectUnchanged(inspector(), roomId, async () => {
      await member.expectError("PUT", `/rooms/${enc(roomId)}/state/m.room.name/`, 403, "M_FORBIDDEN", { ...STATE, body: { name: "Mine" } });
      await owner.expectError("PUT", `/rooms/${enc(roomId)}/state/m.room.name/`, 400, "M_NOT_JSON", { ...STATE, rawBody: "nope" });
      const elsewhere = await owner.createRoom({ room_alias_name: `else${Date.now()}` });
      const alias = (await inspector().state(elsewhere, "m.room.canonical_alias"))!.content.alias as string;
      await owner.expectError("PUT", `/rooms/${enc(roomId)}/state/m.room.canonical_alias/`, 400, "M_BAD_ALIAS", {
        ...STATE,
        body: { alias },
      });
      await owner.expectError("PUT", `/rooms/${enc(roomId)}/state/m.room.canonical_alias/`, 400, "M_INVALID_PARAM", {
        ...STATE,
        body: { alias: "bad" },
      });
    });
    const own = `#own${Date.now()}:${server().serverName}`;
    await owner.expectOk("PUT", `/directory/room/${enc(own)}`, { spec: "/directory/room/{roomAlias}", body: { room_id: roomId } });
    await owner.putState(roomId, "m.room.canonical_alias", "", { alias: own });
  });

  it("redacts: the sender their own events, moderators anyone's; others are refused", async () => {
    const mine = await member.send(roomId, "oops");
    const redacted = await member.expectOk("PUT", `/rooms/${enc(roomId)}/redact/${enc(mine)}/r1`, { ...REDACT, body: { reason: "typo" } });
    const redaction = await inspector().event(redacted.event_id as string);
    expect(redaction?.type).to.equal("m.room.redaction");
    expect(redaction?.content.reason).to.equal("typo");
    const repeat = await member.expectOk("PUT", `/rooms/${enc(roomId)}/redact/${enc(mine)}/r1`, { ...REDACT, body: { reason: "typo" } });
    expect(repeat.event_id).to.equal(redacted.event_id);

    const owners = await owner.send(roomId, "mine");
    await expectUnchanged(inspector(), roomId, () =>
      member.expectError("PUT", `/rooms/${enc(roomId)}/redact/${enc(owners)}/r2`, 403, "M_FORBIDDEN", { ...REDACT, body: {} }),
    );
    const members = await member.send(roomId, "spam");
    await owner.expectOk("PUT", `/rooms/${enc(roomId)}/redact/${enc(members)}/r3`, { ...REDACT, body: {} });
    await owner.expectError("PUT", `/rooms/${enc(roomId)}/redact/not-an-event/r4`, 400, "M_INVALID_PARAM", { ...REDACT, body: {} });
  });

  it("refuses to redact an event of another room with 400, even for the room's moderator or the sender", async () => {
    const otherRoom = await owner.createRoom({ preset: "public_chat" });
    await member.join(otherRoom);
    const elsewhere = await member.send(otherRoom, "said over there");
    await expectUnchanged(inspector(), roomId, async () => {
      await owner.expectError("PUT", `/rooms/${enc(roomId)}/redact/${enc(elsewhere)}/x1`, 400, "M_INVALID_PARAM", { ...REDACT, body: {} });
      await member.expectError("PUT", `/rooms/${enc(roomId)}/redact/${enc(elsewhere)}/x2`, 400, "M_INVALID_PARAM", { ...REDACT, body: {} });
    });
    expect((await inspector().event(elsewhere))?.content).to.deep.equal({ msgtype: "m.text", body: "said over there" });
  });

  it("sends with POST /send/{eventType} and no transaction ID (as Synapse still serves it): a new event each time", async () => {
    const post = () =>
      member.expectOk("POST", `/rooms/${enc(roomId)}/send/m.room.message`, { body: { msgtype: "m.text", body: "no txn" } });
    const [first, second] = [await post(), await post()];
    checkResponse("client-server", "PUT", "/rooms/{roomId}/send/{eventType}/{txnId}", 200, first);
    expect(first.event_id).to.not.equal(second.event_id);
    const event = await inspector().event(first.event_id as string);
    expect(event).to.include({ type: "m.room.message", sender: member.userId });
    expect(event?.content).to.deep.equal({ msgtype: "m.text", body: "no txn" });
    const outsider = await RoomClient.register(server(), "nopost");
    await expectUnchanged(inspector(), roomId, () =>
      outsider.expectError("POST", `/rooms/${enc(roomId)}/send/m.room.message`, 403, "M_FORBIDDEN", { body: { body: "let me in" } }),
    );
  });
}
