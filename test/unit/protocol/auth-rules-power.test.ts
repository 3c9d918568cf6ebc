import { expectAllowed, expectDenied, expectNoCrash } from "./helpers/auth-assert.js";
import { ALL_VERSIONS, FakeRoom, roomWithCreatorJoined } from "./helpers/fake-events.js";

const ALICE = "@alice:a.example";
const BOB = "@bob:b.example";
const CAROL = "@carol:c.example";
const DAVE = "@dave:d.example";

/** alice 100 (v12: creator), bob 50 (the sender under test), carol 50, dave 40. */
function room(id: string, extra: Record<string, unknown> = {}): FakeRoom {
  const r = roomWithCreatorJoined(id);
  const users: Record<string, unknown> = { [BOB]: 50, [CAROL]: 50, [DAVE]: 40 };
  if (id !== "12") users[ALICE] = 100;
  r.setPowerLevels({ users, state_default: 50, ...extra } as never);
  for (const u of [BOB, CAROL, DAVE]) r.setMember(u, "join");
  return r;
}

/** A power levels event by `sender` with the current content changed by `edit`. */
function change(r: FakeRoom, edit: (c: Record<string, any>) => void, sender = BOB) {
  const current = JSON.parse(JSON.stringify(r.state.get("m.room.power_levels\u0000")!.content));
  edit(current);
  return r.event({ type: "m.room.power_levels", sender, stateKey: "", content: current });
}

describe("protocol/auth rules: m.room.power_levels", () => {
  for (const id of ALL_VERSIONS) {
    it(`v${id}: the first power levels event is allowed whatever it says`, () => {
      const r = roomWithCreatorJoined(id);
      expectAllowed(
        r.event({ type: "m.room.power_levels", sender: ALICE, stateKey: "", content: { users: { [BOB]: 1e6 }, ban: 1e6 } }),
        r.state,
      );
    });

    it(`v${id}: top-level levels change only within the sender's power`, () => {
      const r = room(id);
      expectAllowed(
        change(r, (c) => (c.kick = 40)),
        r.state,
      ); // default 50 -> 40: both <= 50
      expectAllowed(
        change(r, (c) => (c.ban = 50)),
        r.state,
      ); // added at own level
      expectDenied(
        change(r, (c) => (c.ban = 51)),
        r.state,
        /cannot set ban/,
      );
      expectDenied(
        change(r, (c) => (c.users_default = 60)),
        r.state,
        /cannot set users_default/,
      );
      const high = room(id, { redact: 60 });
      expectDenied(
        change(high, (c) => (c.redact = 10)),
        high.state,
        /cannot change redact/,
      );
      expectDenied(
        change(high, (c) => delete c.redact),
        high.state,
        /cannot change redact/,
      );
    });

    it(`v${id}: events entries change only within the sender's power`, () => {
      const r = room(id, { events: { "m.room.topic": 75, "m.room.name": 20 } });
      expectAllowed(
        change(r, (c) => (c.events["m.room.avatar"] = 50)),
        r.state,
      );
      expectAllowed(
        change(r, (c) => (c.events["m.room.name"] = 30)),
        r.state,
      );
      expectDenied(
        change(r, (c) => (c.events["m.room.avatar"] = 51)),
        r.state,
        /cannot set events.m.room.avatar/,
      );
      expectDenied(
        change(r, (c) => (c.events["m.room.topic"] = 10)),
        r.state,
        /cannot change events.m.room.topic/,
      );
      expectDenied(
        change(r, (c) => delete c.events["m.room.topic"]),
        r.state,
        /cannot change events.m.room.topic/,
      );
    });

    it(`v${id}: users entries: others below the sender only, nobody above the sender`, () => {
      const r = room(id);
      expectAllowed(
        change(r, (c) => (c.users[DAVE] = 0)),
        r.state,
      );
      expectAllowed(
        change(r, (c) => delete c.users[DAVE]),
        r.state,
      );
      expectAllowed(
        change(r, (c) => (c.users["@new:n.example"] = 50)),
        r.state,
      );
      expectAllowed(
        change(r, (c) => (c.users[BOB] = 10)),
        r.state,
      ); // demoting oneself
      expectDenied(
        change(r, (c) => (c.users[CAROL] = 0)),
        r.state,
        /cannot change the level of @carol/,
      );
      expectDenied(
        change(r, (c) => (c.users[DAVE] = 51)),
        r.state,
        /cannot set @dave/,
      );
      expectDenied(
        change(r, (c) => (c.users[BOB] = 51)),
        r.state,
        /cannot set @bob/,
      );
    });

    it(`v${id}: users keys must be user IDs`, () => {
      const r = room(id);
      expectDenied(
        change(r, (c) => (c.users["not-a-user"] = 0)),
        r.state,
        /not a user ID/,
      );
    });

    it(`v${id}: sending power levels still needs its required level`, () => {
      const r = room(id, { events: { "m.room.power_levels": 60 } });
      expectDenied(
        change(r, (c) => (c.users[DAVE] = 0)),
        r.state,
        /power level: sending m.room.power_levels needs 60/,
      );
    });
  }

  it("notifications changes are checked from v6, not before", () => {
    for (const id of ["1", "5"]) {
      const r = room(id, { notifications: { room: 75 } });
      expectAllowed(
        change(r, (c) => (c.notifications.room = 10)),
        r.state,
      );
      expectAllowed(
        change(r, (c) => (c.notifications.room = 99)),
        r.state,
      );
    }
    for (const id of ["6", "9", "10", "12"]) {
      const r = room(id, { notifications: { room: 75 } });
      expectDenied(
        change(r, (c) => (c.notifications.room = 10)),
        r.state,
        /cannot change notifications.room/,
      );
      const r2 = room(id);
      expectDenied(
        change(r2, (c) => (c.notifications = { room: 99 })),
        r2.state,
        /cannot set notifications.room/,
      );
      expectAllowed(
        change(r2, (c) => (c.notifications = { room: 20 })),
        r2.state,
      );
    }
  });

  it("v9 accepts string power levels and compares them as numbers; v10 rejects them", () => {
    for (const id of ["1", "6", "9"]) {
      const r = room(id);
      expectAllowed(
        change(r, (c) => (c.users[DAVE] = "20")),
        r.state,
      );
      expectAllowed(
        change(r, (c) => (c.users[CAROL] = "50")),
        r.state,
      ); // "50" == 50: no change
      expectAllowed(
        change(r, (c) => (c.kick = " 30 ")),
        r.state,
      );
      expectDenied(
        change(r, (c) => (c.ban = "51")),
        r.state,
        /cannot set ban/,
      );
    }
    for (const id of ["10", "11", "12"]) {
      const r = room(id);
      expectDenied(
        change(r, (c) => (c.users[DAVE] = "20")),
        r.state,
        /not a valid power level/,
      );
      expectDenied(
        change(r, (c) => (c.kick = "30")),
        r.state,
        /not a valid power level/,
      );
      expectDenied(
        change(r, (c) => (c.events = { "m.room.name": "30" })),
        r.state,
        /not a valid power level/,
      );
      expectDenied(
        change(r, (c) => (c.notifications = { room: "30" })),
        r.state,
        /not a valid power level/,
      );
      expectDenied(
        change(r, (c) => (c.events = 5)),
        r.state,
        /not an object/,
      );
    }
  });

  it("v10: the first power levels event is also validated", () => {
    const r = roomWithCreatorJoined("10");
    expectDenied(
      r.event({ type: "m.room.power_levels", sender: ALICE, stateKey: "", content: { ban: "50" } }),
      r.state,
      /not a valid power level/,
    );
  });

  it("pre-v10: unparsable values are rejected rather than crashing", () => {
    const r = room("9");
    expectDenied(
      change(r, (c) => (c.ban = "fifty")),
      r.state,
      /not a valid power level/,
    );
    expectDenied(
      change(r, (c) => (c.users = [])),
      r.state,
      /not an object/,
    );
  });

  describe("v12 privileged creators", () => {
    it("creators and additional creators may not appear in users", () => {
      const r = new FakeRoom("12", ALICE, { additional_creators: [CAROL] });
      r.setMember(ALICE, "join");
      expectDenied(
        r.event({ type: "m.room.power_levels", sender: ALICE, stateKey: "", content: { users: { [ALICE]: 100 } } }),
        r.state,
        /must not list the room creator @alice/,
      );
      expectDenied(
        r.event({ type: "m.room.power_levels", sender: ALICE, stateKey: "", content: { users: { [CAROL]: 0 } } }),
        r.state,
        /must not list the room creator @carol/,
      );
      expectAllowed(r.event({ type: "m.room.power_levels", sender: ALICE, stateKey: "", content: { users: { [BOB]: 100 } } }), r.state);
    });
    it("v11 lets the creator appear in users", () => {
      const r = roomWithCreatorJoined("11");
      expectAllowed(r.event({ type: "m.room.power_levels", sender: ALICE, stateKey: "", content: { users: { [ALICE]: 100 } } }), r.state);
    });
    it("a creator may set any level; nobody can demote a creator", () => {
      const r = room("12");
      expectAllowed(
        change(r, (c) => (c.users[BOB] = 9007199254740991), ALICE),
        r.state,
      );
      expectAllowed(
        change(r, (c) => (c.ban = 1000), ALICE),
        r.state,
      );
      expectDenied(
        change(r, (c) => (c.users[ALICE] = 0), BOB),
        r.state,
        /must not list the room creator/,
      );
    });
    it("v11: a higher user can demote the creator", () => {
      const r = room("11");
      r.setPowerLevels({ users: { [ALICE]: 50, [BOB]: 100 } });
      expectAllowed(
        change(r, (c) => (c.users[ALICE] = 0)),
        r.state,
      );
    });
  });

  it("malformed power levels never crash", () => {
    const contents: unknown[] = [
      { users: null },
      { users: { [BOB]: null } },
      { events: null },
      { notifications: [] },
      { ban: [] },
      { users_default: { a: 1 } },
    ];
    for (const id of ["1", "5", "9", "10", "12"]) {
      const r = room(id);
      for (const content of contents) {
        expectNoCrash(r.event({ type: "m.room.power_levels", sender: BOB, stateKey: "", content: content as never }), r.state);
      }
    }
  });
});
