import { expect } from "chai";
import type { StoredEvent } from "../../../components/syncapi/storage/events.js";
import { RecentEvents } from "../../../components/syncapi/caches/recent-events.js";

const ROOM = "!a:example.org";
const OTHER = "!b:example.org";
const all = () => true;

function event(position: number, roomId = ROOM, type = "m.room.message", stateKey: string | null = null): StoredEvent {
  return {
    position,
    eventId: `$${position}`,
    roomId,
    type,
    sender: "@alice:example.org",
    stateKey,
    json: { type, content: { body: `${position}` } },
    historyVisibility: "shared",
    txnDeviceId: null,
    txnId: null,
    prevEventId: null,
    redactionEventId: null,
  };
}

const positions = (events: StoredEvent[] | null) => events?.map((e) => e.position) ?? null;

describe("syncapi: RecentEvents", () => {
  it("answers for ranges after the start, newest first, and leaves older ranges to the database", () => {
    const recent = new RecentEvents();
    recent.start(100);
    [101, 103, 104].forEach((p) => recent.added(event(p)));
    expect(positions(recent.newest(ROOM, 100, 104, 10, all))).to.deep.equal([104, 103, 101]);
    expect(positions(recent.newest(ROOM, 101, 103, 10, all))).to.deep.equal([103]);
    expect(recent.newest(ROOM, 99, 104, 10, all)).to.equal(null); // the event at 100 may be this room's
    expect(positions(recent.newest(ROOM, 0, 104, 2, all))).to.deep.equal([104, 103]); // `limit` found: complete anyway
  });

  it("holds a room's whole timeline when its create event came after the start", () => {
    const recent = new RecentEvents();
    recent.start(100);
    recent.added(event(105, ROOM, "m.room.create", ""));
    recent.added(event(106));
    expect(positions(recent.newest(ROOM, 0, 106, 10, all))).to.deep.equal([106, 105]);
  });

  it("a room it does not hold had nothing after the start; a position not yet added is not answered", () => {
    const recent = new RecentEvents();
    recent.start(100);
    recent.added(event(101));
    expect(recent.newest(OTHER, 100, 101, 10, all)).to.deep.equal([]);
    expect(recent.newest(OTHER, 50, 101, 10, all)).to.equal(null);
    expect(recent.newest(ROOM, 100, 102, 10, all)).to.equal(null);
  });

  it("counts only the events that pass toward the limit", () => {
    const recent = new RecentEvents();
    recent.start(0);
    [1, 2, 3, 4].forEach((p) => recent.added(event(p)));
    const even = (e: StoredEvent) => e.position % 2 === 0;
    expect(positions(recent.newest(ROOM, 0, 4, 10, even))).to.deep.equal([4, 2]);
  });

  it("trims each room to its limit, and what was trimmed is the database's again", () => {
    const recent = new RecentEvents({ perRoom: 3, total: 100 });
    recent.start(0);
    [1, 2, 3, 4, 5].forEach((p) => recent.added(event(p)));
    expect(positions(recent.newest(ROOM, 2, 5, 10, all))).to.deep.equal([5, 4, 3]);
    expect(recent.newest(ROOM, 1, 5, 10, all)).to.equal(null);
    expect(recent.get("$1")).to.equal(undefined);
  });

  it("forgets the least active room beyond the total, and then answers for absent rooms only after its newest event", () => {
    const recent = new RecentEvents({ perRoom: 10, total: 3 });
    recent.start(0);
    recent.added(event(1, OTHER));
    recent.added(event(2));
    recent.added(event(3));
    recent.added(event(4)); // four held: OTHER, the least recently active, goes
    expect(recent.get("$1")).to.equal(undefined);
    expect(recent.newest(OTHER, 0, 4, 10, all)).to.equal(null);
    expect(recent.newest(OTHER, 1, 4, 10, all)).to.deep.equal([]);
    expect(positions(recent.newest(ROOM, 0, 4, 10, all))).to.deep.equal([4, 3, 2]);
  });

  it("a redaction replaces the held event's JSON", () => {
    const recent = new RecentEvents();
    recent.start(0);
    recent.added(event(1));
    recent.redacted("$1", { type: "m.room.message", content: {} }, "$9");
    const [held] = recent.newest(ROOM, 0, 1, 10, all)!;
    expect(held!.json).to.deep.equal({ type: "m.room.message", content: {} });
    expect(held!.redactionEventId).to.equal("$9");
    expect(recent.get("$1")).to.equal(held);
  });

  it("answers nothing before it was started", () => {
    const recent = new RecentEvents();
    expect(recent.newest(ROOM, 0, 0, 10, all)).to.equal(null);
  });
});
