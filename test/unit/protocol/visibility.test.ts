import { expect } from "chai";
import { historyVisibilityOf, serverMaySeeEvent, userMayRead, userMaySeeEvent } from "../../../components/protocol/visibility/history.js";
import type { StateMap } from "../../../components/protocol/events/event.js";
import type { FakeRoom } from "./helpers/fake-events.js";
import { roomWithCreatorJoined } from "./helpers/fake-events.js";

const ALICE = "@alice:a.example";
const BOB = "@bob:b.example";

function roomWith(visibility: string | undefined): FakeRoom {
  const r = roomWithCreatorJoined("11");
  if (visibility !== undefined) {
    r.add({ type: "m.room.history_visibility", sender: ALICE, stateKey: "", content: { history_visibility: visibility } });
  }
  return r;
}

describe("protocol/visibility/history", () => {
  it("defaults to shared when unset, unknown or mistyped", () => {
    expect(historyVisibilityOf(roomWith(undefined).state)).to.equal("shared");
    expect(historyVisibilityOf(roomWith("secret").state)).to.equal("shared");
    const r = roomWithCreatorJoined("11");
    r.add({ type: "m.room.history_visibility", sender: ALICE, stateKey: "", content: { history_visibility: 5 } });
    expect(historyVisibilityOf(r.state)).to.equal("shared");
    expect(historyVisibilityOf(roomWith("joined").state)).to.equal("joined");
  });

  describe("userMayRead (the four rules)", () => {
    // [visibility, membership at event, joined after the event, expected]
    const table: Array<[string, string, boolean, boolean]> = [
      ["world_readable", "leave", false, true],
      ["shared", "join", false, true],
      ["invited", "join", false, true],
      ["joined", "join", false, true],
      ["shared", "leave", true, true],
      ["shared", "leave", false, false],
      ["shared", "invite", false, false],
      ["invited", "invite", false, true],
      ["invited", "leave", true, false],
      ["joined", "invite", false, false],
      ["joined", "leave", true, false],
      ["joined", "ban", false, false],
    ];
    for (const [vis, membership, later, expected] of table) {
      it(`${vis} + ${membership}${later ? " (joined later)" : ""} -> ${expected ? "visible" : "hidden"}`, () => {
        expect(userMayRead(vis as never, membership, later)).to.equal(expected);
      });
    }
  });

  describe("userMaySeeEvent", () => {
    it("uses the state at the event", () => {
      const r = roomWith("joined");
      const before = r.snapshot();
      const m = r.event({ type: "m.room.message", sender: ALICE, content: {} });
      expect(userMaySeeEvent(m, { userId: BOB, stateBefore: before, joinedAfterEvent: true })).to.equal(false);
      expect(userMaySeeEvent(m, { userId: ALICE, stateBefore: before, joinedAfterEvent: true })).to.equal(true);
      r.setMember(BOB, "invite", ALICE);
      const m2 = r.event({ type: "m.room.message", sender: ALICE, content: {} });
      expect(userMaySeeEvent(m2, { userId: BOB, stateBefore: r.snapshot(), joinedAfterEvent: false })).to.equal(false);
      const inv = roomWith("invited");
      inv.setMember(BOB, "invite", ALICE);
      const m3 = inv.event({ type: "m.room.message", sender: ALICE, content: {} });
      expect(userMaySeeEvent(m3, { userId: BOB, stateBefore: inv.snapshot(), joinedAfterEvent: false })).to.equal(true);
    });

    it("shared history is visible to users who joined later", () => {
      const r = roomWith("shared");
      const m = r.event({ type: "m.room.message", sender: ALICE, content: {} });
      expect(userMaySeeEvent(m, { userId: BOB, stateBefore: r.snapshot(), joinedAfterEvent: true })).to.equal(true);
      expect(userMaySeeEvent(m, { userId: BOB, stateBefore: r.snapshot(), joinedAfterEvent: false })).to.equal(false);
    });

    it("world_readable is visible to anyone", () => {
      const r = roomWith("world_readable");
      const m = r.event({ type: "m.room.message", sender: ALICE, content: {} });
      expect(userMaySeeEvent(m, { userId: "@x:x.example", stateBefore: r.snapshot(), joinedAfterEvent: false })).to.equal(true);
    });

    it("a history visibility change counts with the setting before or after it", () => {
      const r = roomWith("joined");
      const toWorld = r.event({
        type: "m.room.history_visibility",
        sender: ALICE,
        stateKey: "",
        content: { history_visibility: "world_readable" },
      });
      expect(userMaySeeEvent(toWorld, { userId: BOB, stateBefore: r.snapshot(), joinedAfterEvent: false })).to.equal(true);
      const w = roomWith("world_readable");
      const toJoined = w.event({
        type: "m.room.history_visibility",
        sender: ALICE,
        stateKey: "",
        content: { history_visibility: "joined" },
      });
      expect(userMaySeeEvent(toJoined, { userId: BOB, stateBefore: w.snapshot(), joinedAfterEvent: false })).to.equal(true);
      const j = roomWith("joined");
      const toInvited = j.event({
        type: "m.room.history_visibility",
        sender: ALICE,
        stateKey: "",
        content: { history_visibility: "invited" },
      });
      expect(userMaySeeEvent(toInvited, { userId: BOB, stateBefore: j.snapshot(), joinedAfterEvent: false })).to.equal(false);
    });

    it("users see their own joins and departures under joined visibility, not others'", () => {
      const r = roomWith("joined");
      const join = r.member(BOB, "join");
      expect(userMaySeeEvent(join, { userId: BOB, stateBefore: r.snapshot(), joinedAfterEvent: true })).to.equal(true);
      const carolJoin = r.member("@carol:c.example", "join");
      expect(userMaySeeEvent(carolJoin, { userId: BOB, stateBefore: r.snapshot(), joinedAfterEvent: true })).to.equal(false);
      r.setMember(BOB, "join");
      const leave = r.member(BOB, "leave");
      expect(userMaySeeEvent(leave, { userId: BOB, stateBefore: r.snapshot(), joinedAfterEvent: false })).to.equal(true);
      const kick = r.member(BOB, "ban", { sender: ALICE });
      expect(userMaySeeEvent(kick, { userId: BOB, stateBefore: r.snapshot(), joinedAfterEvent: false })).to.equal(true);
    });
  });

  describe("serverMaySeeEvent", () => {
    const at = (r: FakeRoom): [ReturnType<FakeRoom["event"]>, StateMap] => [
      r.event({ type: "m.room.message", sender: ALICE, content: {} }),
      r.snapshot(),
    ];

    it("shared and world_readable are visible to any server", () => {
      for (const vis of [undefined, "shared", "world_readable"]) {
        const [ev, state] = at(roomWith(vis));
        expect(serverMaySeeEvent(ev, state, "z.example"), String(vis)).to.equal(true);
      }
    });

    it("invited: a server with an invited or joined user may see it", () => {
      const r = roomWith("invited");
      let [ev, state] = at(r);
      expect(serverMaySeeEvent(ev, state, "b.example")).to.equal(false);
      r.setMember(BOB, "invite", ALICE);
      [ev, state] = at(r);
      expect(serverMaySeeEvent(ev, state, "b.example")).to.equal(true);
      expect(serverMaySeeEvent(ev, state, "a.example")).to.equal(true);
      r.setMember(BOB, "leave");
      [ev, state] = at(r);
      expect(serverMaySeeEvent(ev, state, "b.example")).to.equal(false);
    });

    it("joined: only a server with a joined user may see it", () => {
      const r = roomWith("joined");
      r.setMember(BOB, "invite", ALICE);
      let [ev, state] = at(r);
      expect(serverMaySeeEvent(ev, state, "b.example")).to.equal(false);
      r.setMember(BOB, "join");
      [ev, state] = at(r);
      expect(serverMaySeeEvent(ev, state, "b.example")).to.equal(true);
      // The server name must match exactly, not as a suffix.
      expect(serverMaySeeEvent(ev, state, "example")).to.equal(false);
    });

    it("a server sees the join of its own user and visibility changes either side", () => {
      const r = roomWith("joined");
      const join = r.member(BOB, "join");
      expect(serverMaySeeEvent(join, r.snapshot(), "b.example")).to.equal(true);
      const toShared = r.event({
        type: "m.room.history_visibility",
        sender: ALICE,
        stateKey: "",
        content: { history_visibility: "shared" },
      });
      expect(serverMaySeeEvent(toShared, r.snapshot(), "z.example")).to.equal(true);
    });
  });
});
