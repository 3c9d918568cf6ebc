import { expect } from "chai";
import type { Database } from "../../../components/internal/database/database.js";
import type { JsonObject } from "../../../components/protocol/events/event.js";
import type { RoomserverCore } from "../../../components/roomserver/core/roomserver-core.js";
import { RoomserverPerformer } from "../../../components/roomserver/perform/performer.js";
import { RoomserverQueries } from "../../../components/roomserver/query/queries.js";
import { selectRoom } from "../../../components/roomserver/storage/rooms.js";
import type { PerformError } from "../../../proto/gen/dendrite/roomserver/v1/input.js";
import { TEST_SERVER } from "../../../testing/roomserver-harness.js";
import { SETUPS, useRoomserver, pendingSetups } from "./backends.js";

const user = (localpart: string) => `@${localpart}:${TEST_SERVER}`;
const alice = user("alice");
const bob = user("bob");
const carol = user("carol");
const MEMBER = "m.room.member";

interface StoredRow {
  event_id: string;
  type: string;
  state_key: string | null;
  depth: number;
  status: string;
  prev_event_ids: string[];
  auth_event_ids: string[];
}

for (const setup of SETUPS) {
  describe(`roomserver perform [${setup.name}]`, function () {
    this.timeout(60_000);
    const rs = useRoomserver(setup, "roomserver-perform");
    let db: Database;
    let core: RoomserverCore;
    let performer: RoomserverPerformer;
    // Each test's names are unique, so tests sharing the database never see each other's rooms.
    let n = 0;
    const unique = (name: string) => `${name}${++n}${Math.random().toString(36).slice(2, 6)}`;

    before(() => {
      ({ db, core } = rs);
      performer = new RoomserverPerformer(core, new RoomserverQueries(core));
    });

    const createRoom = (body: JsonObject | string, creator = alice) =>
      performer.performCreateRoom({
        creator,
        requestJson: typeof body === "string" ? body : JSON.stringify(body),
        roomId: "",
        transactionId: undefined,
        creatorMemberContentJson: "",
      });

    async function newRoom(body: JsonObject, creator = alice): Promise<string> {
      const res = await createRoom(body, creator);
      expect(res.error, JSON.stringify(res.error)).to.equal(undefined);
      return res.roomId;
    }

    /** The room's current state as (type, state_key) -> content, read from the roomserver's own stores. */
    async function currentState(roomId: string): Promise<Map<string, JsonObject>> {
      const room = await selectRoom(db, roomId);
      if (!room) throw new Error(`no room ${roomId}`);
      const state = await core.state.eventsOf(db, await core.snapshots.load(db, room.currentSnapshotNid));
      return new Map([...state.values()].map((l) => [`${l.record.type}|${l.record.stateKey}`, l.event.content]));
    }
    const stateOf = async (roomId: string, type: string, stateKey = "") => (await currentState(roomId)).get(`${type}|${stateKey}`);
    const membershipOf = async (roomId: string, userId: string) => (await stateOf(roomId, MEMBER, userId))?.["membership"];

    /** Every stored event of the room in arrival order, with its auth events' IDs. */
    async function storedEvents(roomId: string): Promise<StoredRow[]> {
      return db.query<StoredRow>(
        `SELECT e.event_id, e.type, e.state_key, e.depth, e.status, e.prev_event_ids,
           ARRAY(SELECT a.event_id FROM roomserver_events a WHERE a.event_nid = ANY(e.auth_event_nids)) AS auth_event_ids
         FROM roomserver_events e JOIN roomserver_rooms r ON r.room_nid = e.room_nid
         WHERE r.room_id = $1 ORDER BY e.event_nid`,
        [roomId],
      );
    }
    const countRows = async (table: string) => (await db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${table}`))[0]!.n;

    function expectError(error: PerformError | undefined, errcode: string, httpStatus: number): void {
      expect(error, `expected ${errcode}`).to.not.equal(undefined);
      expect(error).to.include({ errcode, httpStatus });
      expect(error!.message).to.not.equal("");
    }

    async function membership(
      roomId: string,
      sender: string,
      target: string,
      change: string,
      extra: { reason?: string; isDirect?: boolean } = {},
    ) {
      return performer.performMembership({
        roomId,
        sender,
        target,
        membership: change,
        reason: extra.reason ?? "",
        isDirect: extra.isDirect ?? false,
      });
    }
    const join = (roomIdOrAlias: string, userId: string, content: JsonObject = {}) =>
      performer.performJoin({ roomIdOrAlias, userId, contentJson: JSON.stringify(content), isGuest: false });

    describe("createRoom", () => {
      const presets = {
        private_chat: { join: "invite", guest: "can_join", invite: 0 },
        trusted_private_chat: { join: "invite", guest: "can_join", invite: 0 },
        public_chat: { join: "public", guest: "forbidden", invite: 50 },
      } as const;
      for (const [preset, expected] of Object.entries(presets)) {
        it(`${preset}: sends the spec's events in order, in a line, with the preset's state`, async () => {
          const roomId = await newRoom({ preset });
          const events = await storedEvents(roomId);
          expect(events.map((e) => e.type)).to.deep.equal([
            "m.room.create",
            MEMBER,
            "m.room.power_levels",
            "m.room.join_rules",
            "m.room.history_visibility",
            "m.room.guest_access",
          ]);
          events.forEach((e, i) => {
            expect(e.status).to.equal("accepted");
            expect(e.depth).to.equal(i + 1);
            expect(e.prev_event_ids).to.deep.equal(i === 0 ? [] : [events[i - 1]!.event_id]);
          });
          const state = await currentState(roomId);
          expect(state.get("m.room.join_rules|")).to.deep.equal({ join_rule: expected.join });
          expect(state.get("m.room.history_visibility|")).to.deep.equal({ history_visibility: "shared" });
          expect(state.get("m.room.guest_access|")).to.deep.equal({ guest_access: expected.guest });
          expect(state.get(`${MEMBER}|${alice}`)).to.deep.equal({ membership: "join" });
          // A v12 room (the default): the creator has power by being the creator, unlisted.
          const pl = state.get("m.room.power_levels|")!;
          expect(pl).to.deep.include({ users: {}, invite: expected.invite, state_default: 50 });
          expect((pl["events"] as JsonObject)["m.room.tombstone"]).to.equal(150);
        });
      }

      it("makes rooms of the configured default version when the request names none", async () => {
        const configured = core.deps.config.rooms;
        expect((await stateOf(await newRoom({}), "m.room.create"))!["room_version"]).to.equal("12");
        configured.default_version = "10";
        try {
          expect((await stateOf(await newRoom({}), "m.room.create"))!["room_version"]).to.equal("10");
        } finally {
          configured.default_version = "12";
        }
      });

      for (const version of ["1", "3", "6", "10", "11", "12"]) {
        it(`room version ${version}: the version's create content, IDs and auth events`, async () => {
          const roomId = await newRoom({ room_version: version, name: `v${version}` });
          const events = await storedEvents(roomId);
          const create = (await stateOf(roomId, "m.room.create"))!;
          expect(create["room_version"]).to.equal(version);
          expect(create["creator"]).to.equal(Number(version) < 11 ? alice : undefined);
          expect(await stateOf(roomId, "m.room.name")).to.deep.equal({ name: `v${version}` });
          const idPattern = { "1": /^\$[A-Za-z0-9_-]+:test\.local$/, "3": /^\$[A-Za-z0-9+/]{43}$/ }[version] ?? /^\$[A-Za-z0-9_-]{43}$/;
          for (const e of events) expect(e.event_id).to.match(idPattern);
          const pl = (await stateOf(roomId, "m.room.power_levels"))!;
          const createId = events[0]!.event_id;
          const memberAuth = events[1]!.auth_event_ids;
          if (version === "12") {
            expect(roomId).to.equal(`!${createId.slice(1)}`);
            expect(pl["users"]).to.deep.equal({}, "v12 creators are not listed");
            expect((pl["events"] as JsonObject)["m.room.tombstone"]).to.equal(150);
            expect(memberAuth).to.not.include(createId);
          } else {
            expect(roomId).to.match(/^![A-Za-z0-9_-]+:test\.local$/);
            expect(pl["users"]).to.deep.equal({ [alice]: 100 });
            expect(memberAuth).to.include(createId);
          }
        });
      }

      it("maps room_alias_name to the room as its canonical alias; a taken alias is M_ROOM_IN_USE and stores nothing", async () => {
        const name = unique("pub");
        const res = await createRoom({ preset: "public_chat", room_alias_name: name, creation_content: { "m.federate": false } });
        const alias = `#${name}:${TEST_SERVER}`;
        expect(res).to.include({ roomAlias: alias });
        expect(await stateOf(res.roomId, "m.room.canonical_alias")).to.deep.equal({ alias });
        expect((await stateOf(res.roomId, "m.room.create"))!["m.federate"]).to.equal(false);
        const types = (await storedEvents(res.roomId)).map((e) => e.type);
        expect(types.indexOf("m.room.canonical_alias")).to.equal(3, "after power levels, before the preset's events");
        expect(await performer.queryAlias({ alias })).to.deep.equal({ roomId: res.roomId, servers: [TEST_SERVER] });

        const rooms = await countRows("roomserver_rooms");
        expectError((await createRoom({ room_alias_name: name })).error, "M_ROOM_IN_USE", 400);
        expect(await countRows("roomserver_rooms")).to.equal(rooms);
      });

      it("applies initial_state over the preset, then name and topic over initial_state, and the power level override", async () => {
        const roomId = await newRoom({
          preset: "private_chat",
          name: "Named",
          topic: "All about happy hour",
          initial_state: [
            { type: "m.room.join_rules", content: { join_rule: "public" } },
            { type: "m.room.name", content: { name: "overwritten" } },
            { type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } },
            { type: "org.example.flag", state_key: "x", content: { on: true } },
          ],
          // Listing the creator is right in v11 and would be invalid in v12 (the default): left out.
          power_level_content_override: { events_default: 10, users: { [alice]: 100, [bob]: 50 } },
        });
        const state = await currentState(roomId);
        expect(state.get("m.room.join_rules|")).to.deep.equal({ join_rule: "public" });
        expect(state.get("m.room.name|")).to.deep.equal({ name: "Named" });
        expect(state.get("m.room.topic|")).to.deep.equal({
          topic: "All about happy hour",
          "m.topic": { "m.text": [{ mimetype: "text/plain", body: "All about happy hour" }] },
        });
        expect(state.get("org.example.flag|x")).to.deep.equal({ on: true });
        expect(state.get("m.room.power_levels|")).to.deep.include({ events_default: 10, users: { [bob]: 50 }, invite: 0 });
        const types = (await storedEvents(roomId)).map((e) => e.type);
        expect(types.filter((t) => t === "m.room.join_rules" || t === "m.room.name")).to.have.length(2, "each sent once");
        expect(types.slice(-2)).to.deep.equal(["m.room.name", "m.room.topic"]);
      });

      it("uses an m.room.power_levels from initial_state instead of the generated one", async () => {
        const given = { users: { [alice]: 100 }, state_default: 0, ban: 100 };
        const body = {
          room_version: "11",
          initial_state: [{ type: "m.room.power_levels", content: given }],
          power_level_content_override: { ban: 1 },
        };
        const roomId = await newRoom(body);
        expect(await stateOf(roomId, "m.room.power_levels")).to.deep.equal(given);
      });

      it("invites with is_direct; trusted_private_chat makes invitees admins (v11) or additional creators (v12)", async () => {
        const roomId = await newRoom({
          preset: "trusted_private_chat",
          room_version: "11",
          invite: [bob, carol, bob, alice],
          is_direct: true,
        });
        expect(await stateOf(roomId, MEMBER, bob)).to.deep.equal({ membership: "invite", is_direct: true });
        expect(await membershipOf(roomId, carol)).to.equal("invite");
        expect((await stateOf(roomId, "m.room.power_levels"))!["users"]).to.deep.equal({ [alice]: 100, [bob]: 100, [carol]: 100 });
        const types = (await storedEvents(roomId)).map((e) => e.type);
        expect(types.slice(-2)).to.deep.equal([MEMBER, MEMBER], "invites come last; the creator is not invited");

        const v12 = await newRoom({ preset: "trusted_private_chat", room_version: "12", invite: [bob] });
        expect((await stateOf(v12, "m.room.create"))!["additional_creators"]).to.deep.equal([bob]);
        expect(await stateOf(v12, MEMBER, bob)).to.deep.equal({ membership: "invite" });
      });

      it("refuses bad requests with the spec's errors and stores nothing", async () => {
        const rooms = await countRows("roomserver_rooms");
        const events = await countRows("roomserver_events");
        const cases: [JsonObject | string, string][] = [
          ["{not json", "M_NOT_JSON"],
          ["[]", "M_BAD_JSON"],
          [{ name: 5 }, "M_BAD_JSON"],
          [{ invite: bob }, "M_BAD_JSON"],
          [{ preset: "party" }, "M_BAD_JSON"],
          [{ initial_state: [{ type: "m.room.name" }] }, "M_BAD_JSON"],
          [{ initial_state: [{ type: "m.room.create", content: {} }] }, "M_BAD_JSON"],
          [{ room_version: "99" }, "M_UNSUPPORTED_ROOM_VERSION"],
          [{ room_version: 11 }, "M_BAD_JSON"],
          [{ room_alias_name: "bad:alias" }, "M_INVALID_PARAM"],
          [{ room_alias_name: "x".repeat(300) }, "M_INVALID_PARAM"],
          [{ invite: ["bob"] }, "M_INVALID_PARAM"],
          [{ room_version: "11", power_level_content_override: { users: { [bob]: 100 } } }, "M_INVALID_ROOM_STATE"],
          [{ initial_state: [{ type: MEMBER, state_key: bob, content: { membership: "join" } }] }, "M_INVALID_ROOM_STATE"],
        ];
        for (const [body, errcode] of cases) {
          const res = await createRoom(body);
          expectError(res.error, errcode, 400);
          expect(res.roomId, JSON.stringify(body)).to.equal("");
        }
        expectError((await createRoom({}, "@alice:elsewhere.example")).error, "M_INVALID_PARAM", 400);
        expect(await countRows("roomserver_rooms")).to.equal(rooms);
        expect(await countRows("roomserver_events")).to.equal(events);
      });
    });

    describe("membership", () => {
      it("joins a public room by ID or alias; an invite-only room refuses with 403 and stores no rejected event", async () => {
        const name = unique("lobby");
        const open = await newRoom({ preset: "public_chat", room_alias_name: name });
        const res = await join(`#${name}:${TEST_SERVER}`, bob, { displayname: "Bob" });
        expect(res.error).to.equal(undefined);
        expect(res.roomId).to.equal(open);
        expect(await stateOf(open, MEMBER, bob)).to.deep.equal({ displayname: "Bob", membership: "join" });
        const events = await storedEvents(open);
        expect(events.at(-1)).to.include({ event_id: res.eventId, depth: events.length });
        expect(events.at(-1)!.prev_event_ids).to.deep.equal([events.at(-2)!.event_id]);
        const again = await join(open, bob, { displayname: "Bob" });
        expect(again).to.deep.include({ roomId: open, eventId: res.eventId }, "a repeated join answers with the existing event");
        expect(await storedEvents(open)).to.have.length(events.length);

        const closed = await newRoom({ preset: "private_chat" });
        const before = (await storedEvents(closed)).length;
        expectError((await join(closed, bob)).error, "M_FORBIDDEN", 403);
        expect(await storedEvents(closed)).to.have.length(before);

        expectError((await join(`#${unique("nothing")}:${TEST_SERVER}`, bob)).error, "M_NOT_FOUND", 404);
        expectError((await join(`!unknown:${TEST_SERVER}`, bob)).error, "M_NOT_FOUND", 404);
        expectError((await join("lobby", bob)).error, "M_INVALID_PARAM", 400);
      });

      it("invites, joins, kicks, bans and unbans, each with its reason; the auth rules' refusals are 403", async () => {
        const roomId = await newRoom({ preset: "private_chat" });
        expectError((await membership(roomId, bob, carol, "invite")).error, "M_FORBIDDEN", 403); // bob is not in the room

        const invited = await membership(roomId, alice, bob, "invite", { isDirect: true, reason: "welcome" });
        expect(invited.error).to.equal(undefined);
        expect(await stateOf(roomId, MEMBER, bob)).to.deep.equal({ membership: "invite", is_direct: true, reason: "welcome" });
        expect((await join(roomId, bob)).error).to.equal(undefined);
        expect(await membershipOf(roomId, bob)).to.equal("join");

        expectError((await membership(roomId, bob, alice, "leave")).error, "M_FORBIDDEN", 403); // bob may not kick (power 0)
        expectError((await membership(roomId, alice, carol, "leave")).error, "M_FORBIDDEN", 403); // carol is not in the room

        expect((await membership(roomId, alice, bob, "leave", { reason: "spam" })).error).to.equal(undefined);
        expect(await stateOf(roomId, MEMBER, bob)).to.deep.equal({ membership: "leave", reason: "spam" });

        expect((await membership(roomId, alice, bob, "ban", { reason: "more spam" })).error).to.equal(undefined);
        expect(await membershipOf(roomId, bob)).to.equal("ban");
        expectError((await membership(roomId, alice, bob, "invite")).error, "M_FORBIDDEN", 403); // banned
        expectError((await join(roomId, bob)).error, "M_FORBIDDEN", 403);

        expect((await membership(roomId, alice, bob, "leave")).error).to.equal(undefined); // unban
        expect(await membershipOf(roomId, bob)).to.equal("leave");
        expect((await membership(roomId, alice, bob, "invite")).error).to.equal(undefined);
        expect((await join(roomId, bob)).error).to.equal(undefined);
        const left = await membership(roomId, bob, bob, "leave");
        expect(left.error).to.equal(undefined);
        expect(await membershipOf(roomId, bob)).to.equal("leave");
        expect((await storedEvents(roomId)).every((e) => e.status === "accepted")).to.equal(true);

        expectError((await membership(roomId, alice, bob, "knock")).error, "M_INVALID_PARAM", 400);
        expectError((await membership(roomId, alice, "bob", "invite")).error, "M_INVALID_PARAM", 400);
        expectError((await membership(`!nowhere:${TEST_SERVER}`, alice, bob, "invite")).error, "M_NOT_FOUND", 404);
      });
    });

    describe("aliases and the room directory", () => {
      it("sets aliases for members only, once; removes them for their creator or whoever may change the canonical alias", async () => {
        const name = unique("canon");
        const roomId = await newRoom({ preset: "public_chat", room_alias_name: name });
        const canonical = `#${name}:${TEST_SERVER}`;
        const bobs = `#${unique("bobs")}:${TEST_SERVER}`;
        expect((await join(roomId, bob)).error).to.equal(undefined);

        expectError((await performer.performSetAlias({ alias: bobs, roomId, creator: carol })).error, "M_FORBIDDEN", 403);
        expect((await performer.performSetAlias({ alias: bobs, roomId, creator: bob })).error).to.equal(undefined);
        expectError((await performer.performSetAlias({ alias: bobs, roomId, creator: alice })).error, "M_UNKNOWN", 409);
        expectError(
          (await performer.performSetAlias({ alias: "#x:elsewhere.example", roomId, creator: bob })).error,
          "M_INVALID_PARAM",
          400,
        );
        expectError((await performer.performSetAlias({ alias: "nope", roomId, creator: bob })).error, "M_INVALID_PARAM", 400);
        expectError(
          (await performer.performSetAlias({ alias: `#${unique("x")}:${TEST_SERVER}`, roomId: `!no:${TEST_SERVER}`, creator: bob })).error,
          "M_NOT_FOUND",
          404,
        );
        expect((await performer.queryAlias({ alias: bobs })).roomId).to.equal(roomId);

        // Bob (power 0) may not remove alice's alias, but may remove his own; alice (100) may remove any.
        expectError((await performer.performRemoveAlias({ alias: canonical, userId: bob })).error, "M_FORBIDDEN", 403);
        expect((await performer.performRemoveAlias({ alias: bobs, userId: bob })).error).to.equal(undefined);
        expect(await performer.queryAlias({ alias: bobs })).to.deep.equal({ roomId: "", servers: [] });
        expect((await performer.performRemoveAlias({ alias: canonical, userId: alice })).error).to.equal(undefined);
        expect(await stateOf(roomId, "m.room.canonical_alias")).to.deep.equal({}, "the removed alias leaves the canonical alias event");
        expectError((await performer.performRemoveAlias({ alias: canonical, userId: alice })).error, "M_NOT_FOUND", 404);
      });

      it("publishes and unpublishes rooms and pages through them, filtered by name, topic or alias", async () => {
        const term = unique("dir");
        const ids: string[] = [];
        for (const [i, body] of (
          [{ name: `${term} one` }, { topic: `about ${term.toUpperCase()}` }, { room_alias_name: `${term}-three` }] as Record<
            string,
            string
          >[]
        ).entries()) {
          ids.push(await newRoom({ ...body, visibility: i === 2 ? "private" : "public" }));
        }
        const published = async (rows: string) =>
          (await db.query<{ published: boolean }>("SELECT published FROM roomserver_rooms WHERE room_id = $1", [rows]))[0]!.published;
        expect(await published(ids[0]!)).to.equal(true);
        expect(await published(ids[2]!)).to.equal(false);
        expect((await performer.performPublish({ roomId: ids[2]!, visibility: "public" })).error).to.equal(undefined);

        const first = await performer.queryPublishedRooms({ limit: 2, since: "", filterTerm: term });
        expect(first).to.deep.equal({ roomIds: ids.slice(0, 2), next: "2", total: 3 });
        const second = await performer.queryPublishedRooms({ limit: 2, since: first.next, filterTerm: term });
        expect(second).to.deep.equal({ roomIds: [ids[2]], next: "", total: 3 });
        const all = await performer.queryPublishedRooms({ limit: 0, since: "", filterTerm: "" });
        expect(all.roomIds).to.include.members(ids);

        expect((await performer.performPublish({ roomId: ids[0]!, visibility: "private" })).error).to.equal(undefined);
        expect(await performer.queryPublishedRooms({ limit: 10, since: "", filterTerm: term })).to.deep.equal({
          roomIds: ids.slice(1),
          next: "",
          total: 2,
        });
        expectError((await performer.performPublish({ roomId: `!gone:${TEST_SERVER}`, visibility: "public" })).error, "M_NOT_FOUND", 404);
        expectError((await performer.performPublish({ roomId: ids[1]!, visibility: "shown" })).error, "M_INVALID_PARAM", 400);
      });
    });
  });
}
pendingSetups("roomserver-perform");
