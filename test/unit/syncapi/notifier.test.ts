import { expect } from "chai";
import { zeroPositions } from "../../../components/syncapi/streams/positions.js";
import { Notifier } from "../../../components/syncapi/streams/notifier.js";

describe("syncapi: Notifier", () => {
  const alice = "@alice:example.org";
  const bob = "@bob:example.org";
  const room = "!r:example.org";

  function started() {
    const n = new Notifier();
    n.load({ ...zeroPositions(), pdu: 10 }, [{ roomId: room, userId: alice }]);
    return n;
  }

  it("a user is quiet since a position that covers their last wake, however far other users' streams moved", () => {
    const n = started();
    const seen = n.positions();
    expect(n.quietSince(alice, seen)).to.equal(true);
    n.advance("pdu", 11);
    n.wakeUsers([bob]); // concerns bob only
    expect(n.quietSince(alice, seen)).to.equal(true);
    expect(n.quietSince(bob, seen)).to.equal(false);
    n.advance("pdu", 12);
    n.wakeRoom(room); // alice's room
    expect(n.quietSince(alice, seen)).to.equal(false);
    expect(n.quietSince(alice, n.positions())).to.equal(true);
  });

  it("a user never woken since the start is quiet only since the start's positions", () => {
    const n = started();
    expect(n.quietSince(bob, { ...zeroPositions(), pdu: 9 })).to.equal(false);
    expect(n.quietSince(bob, { ...zeroPositions(), pdu: 10 })).to.equal(true);
  });

  it("every stream counts: a wake for a receipt is not covered by a since that only moved in room events", () => {
    const n = started();
    n.advance("receipt", 3);
    n.wakeUsers([alice]);
    expect(n.quietSince(alice, { ...zeroPositions(), pdu: 50 })).to.equal(false);
    expect(n.quietSince(alice, { ...zeroPositions(), pdu: 10, receipt: 3 })).to.equal(true);
  });

  it("a waiting sync wakes when its user is woken, not when someone else is", async () => {
    const n = started();
    let woken = false;
    const waiting = n.waitFor(alice, n.version(alice), 5_000).then(() => (woken = true));
    n.wakeUsers([bob]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(woken).to.equal(false);
    n.wakeUsers([alice]);
    await waiting;
    expect(woken).to.equal(true);
  });

  it("wakes a room's peekers (not members) when the room is woken, and never loses a wake that came before the wait", async () => {
    const n = started();
    const other = "!other:example.org";
    const before = n.roomVersion(room);
    let woken = false;
    const waiting = n.waitForRoom(room, before, 60_000).then(() => (woken = true));
    n.wakeRoom(other);
    await Promise.resolve();
    expect(woken).to.equal(false);
    n.wakeRoom(room);
    await waiting;
    expect(woken).to.equal(true);
    // A wake between reading the version and waiting: the wait returns at once.
    const seen = n.roomVersion(room);
    n.wakeRoom(room);
    let late = false;
    await n.waitForRoom(room, seen, 60_000).then(() => (late = true));
    expect(late).to.equal(true);
  });
});
