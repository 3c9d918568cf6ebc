import { expect } from "chai";
import type { EventLog } from "../../../components/internal/eventlog/eventlog.js";
import { PresencePublisher } from "../../../components/syncapi/producers/presence.js";
import { showsActivity } from "../../../components/syncapi/presence/sending-activity.js";
import type { PresenceRow } from "../../../components/syncapi/storage/presence.js";
import type { Queryable } from "../../../components/internal/database/database.js";
import type { PresenceUpdate } from "../../../components/syncapi/api/log-messages.js";
import { decodePresence } from "../../../components/syncapi/codecs/presence.js";

/** A publisher over a stored presence the test sets, recording what it puts on the log. */
function publisher(stored: Partial<PresenceRow> | null) {
  const published: PresenceUpdate[] = [];
  const log = { publish: async (_subject: string, data: Uint8Array) => void published.push(decodePresence(data)) };
  // The presence table's row as the database returns it.
  const row = stored && {
    user_id: alice,
    presence: "online",
    status_msg: null,
    last_active_ts: 0,
    currently_active: false,
    position: 1,
    ...(stored.statusMsg !== undefined && { status_msg: stored.statusMsg }),
    ...(stored.presence !== undefined && { presence: stored.presence }),
  };
  const db = { query: async () => (row ? [row] : []) };
  return { published, presence: new PresencePublisher(log as unknown as EventLog, db as unknown as Queryable) };
}

const alice = "@alice:example.org";

describe("syncapi: sending sets presence", () => {
  it("a sender without presence, or unavailable, becomes online at the event's time, keeping the status", async () => {
    for (const stored of [null, { presence: "unavailable", statusMsg: "lunch" }]) {
      const { published, presence } = publisher(stored);
      await presence.sent(alice, 1_000_000);
      expect(published).to.have.length(1);
      expect(published[0]).to.deep.include({
        userId: alice,
        presence: "online",
        lastActiveTs: 1_000_000,
        currentlyActive: true,
        statusMsg: stored?.statusMsg ?? "",
      });
    }
  });

  it("a sender who chose to appear offline stays offline", async () => {
    const { published, presence } = publisher({ presence: "offline" });
    await presence.sent(alice, 1_000_000);
    expect(published).to.deep.equal([]);
  });

  it("publishes at most once a minute while the sender stays online", async () => {
    const { published, presence } = publisher(null);
    await presence.sent(alice, 1_000_000);
    await presence.sent(alice, 1_030_000);
    expect(published).to.have.length(1);
    await presence.sent(alice, 1_060_000);
    expect(published.map((p) => p.lastActiveTs)).to.deep.equal([1_000_000, 1_060_000]);
  });

  it("counts recent non-membership events of local users only", () => {
    const now = 5_000_000;
    const event = { roomId: "!r:example.org", eventId: "$e", type: "m.room.message", sender: alice, originServerTs: now - 10 };
    expect(showsActivity(event, "example.org", now)).to.equal(true);
    expect(showsActivity({ ...event, sender: "@bob:elsewhere.org" }, "example.org", now), "a remote sender").to.equal(false);
    expect(showsActivity({ ...event, sender: "@alice:example.org:8448" }, "example.org", now), "another server's port").to.equal(false);
    expect(showsActivity({ ...event, type: "m.room.member" }, "example.org", now), "a membership event").to.equal(false);
    expect(showsActivity({ ...event, originServerTs: now - 120_000 }, "example.org", now), "an old event from a backlog").to.equal(false);
  });
});
