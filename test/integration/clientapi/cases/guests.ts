import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { eventually } from "../../../../testing/eventually.js";
import { TestClient } from "../../../../testing/test-client.js";
import { RoomClient, type RoomInspector } from "../room-client.js";

const room = (roomId: string, rest: string) => `/rooms/${encodeURIComponent(roomId)}/${rest}`;
const GUEST_FORBIDDEN = "M_GUEST_ACCESS_FORBIDDEN";

/** A guest account (POST /register?kind=guest) as a plain-fetch client. */
async function registerGuest(server: Deployment): Promise<TestClient> {
  const guest = new TestClient(server.baseUrl);
  const body = await guest.expectOk("POST", "/register", {
    spec: "/register",
    query: { kind: "guest" },
    body: { initial_device_display_name: "guest phone" },
  });
  guest.userId = body.user_id as string;
  guest.deviceId = body.device_id as string;
  guest.accessToken = body.access_token as string;
  return guest;
}

/**
 * Whether the client's /messages of the room (backwards from now) holds the event; checked
 * against the spec. 403 counts as "not yet": in the polylith the syncapi may not have stored
 * the client's join when the roomserver has already answered it.
 */
async function chunkHas(client: TestClient, roomId: string, eventId: string): Promise<boolean> {
  const res = await client.request("GET", room(roomId, "messages"), { spec: "/rooms/{roomId}/messages", query: { dir: "b" } });
  if (res.status === 403) return false;
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return (res.body.chunk as Array<{ event_id: string }>).some((e) => e.event_id === eventId);
}

/**
 * Guests (registration.guests on, as every test deployment has it) against the spec's guest
 * access module: what it lists works, everything else is 403 M_GUEST_ACCESS_FORBIDDEN; joins
 * need `m.room.guest_access: can_join`, and closing it makes the room's guests leave.
 */
export function guestCases(server: () => Deployment, inspector: () => RoomInspector): void {
  let mod: RoomClient;
  let bob: RoomClient;
  let guest: TestClient;
  before(async () => {
    [mod, bob, guest] = await Promise.all([
      RoomClient.register(server(), "mod"),
      RoomClient.register(server(), "bob"),
      registerGuest(server()),
    ]);
  });

  it("lets a guest keep their account as the spec lists (devices, display name) and nothing more", async () => {
    expect(await guest.expectOk("GET", "/account/whoami", { spec: "/account/whoami" })).to.include({
      user_id: guest.userId,
      is_guest: true,
    });
    const { devices } = await guest.expectOk("GET", "/devices", { spec: "/devices" });
    expect(devices).to.deep.equal([
      {
        device_id: guest.deviceId,
        display_name: "guest phone",
        last_seen_ip: guest.ip,
        last_seen_ts: (devices as Array<{ last_seen_ts: number }>)[0]!.last_seen_ts,
      },
    ]);
    const device = `/devices/${encodeURIComponent(guest.deviceId)}`;
    await guest.expectOk("PUT", device, { spec: "/devices/{deviceId}", body: { display_name: "renamed" } });
    expect(await guest.expectOk("GET", device, { spec: "/devices/{deviceId}" })).to.include({ display_name: "renamed" });
    await guest.expectError("DELETE", device, 403, GUEST_FORBIDDEN, { spec: "/devices/{deviceId}", body: {} });

    const profile = (key: string) => `/profile/${encodeURIComponent(guest.userId)}/${key}`;
    const keySpec = { spec: "/profile/{userId}/{keyName}" };
    await guest.expectOk("PUT", profile("displayname"), { ...keySpec, body: { displayname: "Visitor" } });
    expect(await guest.expectOk("GET", profile("displayname"), keySpec)).to.deep.equal({ displayname: "Visitor" });
    await guest.expectError("PUT", profile("avatar_url"), 403, GUEST_FORBIDDEN, { ...keySpec, body: { avatar_url: "mxc://x/y" } });
    await guest.expectError("DELETE", profile("avatar_url"), 403, GUEST_FORBIDDEN, keySpec);
    await guest.expectOk("DELETE", profile("displayname"), keySpec);
    await guest.expectOk("PUT", profile("displayname"), { ...keySpec, body: { displayname: "Visitor" } });

    await guest.expectError("POST", "/createRoom", 403, GUEST_FORBIDDEN, { spec: "/createRoom", body: {} });
    await guest.expectError("POST", "/account/password", 403, GUEST_FORBIDDEN, { spec: "/account/password", body: { new_password: "pw" } });
  });

  it("refuses a guest's join with M_FORBIDDEN unless the room's guest_access is can_join, then lets them join, send and set state", async () => {
    const alias = `guests${Date.now()}`;
    // public_chat says guest_access forbidden; state_default 0 lets any member set state.
    const roomId = await mod.createRoom({
      preset: "public_chat",
      room_alias_name: alias,
      power_level_content_override: { state_default: 0 },
    });
    const byAlias = `/join/${encodeURIComponent(`#${alias}:${server().serverName}`)}`;
    await guest.expectError("POST", room(roomId, "join"), 403, "M_FORBIDDEN", { spec: "/rooms/{roomId}/join", body: {} });
    await guest.expectError("POST", byAlias, 403, "M_FORBIDDEN", { spec: "/join/{roomIdOrAlias}", body: {} });
    expect(await inspector().state(roomId, "m.room.member", guest.userId)).to.equal(undefined);

    await mod.putState(roomId, "m.room.guest_access", "", { guest_access: "can_join" });
    const joined = await guest.expectOk("POST", byAlias, { spec: "/join/{roomIdOrAlias}", body: {} });
    expect(joined.room_id).to.equal(roomId);
    expect((await inspector().state(roomId, "m.room.member", guest.userId))?.content).to.include({
      membership: "join",
      displayname: "Visitor",
    });
    const sent = await guest.expectOk("PUT", room(roomId, "send/m.room.message/g1"), {
      spec: "/rooms/{roomId}/send/{eventType}/{txnId}",
      body: { msgtype: "m.text", body: "hello from a guest" },
    });
    const custom = await guest.expectOk("PUT", room(roomId, "state/org.example.guestbook/"), {
      spec: "/rooms/{roomId}/state/{eventType}/{stateKey}",
      body: { signed: true },
    });
    expect((await inspector().state(roomId, "org.example.guestbook", ""))?.eventId).to.equal(custom.event_id);

    // What the guest access module does not list stays closed, even in a joined room.
    await guest.expectError("PUT", room(roomId, `redact/${encodeURIComponent(sent.event_id as string)}/r1`), 403, GUEST_FORBIDDEN, {
      spec: "/rooms/{roomId}/redact/{eventId}/{txnId}",
      body: {},
    });
    await guest.expectError("POST", room(roomId, "invite"), 403, GUEST_FORBIDDEN, {
      spec: "/rooms/{roomId}/invite",
      body: { user_id: bob.userId },
    });

    // The readers: the room, its history and the guest's own message.
    await eventually(() => chunkHas(guest, roomId, sent.event_id as string), 30_000, "the guest's message in /messages");
    await guest.expectOk("GET", room(roomId, `event/${encodeURIComponent(sent.event_id as string)}`), {
      spec: "/rooms/{roomId}/event/{eventId}",
    });
    await guest.expectOk("GET", room(roomId, `context/${encodeURIComponent(sent.event_id as string)}`), {
      spec: "/rooms/{roomId}/context/{eventId}",
    });
    const members = await guest.expectOk("GET", room(roomId, "members"), { spec: "/rooms/{roomId}/members" });
    expect((members.chunk as Array<{ state_key: string }>).map((e) => e.state_key)).to.include(guest.userId);
    const sync = await guest.expectOk("GET", "/sync", { spec: "/sync", query: { timeout: "0" } });
    const timeline = (sync.rooms as { join: Record<string, { timeline: { events: Array<{ event_id: string }> } }> }).join[roomId]!.timeline
      .events;
    expect(timeline.map((e) => e.event_id)).to.include(sent.event_id);

    await guest.expectOk("POST", room(roomId, "leave"), { spec: "/rooms/{roomId}/leave", body: {} });
    expect((await inspector().state(roomId, "m.room.member", guest.userId))?.content.membership).to.equal("leave");
  });

  it("lets a guest read a world-readable room they never joined, and no other", async () => {
    const open = await mod.createRoom({
      preset: "public_chat",
      initial_state: [{ type: "m.room.history_visibility", state_key: "", content: { history_visibility: "world_readable" } }],
    });
    const closed = await mod.createRoom({ preset: "public_chat" });
    const said = await mod.send(open, "for everyone");
    await eventually(() => chunkHas(guest, open, said), 30_000, "the world-readable message in /messages");
    const state = await guest.expectOk("GET", room(open, "state/m.room.history_visibility/"), {
      spec: "/rooms/{roomId}/state/{eventType}/{stateKey}",
    });
    expect(state).to.deep.equal({ history_visibility: "world_readable" });
    await guest.expectOk("GET", room(open, `event/${encodeURIComponent(said)}`), { spec: "/rooms/{roomId}/event/{eventId}" });
    await guest.expectOk("GET", room(open, "members"), { spec: "/rooms/{roomId}/members" });
    await guest.expectError("GET", room(closed, "messages"), 403, "M_FORBIDDEN", { spec: "/rooms/{roomId}/messages", query: { dir: "b" } });
    // Reading is not joining: the guest may not send there.
    await guest.expectError("PUT", room(open, "send/m.room.message/w1"), 403, "M_FORBIDDEN", {
      spec: "/rooms/{roomId}/send/{eventType}/{txnId}",
      body: { msgtype: "m.text", body: "not a member" },
    });
  });

  it("makes the room's guests leave, and only them, when guest_access stops being can_join", async () => {
    const roomId = await mod.createRoom({ preset: "private_chat" }); // private_chat: guest_access can_join
    await mod.invite(roomId, guest.userId);
    await mod.invite(roomId, bob.userId);
    await guest.expectOk("POST", room(roomId, "join"), { spec: "/rooms/{roomId}/join", body: {} });
    await bob.join(roomId);
    const other = await registerGuest(server());
    await mod.invite(roomId, other.userId);
    await other.expectOk("POST", room(roomId, "join"), { spec: "/rooms/{roomId}/join", body: {} });

    await mod.putState(roomId, "m.room.guest_access", "", { guest_access: "forbidden" });
    for (const left of [guest, other]) {
      const member = await inspector().state(roomId, "m.room.member", left.userId);
      expect(member?.content.membership, left.userId).to.equal("leave");
      expect(member?.sender).to.equal(left.userId);
    }
    expect((await inspector().state(roomId, "m.room.member", bob.userId))?.content.membership).to.equal("join");
    expect((await inspector().state(roomId, "m.room.member", mod.userId))?.content.membership).to.equal("join");
    await guest.expectError("PUT", room(roomId, "send/m.room.message/k1"), 403, "M_FORBIDDEN", {
      spec: "/rooms/{roomId}/send/{eventType}/{txnId}",
      body: { msgtype: "m.text", body: "still here?" },
    });
    // Invited still, but the room no longer lets guests in.
    await mod.invite(roomId, guest.userId);
    await guest.expectError("POST", room(roomId, "join"), 403, "M_FORBIDDEN", { spec: "/rooms/{roomId}/join", body: {} });
  });

  it("serves the legacy /initialSync, /rooms/{roomId}/initialSync and /events (also peeking at a world-readable room) to a guest", async () => {
    const roomId = await mod.createRoom({ preset: "private_chat" }); // guest_access can_join
    await mod.invite(roomId, guest.userId);
    await guest.expectOk("POST", room(roomId, "join"), { spec: "/rooms/{roomId}/join", body: {} });
    const first = await guest.expectOk("PUT", room(roomId, "send/m.room.message/l1"), {
      spec: "/rooms/{roomId}/send/{eventType}/{txnId}",
      body: { msgtype: "m.text", body: "before the initial sync" },
    });
    await eventually(() => chunkHas(guest, roomId, first.event_id as string), 30_000, "the message in /messages");

    const initial = await guest.expectOk("GET", "/initialSync", { spec: "/initialSync", query: { limit: "5" } });
    const info = (
      initial.rooms as Array<{
        room_id: string;
        membership: string;
        messages: { chunk: Array<{ event_id: string }> };
        state: Array<{ type: string }>;
      }>
    ).find((r) => r.room_id === roomId);
    expect(info?.membership).to.equal("join");
    expect(info!.messages.chunk.at(-1)?.event_id).to.equal(first.event_id);
    expect(info!.messages.chunk.length).to.be.at.most(5);
    expect(info!.state.map((e) => e.type)).to.include.members(["m.room.create", "m.room.guest_access", "m.room.member"]);
    const one = await guest.expectOk("GET", room(roomId, "initialSync"), { spec: "/rooms/{roomId}/initialSync" });
    expect(one).to.include({ room_id: roomId, membership: "join" });
    expect((one.messages as { chunk: Array<{ event_id: string }> }).chunk.map((e) => e.event_id)).to.include(first.event_id);

    // Nothing new: an immediate, empty answer whose end is where the next call starts.
    const idle = await guest.expectOk("GET", "/events", { spec: "/events", query: { from: initial.end as string, timeout: "0" } });
    expect(idle.chunk).to.deep.equal([]);
    // A long poll that a new message in a joined room ends.
    const polled = guest.expectOk("GET", "/events", { spec: "/events", query: { from: idle.end as string, timeout: "30000" } });
    const second = await mod.send(roomId, "during the long poll");
    const woke = await polled;
    expect((woke.chunk as Array<{ event_id: string }>).map((e) => e.event_id)).to.deep.equal([second]);

    // Peeking: a world-readable room the guest never joined, by room_id; others are 403.
    const open = await mod.createRoom({
      preset: "public_chat",
      initial_state: [{ type: "m.room.history_visibility", state_key: "", content: { history_visibility: "world_readable" } }],
    });
    const opening = await mod.send(open, "the room is open");
    await eventually(() => chunkHas(guest, open, opening), 30_000, "the world-readable message in /messages");
    const peek = await guest.expectOk("GET", room(open, "initialSync"), { spec: "/rooms/{roomId}/initialSync" });
    expect(peek).to.include({ room_id: open, membership: "leave" });
    expect((peek.messages as { chunk: Array<{ event_id: string }> }).chunk.at(-1)?.event_id).to.equal(opening);
    const from = (peek.messages as { end: string }).end;
    const peekPoll = guest.expectOk("GET", "/events", { spec: "/events", query: { room_id: open, from, timeout: "30000" } });
    const shown = await mod.send(open, "to the world");
    expect(((await peekPoll).chunk as Array<{ event_id: string }>).map((e) => e.event_id)).to.deep.equal([shown]);
    const closed = await mod.createRoom({ preset: "public_chat" });
    await guest.expectError("GET", "/events", 403, "M_FORBIDDEN", { spec: "/events", query: { room_id: closed, timeout: "0" } });
    await guest.expectError("GET", room(closed, "initialSync"), 403, "M_FORBIDDEN", { spec: "/rooms/{roomId}/initialSync" });
    await guest.expectError("GET", "/events", 400, "M_INVALID_PARAM", { spec: "/events", query: { from: "nonsense" } });
  });

  it("upgrades a guest to a full account with their token and localpart (guest_access_token), keeping the user ID", async () => {
    const visitor = await registerGuest(server());
    const localpart = visitor.userId.slice(1).split(":")[0]!;
    const upgrade = (body: Record<string, unknown>) =>
      new TestClient(server().baseUrl).request("POST", "/register", { spec: "/register", token: null, body });
    const base = { username: localpart, password: "a new password", guest_access_token: visitor.accessToken };
    const wrong = await upgrade({ ...base, username: `${localpart}0` });
    expect(wrong.status, JSON.stringify(wrong.body)).to.equal(400);
    expect(wrong.body.errcode).to.equal("M_INVALID_USERNAME");
    const notGuest = await upgrade({ ...base, username: bob.userId.slice(1).split(":")[0], guest_access_token: bob.accessToken });
    expect(notGuest.status).to.equal(403);
    const first = await upgrade(base);
    expect(first.status, JSON.stringify(first.body)).to.equal(401);
    const done = await upgrade({ ...base, auth: { type: "m.login.dummy", session: first.body.session } });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body.user_id).to.equal(visitor.userId);
    const full = new TestClient(server().baseUrl);
    full.accessToken = done.body.access_token as string;
    expect(await full.expectOk("GET", "/account/whoami", { spec: "/account/whoami" })).to.include({
      user_id: visitor.userId,
      is_guest: false,
    });
    await full.expectOk("POST", "/createRoom", { spec: "/createRoom", body: {} });
    const session = await full.login(localpart, "a new password");
    expect(session.accessToken).to.be.a("string");
  });
}
