import { expect } from "chai";
import type { Database } from "../../../components/internal/database/database.js";
import { migrate } from "../../../components/internal/database/migrations.js";
import { APPLIED_SEQUENCES_MIGRATIONS } from "../../../components/internal/eventlog/applied-sequences.js";
import { SyncStore } from "../../../components/syncapi/caches/sync-store.js";
import { insertEvents, redactEvent, storedAt, type NewEventRow } from "../../../components/syncapi/storage/events.js";
import { SYNCAPI_MIGRATIONS } from "../../../components/syncapi/storage/migrations.js";
import { DATABASE_BACKENDS, suiteVariant, pendingDatabaseBackends } from "../../../testing/backends.js";

const ROOM = "!busy:test";
const ME = "@me:test";
const OTHER = "@other:test";

/**
 * Unread counts in a room where the user writes most of the messages and never sends a
 * receipt: the events that count lie further back than the syncapi's memory of the room
 * (128 events), so the older part comes from the database and is kept (UnreadEvents), and
 * later syncs add the memory's newer events to it. Whatever the syncapi kept, its answer is
 * the one a syncapi holding nothing finds in the database alone. (That the database is not
 * asked on every such sync is an optimisation: the sync bench's delivery latency, where each
 * client only writes in its own room, carries it.)
 */
for (const backend of DATABASE_BACKENDS) {
  describe(`syncapi: unread counts beyond the memory of a room [${backend.name}]`, function () {
    this.timeout(30_000);
    let db: Database;
    let drop: () => Promise<void>;
    let store: SyncStore;
    let serial = 0;
    let last = 0;
    /** Stores a message, then tells the memory, as the room-event consumer does after its commit. */
    const send = async (sender: string) => {
      const id = `$e${serial++}`;
      const content = { msgtype: "m.text", body: id };
      const row: NewEventRow = {
        eventId: id,
        roomId: ROOM,
        type: "m.room.message",
        sender,
        stateKey: null,
        json: { type: "m.room.message", sender, content },
        eventJson: JSON.stringify({ type: "m.room.message", sender, content }),
        historyVisibility: "shared",
        inTimeline: true,
        txnDeviceId: null,
        txnId: null,
        prevEventId: null,
      };
      last = (await insertEvents(db, [row])).get(id)!;
      store.recent.added(storedAt(row, last));
      return id;
    };
    const unread = async (of: SyncStore, marker = 0) =>
      ((await of.unread.countAfter(db, [ROOM], new Map([[ROOM, marker]]), last, ME)).get(ROOM)?.events ?? []).map((e) => e.eventId);
    /** What a syncapi that holds nothing of the room (after a restart) finds in the database alone. */
    const fromDatabaseAlone = async (marker = 0) => {
      const fresh = new SyncStore(db);
      fresh.recent.start(last);
      return unread(fresh, marker);
    };

    suiteVariant(`syncapi-unread-counts:${backend.name}`);
    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, "eventlog-applied", APPLIED_SEQUENCES_MIGRATIONS);
      await migrate(db, "syncapi", SYNCAPI_MIGRATIONS);
      store = new SyncStore(db);
      store.recent.start(0);
    });
    after(() => drop());

    it("counts the events beyond the memory, and the newer ones added to what it kept", async () => {
      const early = [await send(OTHER), await send(OTHER)];
      for (let i = 0; i < 200; i++) await send(ME);
      expect(await unread(store)).to.deep.equal([...early].reverse());

      const later = await send(OTHER);
      for (let i = 0; i < 20; i++) await send(ME);
      expect(await unread(store)).to.deep.equal([later, ...[...early].reverse()]);
      expect(await unread(store), "asked again, the same").to.deep.equal(await fromDatabaseAlone());
    });

    it("stops counting an event it kept once a redaction of it commits", async () => {
      const before = await unread(store);
      const redactedId = before.at(-1)!;
      await redactEvent(db, redactedId, JSON.stringify({ type: "m.room.message", sender: OTHER, content: {} }), "$redaction");
      store.redacted(redactedId, { type: "m.room.message", sender: OTHER, content: {} }, "$redaction");
      expect(await unread(store)).to.deep.equal(before.slice(0, -1));
      expect(await fromDatabaseAlone()).to.deep.equal(before.slice(0, -1));
    });

    it("counts from a read marker that moved, within the memory or beyond it", async () => {
      const newest = await send(OTHER);
      expect(await unread(store, last - 1)).to.deep.equal([newest]);
      const all = await unread(store);
      expect(all[0]).to.equal(newest);
      expect(all).to.deep.equal(await fromDatabaseAlone());
    });
  });
}
pendingDatabaseBackends("syncapi-unread-counts");
