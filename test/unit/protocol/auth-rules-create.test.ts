import { ROOM_VERSIONS } from "../../../components/protocol/roomversions.js";
import { expectAllowed, expectDenied } from "./helpers/auth-assert.js";
import { ALL_VERSIONS, FakeRoom, fakeEvent } from "./helpers/fake-events.js";

const ALICE = "@alice:a.example";
const EMPTY = new Map();

function create(version: string, content: Record<string, unknown>, extra: { roomId?: string; prev?: string[]; omitRoomId?: boolean } = {}) {
  return fakeEvent(version, {
    type: "m.room.create",
    sender: ALICE,
    stateKey: "",
    content: content as never,
    roomId: extra.roomId ?? "!room:a.example",
    prevEventIds: extra.prev ?? [],
    omitRoomIdInJson: extra.omitRoomId ?? ROOM_VERSIONS.get(version)!.roomIdFromCreateEvent,
  });
}

describe("protocol/auth rules: m.room.create", () => {
  for (const id of ALL_VERSIONS) {
    it(`v${id}: a well-formed create event is allowed`, () => {
      expectAllowed(new FakeRoom(id).create, EMPTY);
    });
    it(`v${id}: a create event with prev_events is rejected`, () => {
      expectDenied(create(id, { creator: ALICE, room_version: id }, { prev: ["$x"] }), EMPTY, /prev_events/);
    });
    it(`v${id}: an unknown content.room_version is rejected (also when not a string)`, () => {
      expectDenied(create(id, { creator: ALICE, room_version: "999" }), EMPTY, /room_version/);
      expectDenied(create(id, { creator: ALICE, room_version: 11 }), EMPTY, /room_version/);
    });
  }

  for (const id of ["1", "5", "10", "11"]) {
    it(`v${id}: the room ID must be on the sender's server`, () => {
      expectDenied(create(id, { creator: ALICE }, { roomId: "!room:b.example" }), EMPTY, /sender's server/);
    });
  }

  it("v12: a create event with a room_id is rejected, and the room ID's server no longer matters", () => {
    expectDenied(create("12", {}, { omitRoomId: false }), EMPTY, /has a room_id/);
    expectAllowed(create("12", {}, { roomId: "!abcdef" }), EMPTY);
  });

  for (const id of ["1", "6", "10"]) {
    it(`v${id}: content without creator is rejected`, () => {
      expectDenied(create(id, {}), EMPTY, /no creator/);
    });
  }
  for (const id of ["11", "12"]) {
    it(`v${id}: content without creator is allowed (the sender is the creator)`, () => {
      expectAllowed(create(id, {}), EMPTY);
    });
  }

  describe("v12 additional_creators", () => {
    it("accepts an array of user IDs", () => {
      expectAllowed(create("12", { additional_creators: ["@bob:b.example", "@carol:c.example:8448"] }), EMPTY);
    });
    const bad: Array<[string, unknown]> = [
      ["not an array", "@bob:b.example"],
      ["a non-string entry", [5]],
      ["an entry that is not a user ID", ["bob"]],
      ["an entry with a bad server name", ["@bob:b_example!"]],
      ["null", null],
    ];
    for (const [desc, value] of bad) {
      it(`rejects ${desc}`, () => {
        expectDenied(create("12", { additional_creators: value }), EMPTY, /additional_creators/);
      });
    }
    it("is not checked in v11", () => {
      expectAllowed(create("11", { additional_creators: "junk" }), EMPTY);
    });
  });
});
