import { expect } from "chai";
import type { Database, Queryable } from "../../../components/internal/database/database.js";
import { migrate } from "../../../components/internal/database/migrations.js";
import { APPLIED_SEQUENCES_MIGRATIONS } from "../../../components/internal/eventlog/applied-sequences.js";
import { EventsTable, storedAt, type NewEventRow } from "../../../components/syncapi/storage/events.js";
import { SYNCAPI_MIGRATIONS } from "../../../components/syncapi/storage/migrations.js";
import { DATABASE_BACKENDS, suiteVariant, pendingDatabaseBackends } from "../../helpers/backends.js";

const ROOM = "!busy:test";
const ME = "@me:test";
const OTHER = "@other:test";

/** A database that counts the statements run through it. */
function counting(db: Database): { q: Queryable; count: () => number } {
  let n = 0;
  const q: Queryable = {
    query: (sql, params) => (n++, db.query(sql, params)),
    execute: (sql, params) => (n++, db.execute(sql, params)),
    exec: (script) => (n++, db.exec(script)),
  };
  return { q, count: () => n };
}

/**
 * Unread counts in a room where the user writes most of the messages and never sends a
 * receipt: the events that count lie further back than the syncapi's memory of the room
 * (128 events), so the database is asked once and its answer kept, not asked on every sync.
 */
for (const backend of DATABASE_BACKENDS) {
  describe(`syncapi: unread counts beyond the memory of a room [${backend.name}]`, function () {
    this.timeout(30_000);
    let db: Database;
    let drop: () => Promise<void>;
    let events: EventsTable;
    let serial = 0;
    let last = 0;
    /** Stores a message, then tells the memory, as the room-event consumer does after its commit. */
    const send = async (sender: string) => {
      const id = `$e${serial++}`;
      const content = { msgtype: "m.text", body: id };
      const row: NewEventRow = {
        eventId: id, roomId: ROOM, type: "m.room.message", sender, stateKey: null,
        json: { type: "m.room.message", sender, content }, eventJson: JSON.stringify({ type: "m.room.message", sender, content }),
        historyVisibility: "shared", inTimeline: true, txnDeviceId: null, txnId: null, prevEventId: null,
      };
      last = (await events.insertMany(db, [row])).get(id)!;
      events.recent.added(storedAt(row, last));
      return id;
    };
    const unread = async (table: EventsTable, q: Queryable, marker = 0) =>
      ((await table.countAfter(q, [ROOM], new Map([[ROOM, marker]]), last, ME)).get(ROOM)?.events ?? []).map((e) => e.eventId);

    suiteVariant(`syncapi-unread-counts:${backend.name}`);
    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, "eventlog-applied", APPLIED_SEQUENCES_MIGRATIONS);
      await migrate(db, "syncapi", SYNCAPI_MIGRATIONS);
      events = new EventsTable();
      events.recent.start(0);
    });
    after(() => drop());

    it("asks the database once for what the memory does not reach, then counts on from memory", async () => {
      const early = [await send(OTHER), await send(OTHER)];
      for (let i = 0; i < 200; i++) await send(ME);
      const { q, count } = counting(db);
      expect(await unread(events, q)).to.deep.equal([...early].reverse());
      expect(count(), "the older part from the database").to.equal(1);

      const later = await send(OTHER);
      for (let i = 0; i < 20; i++) await send(ME);
      expect(await unread(events, q)).to.deep.equal([later, ...[...early].reverse()]);
      expect(count(), "the newer part from memory, the older one kept").to.equal(1);

      // What a syncapi that holds nothing of the room (after a restart) finds in the database alone.
      const fresh = new EventsTable();
      fresh.recent.start(last);
      expect(await unread(fresh, db)).to.deep.equal(await unread(events, q));
    });

    it("asks again after a redaction, which may have removed one of the events it kept", async () => {
      const { q, count } = counting(db);
      const before = await unread(events, q);
      const redactedId = before.at(-1)!;
      await events.redact(db, redactedId, JSON.stringify({ type: "m.room.message", sender: OTHER, content: {} }), "$redaction");
      events.redacted(redactedId, { type: "m.room.message", sender: OTHER, content: {} }, "$redaction");
      expect(await unread(events, q)).to.deep.equal(before.slice(0, -1));
      expect(count()).to.equal(1);
    });

    it("a read marker that moves starts afresh, and one within the memory needs no query", async () => {
      const { q, count } = counting(db);
      const newest = await send(OTHER);
      expect(await unread(events, q, last - 1)).to.deep.equal([newest]);
      expect(count()).to.equal(0);
    });
  });
}
pendingDatabaseBackends("syncapi-unread-counts");
