import { expect } from "chai";
import {
  authEventTypesNeeded,
  authStateNeeded,
  authStateNeededInAnyVersion,
  selectAuthEvents,
} from "../../../components/protocol/auth/auth-events.js";
import { checkAuthEventsSelection } from "../../../components/protocol/auth/auth-events-check.js";
import { ProtocolError } from "../../../components/protocol/errors.js";
import type { RoomEvent } from "../../../components/protocol/events/event.js";
import { stateKeyOf } from "../../../components/protocol/events/event.js";
import { roomVersion } from "../../../components/protocol/roomversions.js";
import { FakeRoom, fakeEvent, roomWithCreatorJoined } from "./helpers/fake-events.js";

const ALICE = "@alice:a.example";
const BOB = "@bob:b.example";
const CAROL = "@carol:c.example";

function tuples(list: Array<{ type: string; stateKey: string }>): string[] {
  return list.map((t) => `${t.type}|${t.stateKey}`).sort();
}

function expectUnauthorised(fn: () => unknown, pattern: RegExp): void {
  expect(fn).to.throw(ProtocolError, pattern).with.property("code", "UNAUTHORISED");
}

describe("protocol/auth/auth-events selection", () => {
  describe("authEventTypesNeeded", () => {
    const v11 = roomVersion("11");
    const v12 = roomVersion("12");

    it("a create event needs none", () => {
      expect(authEventTypesNeeded({ type: "m.room.create", sender: ALICE, stateKey: "", content: {} }, v11)).to.deep.equal([]);
    });

    it("a message needs create, power levels and the sender's membership", () => {
      expect(tuples(authEventTypesNeeded({ type: "m.room.message", sender: BOB, content: {} }, v11))).to.deep.equal(
        ["m.room.create|", "m.room.member|" + BOB, "m.room.power_levels|"].sort(),
      );
    });

    it("v12 never selects the create event (the room ID implies it)", () => {
      expect(tuples(authEventTypesNeeded({ type: "m.room.message", sender: BOB, content: {} }, v12))).to.deep.equal(
        ["m.room.member|" + BOB, "m.room.power_levels|"].sort(),
      );
    });

    it("a join adds the join rules, and the target is the sender", () => {
      const t = { type: "m.room.member", sender: BOB, stateKey: BOB, content: { membership: "join" } };
      expect(tuples(authEventTypesNeeded(t, v11))).to.deep.equal(
        ["m.room.create|", "m.room.member|" + BOB, "m.room.power_levels|", "m.room.join_rules|"].sort(),
      );
    });

    it("an invite adds the target's membership and the join rules", () => {
      const t = { type: "m.room.member", sender: ALICE, stateKey: BOB, content: { membership: "invite" } };
      expect(tuples(authEventTypesNeeded(t, v11))).to.deep.equal(
        ["m.room.create|", "m.room.member|" + ALICE, "m.room.member|" + BOB, "m.room.power_levels|", "m.room.join_rules|"].sort(),
      );
    });

    it("a knock adds the join rules; a leave or ban does not", () => {
      const knock = { type: "m.room.member", sender: BOB, stateKey: BOB, content: { membership: "knock" } };
      expect(tuples(authEventTypesNeeded(knock, v11))).to.include("m.room.join_rules|");
      const ban = { type: "m.room.member", sender: ALICE, stateKey: BOB, content: { membership: "ban" } };
      expect(tuples(authEventTypesNeeded(ban, v11))).to.not.include("m.room.join_rules|");
      const leave = { type: "m.room.member", sender: BOB, stateKey: BOB, content: { membership: "leave" } };
      expect(tuples(authEventTypesNeeded(leave, v11))).to.not.include("m.room.join_rules|");
    });

    it("a third-party invite adds the m.room.third_party_invite for its token", () => {
      const t = {
        type: "m.room.member",
        sender: ALICE,
        stateKey: BOB,
        content: { membership: "invite", third_party_invite: { display_name: "b", signed: { mxid: BOB, token: "tok" } } },
      };
      expect(tuples(authEventTypesNeeded(t, v11))).to.include("m.room.third_party_invite|tok");
    });

    it("malformed third_party_invite content adds nothing and does not throw", () => {
      const t = { type: "m.room.member", sender: ALICE, stateKey: BOB, content: { membership: "invite", third_party_invite: "x" } };
      expect(tuples(authEventTypesNeeded(t, v11)).some((s) => s.startsWith("m.room.third_party_invite"))).to.equal(false);
    });

    it("a restricted join adds the authorising user's membership from v8, not before", () => {
      const t = {
        type: "m.room.member",
        sender: BOB,
        stateKey: BOB,
        content: { membership: "join", join_authorised_via_users_server: CAROL },
      };
      expect(tuples(authEventTypesNeeded(t, roomVersion("8")))).to.include("m.room.member|" + CAROL);
      expect(tuples(authEventTypesNeeded(t, roomVersion("7")))).to.not.include("m.room.member|" + CAROL);
    });
  });

  describe("authStateNeeded", () => {
    const message = { type: "m.room.message", sender: BOB, content: {} };

    it("is the auth events selection plus the create event, which v12 does not list but its rules read", () => {
      for (const version of ["1", "11", "12"]) {
        expect(tuples(authStateNeeded(message, roomVersion(version))), `v${version}`).to.deep.equal(
          ["m.room.create|", "m.room.member|" + BOB, "m.room.power_levels|"].sort(),
        );
      }
      expect(authStateNeeded({ type: "m.room.create", sender: ALICE, stateKey: "", content: {} }, roomVersion("12"))).to.deep.equal([]);
    });

    it("for a room of unknown version, is what any version reads (a restricted join's authoriser from v8)", () => {
      const join = {
        type: "m.room.member",
        sender: BOB,
        stateKey: BOB,
        content: { membership: "join", join_authorised_via_users_server: CAROL },
      };
      expect(tuples(authStateNeededInAnyVersion(join))).to.deep.equal(
        ["m.room.create|", "m.room.member|" + BOB, "m.room.member|" + CAROL, "m.room.power_levels|", "m.room.join_rules|"].sort(),
      );
    });
  });

  describe("selectAuthEvents", () => {
    it("picks the needed events present in the state", () => {
      const room = roomWithCreatorJoined("11");
      const pl = room.setPowerLevels({ users: { [ALICE]: 100 } });
      room.setJoinRule("public");
      room.add({ type: "m.room.name", sender: ALICE, stateKey: "", content: { name: "x" } });
      const picked = selectAuthEvents(
        room.state,
        { type: "m.room.member", sender: BOB, stateKey: BOB, content: { membership: "join" } },
        room.version,
      );
      expect(picked.map((e) => e.type).sort()).to.deep.equal(["m.room.create", "m.room.join_rules", "m.room.power_levels"]);
      expect(picked).to.include(pl);
    });
  });

  describe("checkAuthEventsSelection", () => {
    function setup(version: string) {
      const room = roomWithCreatorJoined(version);
      room.setPowerLevels({ users: { [ALICE]: 100 } });
      room.setJoinRule("public");
      const get = (type: string, sk = "") => room.state.get(stateKeyOf(type, sk))!;
      return { room, get };
    }
    function withAuth(room: FakeRoom, auth: RoomEvent[], init = { type: "m.room.message", sender: ALICE, content: {} }) {
      return room.event({ ...init, authEventIds: auth.map((e) => e.eventId) });
    }

    it("accepts exactly the right events and returns them as a state map", () => {
      const { room, get } = setup("11");
      const auth = [get("m.room.create"), get("m.room.power_levels"), get("m.room.member", ALICE)];
      const state = checkAuthEventsSelection(withAuth(room, auth), auth);
      expect(state.size).to.equal(3);
    });

    it("accepts fewer events than selection allows (each is 'if any')", () => {
      const { room, get } = setup("11");
      const auth = [get("m.room.create"), get("m.room.member", ALICE)];
      expect(() => checkAuthEventsSelection(withAuth(room, auth), auth)).to.not.throw();
    });

    it("rejects two events for the same (type, state_key)", () => {
      const { room, get } = setup("11");
      const oldPl = get("m.room.power_levels");
      const newPl = room.setPowerLevels({ users: { [ALICE]: 100 }, ban: 40 });
      const auth = [get("m.room.create"), oldPl, newPl, get("m.room.member", ALICE)];
      expectUnauthorised(() => checkAuthEventsSelection(withAuth(room, auth), auth), /duplicate/);
    });

    it("rejects an event the selection does not call for (join rules for a message)", () => {
      const { room, get } = setup("11");
      const auth = [get("m.room.create"), get("m.room.join_rules"), get("m.room.member", ALICE)];
      expectUnauthorised(() => checkAuthEventsSelection(withAuth(room, auth), auth), /not in the auth events selection/);
    });

    it("rejects a rejected auth event", () => {
      const { room, get } = setup("11");
      const pl = get("m.room.power_levels");
      const auth = [get("m.room.create"), pl, get("m.room.member", ALICE)];
      expectUnauthorised(() => checkAuthEventsSelection(withAuth(room, auth), auth, { isRejected: (e) => e === pl }), /was rejected/);
    });

    for (const id of ["1", "6", "11"]) {
      it(`v${id}: rejects auth events without the create event`, () => {
        const { room, get } = setup(id);
        const auth = [get("m.room.power_levels"), get("m.room.member", ALICE)];
        expectUnauthorised(() => checkAuthEventsSelection(withAuth(room, auth), auth), /no m.room.create/);
      });
    }

    it("rejects an auth event from another room", () => {
      const { room, get } = setup("11");
      const foreign = fakeEvent("11", { type: "m.room.power_levels", sender: ALICE, stateKey: "", roomId: "!other:a.example" });
      const auth = [get("m.room.create"), foreign, get("m.room.member", ALICE)];
      expectUnauthorised(() => checkAuthEventsSelection(withAuth(room, auth), auth), /another room/);
    });

    it("rejects when a listed auth event is not supplied, or an unlisted one is", () => {
      const { room, get } = setup("11");
      const auth = [get("m.room.create"), get("m.room.member", ALICE)];
      const ev = withAuth(room, [...auth, get("m.room.power_levels")]);
      expectUnauthorised(() => checkAuthEventsSelection(ev, auth), /missing/);
      const ev2 = withAuth(room, auth);
      expectUnauthorised(() => checkAuthEventsSelection(ev2, [...auth, get("m.room.power_levels")]), /not one of/);
    });

    it("rejects a non-state auth event", () => {
      const { room, get } = setup("11");
      const msg = room.add({ type: "m.room.message", sender: ALICE, content: {} });
      const auth = [get("m.room.create"), msg];
      expectUnauthorised(() => checkAuthEventsSelection(withAuth(room, auth), auth), /not a state event/);
    });

    it("v12: rejects the create event among the auth events and adds it from the room ID", () => {
      const { room, get } = setup("12");
      const good = [get("m.room.power_levels"), get("m.room.member", ALICE)];
      const state = checkAuthEventsSelection(withAuth(room, good), good, { createEvent: room.create });
      expect(state.get(stateKeyOf("m.room.create", ""))).to.equal(room.create);
      const bad = [room.create, ...good];
      expectUnauthorised(
        () => checkAuthEventsSelection(withAuth(room, bad), bad, { createEvent: room.create }),
        /not in the auth events selection/,
      );
    });

    it("v12: rejects without a known create event, a rejected one, or one whose ID is not the room ID", () => {
      const { room, get } = setup("12");
      const auth = [get("m.room.power_levels"), get("m.room.member", ALICE)];
      const ev = withAuth(room, auth);
      expectUnauthorised(() => checkAuthEventsSelection(ev, auth), /create event is not known/);
      expectUnauthorised(
        () => checkAuthEventsSelection(ev, auth, { createEvent: room.create, isRejected: (e) => e === room.create }),
        /was rejected/,
      );
      const otherCreate = new FakeRoom("12").create;
      expectUnauthorised(() => checkAuthEventsSelection(ev, auth, { createEvent: otherCreate }), /room_id is not the create event's ID/);
    });

    it("a create event's auth events are not considered", () => {
      const room = new FakeRoom("11");
      expect(checkAuthEventsSelection(room.create, []).size).to.equal(0);
    });
  });
});
