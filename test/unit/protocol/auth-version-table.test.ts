/**
 * Every difference between room versions that the auth rules know, as one table checked in
 * all twelve versions. The version ranges are written out from the spec's room version
 * pages rather than read from roomversions.ts, so a wrong flag in that table fails here.
 */
import { expect } from "chai";
import { checkAuth } from "../../../components/protocol/auth/rules.js";
import { ProtocolError } from "../../../components/protocol/errors.js";
import type { RoomEvent, StateMap } from "../../../components/protocol/events/event.js";
import { ALL_VERSIONS, FakeRoom, roomWithCreatorJoined } from "./helpers/fake-events.js";

const ALICE = "@alice:a.example";
const BOB = "@bob:b.example";
const CAROL = "@carol:c.example";

/** alice (creator) joined with power 100 (v12: infinite, as creator), power levels as given. */
function room(id: string, pl: Record<string, unknown> = {}, createContent = {}): FakeRoom {
  const r = roomWithCreatorJoined(id, ALICE, createContent);
  r.setPowerLevels({ users: id === "12" ? {} : { [ALICE]: 100 }, ...pl } as never);
  return r;
}

interface Row {
  readonly difference: string;
  /** The room versions in which the case is allowed; rejected in all others. */
  readonly allowedIn: (v: number) => boolean;
  readonly setup: (id: string) => { event: RoomEvent; state: StateMap };
}

const ROWS: Row[] = [
  {
    difference: "knocking on a knock room (knock from v7)",
    allowedIn: (v) => v >= 7,
    setup: (id) => {
      const r = room(id);
      r.setJoinRule("knock");
      return { event: r.member(BOB, "knock"), state: r.state };
    },
  },
  {
    difference: "a join vouched for by a member who may invite, in a restricted room (v8)",
    allowedIn: (v) => v >= 8,
    setup: (id) => {
      const r = room(id);
      r.setJoinRule("restricted");
      const event = r.member(BOB, "join", { content: { join_authorised_via_users_server: ALICE } });
      (event.json as { signatures: Record<string, unknown> }).signatures["a.example"] = { "ed25519:1": "sig" };
      return { event, state: r.state };
    },
  },
  {
    difference: "knocking on a knock_restricted room (v10)",
    allowedIn: (v) => v >= 10,
    setup: (id) => {
      const r = room(id);
      r.setJoinRule("knock_restricted");
      return { event: r.member(BOB, "knock"), state: r.state };
    },
  },
  {
    difference: 'a power level written as a string ("50"), rejected from v10',
    allowedIn: (v) => v <= 9,
    setup: (id) => {
      const r = room(id);
      return {
        event: r.event({
          type: "m.room.power_levels",
          sender: ALICE,
          stateKey: "",
          content: { users: id === "12" ? {} : { [ALICE]: 100 }, ban: "50" },
        }),
        state: r.state,
      };
    },
  },
  {
    difference: "an m.room.create without creator (v11)",
    allowedIn: (v) => v >= 11,
    setup: (id) => {
      const r = new FakeRoom(id, ALICE, {});
      const content = { room_version: id };
      const event = r.event({
        type: "m.room.create",
        sender: ALICE,
        stateKey: "",
        content,
        prevEventIds: [],
        roomId: r.roomId,
        omitRoomIdInJson: id === "12",
      });
      return { event, state: new Map() };
    },
  },
  {
    difference: "m.room.aliases from a non-member for its own server (special rule v1-v5)",
    allowedIn: (v) => v <= 5,
    setup: (id) => {
      const r = room(id);
      return { event: r.event({ type: "m.room.aliases", sender: BOB, stateKey: "b.example", content: { aliases: [] } }), state: r.state };
    },
  },
  {
    difference: "a redaction below the redact level of another server's event (own rule v1-v2)",
    allowedIn: (v) => v >= 3,
    setup: (id) => {
      const r = room(id, { redact: 50 });
      r.setMember(BOB, "join");
      return {
        event: r.event({ type: "m.room.redaction", sender: BOB, content: { redacts: "$x:a.example" }, redacts: "$x:a.example" }),
        state: r.state,
      };
    },
  },
  {
    difference: "raising notifications.room above one's own level (checked from v6)",
    allowedIn: (v) => v <= 5,
    setup: (id) => {
      const users: Record<string, number> = id === "12" ? { [BOB]: 60 } : { [ALICE]: 100, [BOB]: 60 };
      const r = room(id, { users });
      r.setMember(BOB, "join");
      return {
        event: r.event({ type: "m.room.power_levels", sender: BOB, stateKey: "", content: { users, notifications: { room: 80 } } }),
        state: r.state,
      };
    },
  },
  {
    difference: "power levels naming the room creator in users (forbidden from v12)",
    allowedIn: (v) => v <= 11,
    setup: (id) => {
      const r = room(id);
      return {
        event: r.event({ type: "m.room.power_levels", sender: ALICE, stateKey: "", content: { users: { [ALICE]: 100 } } }),
        state: r.state,
      };
    },
  },
  {
    difference: "a 100-level user demoting the creator (creators are untouchable from v12)",
    allowedIn: (v) => v <= 11,
    setup: (id) => {
      const users: Record<string, number> = id === "12" ? { [CAROL]: 100 } : { [ALICE]: 50, [CAROL]: 100 };
      const r = room(id, { users });
      r.setMember(CAROL, "join");
      return { event: r.event({ type: "m.room.member", sender: CAROL, stateKey: ALICE, content: { membership: "ban" } }), state: r.state };
    },
  },
  {
    difference: "the create event's sender as creator when content.creator names another (v11)",
    allowedIn: (v) => v >= 11,
    setup: (id) => {
      // In v1-v10 the creator is content.creator (carol), so alice has no power without a
      // power levels event; from v11 the sender (alice) is the creator.
      const r = new FakeRoom(id, ALICE, { creator: CAROL });
      r.setMember(ALICE, "join");
      return { event: r.event({ type: "m.room.name", sender: ALICE, stateKey: "", content: { name: "n" } }), state: r.state };
    },
  },
];

describe("protocol/auth rules: every room version difference, in every version", () => {
  for (const row of ROWS) {
    it(row.difference, () => {
      const outcomes = ALL_VERSIONS.map((id) => {
        const { event, state } = row.setup(id);
        try {
          checkAuth(event, state);
          return "allowed";
        } catch (e) {
          if (!(e instanceof ProtocolError)) throw e;
          return "rejected";
        }
      });
      const expected = ALL_VERSIONS.map((id) => (row.allowedIn(Number(id)) ? "allowed" : "rejected"));
      expect(Object.fromEntries(ALL_VERSIONS.map((id, i) => [`v${id}`, outcomes[i]]))).to.deep.equal(
        Object.fromEntries(ALL_VERSIONS.map((id, i) => [`v${id}`, expected[i]])),
      );
    });
  }
});
