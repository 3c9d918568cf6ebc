import { expect } from "chai";
import { ProtocolError } from "../../../components/protocol/errors.js";
import {
  CREATOR_POWER_LEVEL,
  RoomPowerLevels,
  notificationLevel,
  parseLevel,
  parsePowerLevels,
  roomCreators,
} from "../../../components/protocol/auth/power-levels.js";
import { roomVersion } from "../../../components/protocol/roomversions.js";
import { ALL_VERSIONS, FakeRoom } from "./helpers/fake-events.js";

const v = roomVersion;

describe("protocol/auth/power-levels", () => {
  describe("parseLevel", () => {
    const table: Array<[string, unknown, string[], number | undefined]> = [
      // [description, value, versions, expected]
      ["integer", 50, ALL_VERSIONS, 50],
      ["negative integer", -10, ALL_VERSIONS, -10],
      ["string integer in v1-v9", "50", ["1", "5", "6", "9"], 50],
      ["string with sign and whitespace in v9", " +0100 ", ["9"], 100],
      ["negative string in v9", "-7", ["9"], -7],
      ["string integer rejected in v10+", "50", ["10", "11", "12"], undefined],
      ["string float rejected", "5.0", ["1", "9"], undefined],
      ["non-numeric string rejected", "abc", ["1", "9"], undefined],
      ["empty string rejected", "", ["9"], undefined],
      ["float truncated in v1-v5", 50.57, ["1", "5"], 50],
      ["negative float truncated toward zero in v1-v5", -1.9, ["3"], -1],
      ["float rejected in v6+", 50.5, ["6", "10", "12"], undefined],
      ["boolean rejected", true, ALL_VERSIONS, undefined],
      ["null rejected", null, ALL_VERSIONS, undefined],
      ["object rejected", {}, ALL_VERSIONS, undefined],
      ["beyond 2^53 rejected", 2 ** 60, ALL_VERSIONS, undefined],
      ["huge string rejected", "99999999999999999999", ["9"], undefined],
    ];
    for (const [desc, value, versions, expected] of table) {
      it(`${desc} (v${versions.join(",")})`, () => {
        for (const id of versions) expect(parseLevel(value as never, v(id)), `v${id}`).to.equal(expected);
      });
    }
  });

  describe("parsePowerLevels", () => {
    it("fills in the spec's defaults", () => {
      const pl = parsePowerLevels({}, v("11"));
      expect(pl).to.include({ usersDefault: 0, eventsDefault: 0, stateDefault: 50, ban: 50, kick: 50, redact: 50, invite: 0 });
      expect(notificationLevel(pl, "room")).to.equal(50);
    });

    it("reads every field, strings included where the version allows", () => {
      const pl = parsePowerLevels(
        {
          users_default: "1",
          events_default: 2,
          state_default: "3",
          ban: 4,
          kick: 5,
          redact: 6,
          invite: 7,
          events: { "m.room.name": "8" },
          notifications: { room: 9 },
          users: { "@bob:b.example": "10" },
        },
        v("9"),
      );
      expect(pl).to.include({ usersDefault: 1, eventsDefault: 2, stateDefault: 3, ban: 4, kick: 5, redact: 6, invite: 7 });
      expect(pl.events.get("m.room.name")).to.equal(8);
      expect(notificationLevel(pl, "room")).to.equal(9);
      expect(pl.users.get("@bob:b.example")).to.equal(10);
    });

    const malformed: Array<[string, Record<string, unknown>, string]> = [
      ["string ban in v10", { ban: "50" }, "10"],
      ["string users value in v10", { users: { "@bob:b.example": "50" } }, "10"],
      ["string events value in v11", { events: { "m.room.name": "50" } }, "11"],
      ["string notifications value in v12", { notifications: { room: "50" } }, "12"],
      ["events not an object", { events: 5 }, "9"],
      ["events an array", { events: [1] }, "3"],
      ["users not an object", { users: "x" }, "1"],
      ["users key not a user ID", { users: { bob: 50 } }, "9"],
      ["users value not a level", { users: { "@bob:b.example": "fifty" } }, "9"],
      ["ban an object", { ban: {} }, "9"],
      ["kick null", { kick: null }, "6"],
      ["notifications malformed in v6", { notifications: { room: "x" } }, "6"],
    ];
    for (const [desc, content, id] of malformed) {
      it(`rejects ${desc} with a ProtocolError`, () => {
        expect(() => parsePowerLevels(content as never, v(id)))
          .to.throw(ProtocolError)
          .with.property("code", "UNAUTHORISED");
      });
    }

    it("ignores malformed notifications before v6 (they play no part in auth there)", () => {
      const pl = parsePowerLevels({ notifications: { room: "x" } }, v("5"));
      expect(notificationLevel(pl, "room")).to.equal(50);
    });
  });

  describe("roomCreators", () => {
    it("is content.creator in v1-v10", () => {
      const room = new FakeRoom("10", "@alice:a.example", { creator: "@carol:a.example" });
      expect(roomCreators(room.create, room.version)).to.deep.equal(["@carol:a.example"]);
    });
    it("is the sender in v11", () => {
      const room = new FakeRoom("11", "@alice:a.example", { additional_creators: ["@bob:b.example"] });
      expect(roomCreators(room.create, room.version)).to.deep.equal(["@alice:a.example"]);
    });
    it("is the sender plus additional_creators in v12", () => {
      const room = new FakeRoom("12", "@alice:a.example", { additional_creators: ["@bob:b.example"] });
      expect(roomCreators(room.create, room.version)).to.deep.equal(["@alice:a.example", "@bob:b.example"]);
    });
  });

  describe("RoomPowerLevels", () => {
    for (const id of ["1", "10", "11"]) {
      it(`v${id}: without a power levels event the creator has 100 and others 0`, () => {
        const room = new FakeRoom(id);
        const power = RoomPowerLevels.fromState(room.state, room.version);
        expect(power.userLevel("@alice:a.example")).to.equal(100);
        expect(power.userLevel("@bob:b.example")).to.equal(0);
        expect(power.eventLevel("m.room.name", true)).to.equal(50);
        expect(power.eventLevel("m.room.message", false)).to.equal(0);
        expect(power.content).to.include({ ban: 50, kick: 50, redact: 50, invite: 0 });
      });
    }

    it("v12: creators and additional creators have infinite power, with or without power levels", () => {
      const room = new FakeRoom("12", "@alice:a.example", { additional_creators: ["@bob:b.example"] });
      let power = RoomPowerLevels.fromState(room.state, room.version);
      expect(power.userLevel("@alice:a.example")).to.equal(CREATOR_POWER_LEVEL);
      expect(power.userLevel("@bob:b.example")).to.equal(CREATOR_POWER_LEVEL);
      expect(power.userLevel("@carol:c.example")).to.equal(0);
      room.setPowerLevels({ users_default: 10, users: { "@carol:c.example": 100 } });
      power = RoomPowerLevels.fromState(room.state, room.version);
      expect(power.userLevel("@alice:a.example")).to.equal(Number.POSITIVE_INFINITY);
      expect(power.userLevel("@carol:c.example")).to.equal(100);
      expect(power.userLevel("@dave:d.example")).to.equal(10);
    });

    it("v11: with a power levels event the creator has only what it says", () => {
      const room = new FakeRoom("11");
      room.setPowerLevels({ users: { "@bob:b.example": 100 } });
      const power = RoomPowerLevels.fromState(room.state, room.version);
      expect(power.userLevel("@alice:a.example")).to.equal(0);
      expect(power.userLevel("@bob:b.example")).to.equal(100);
    });

    it("uses events over state_default/events_default", () => {
      const room = new FakeRoom("11");
      room.setPowerLevels({ state_default: 20, events_default: 5, events: { "m.room.topic": 1, "m.custom": 70 } });
      const power = RoomPowerLevels.fromState(room.state, room.version);
      expect(power.eventLevel("m.room.topic", true)).to.equal(1);
      expect(power.eventLevel("m.custom", false)).to.equal(70);
      expect(power.eventLevel("m.room.name", true)).to.equal(20);
      expect(power.eventLevel("m.room.message", false)).to.equal(5);
    });
  });
});
