import { expect } from "chai";
import { combineStatements } from "../../../components/internal/database/combined-statement.js";
import type { Database } from "../../../components/internal/database/database.js";
import { migrate } from "../../../components/internal/database/migrations.js";
import { APPLIED_SEQUENCES_MIGRATIONS, raiseAppliedStatement } from "../../../components/internal/eventlog/applied-sequences.js";
import { insertedPositions, insertEvents, insertEventsStatement, type NewEventRow } from "../../../components/syncapi/storage/events.js";
import { SYNCAPI_MIGRATIONS } from "../../../components/syncapi/storage/migrations.js";
import { streamLock } from "../../../components/syncapi/storage/positions.js";
import { DATABASE_BACKENDS, suiteVariant, pendingDatabaseBackends } from "../../../testing/backends.js";
import { someoneWaitsForALock } from "../../../testing/lock-waits.js";

const message = (eventId: string): NewEventRow => ({
  eventId,
  roomId: "!room:test",
  type: "m.room.message",
  sender: "@a:test",
  stateKey: null,
  json: { type: "m.room.message", content: { body: eventId } },
  eventJson: JSON.stringify({ type: "m.room.message", content: { body: eventId } }),
  historyVisibility: "shared",
  inTimeline: true,
  txnDeviceId: null,
  txnId: null,
  prevEventId: null,
});

/**
 * The events insert takes the stream's lock itself (streamLockTaken): run as one statement
 * outside a transaction (here with log sequences recorded in the same statement), the
 * positions it takes still commit in order, as those taken in the stream's locked
 * transactions do.
 */
for (const backend of DATABASE_BACKENDS) {
  describe(`syncapi: new events stored by one statement [${backend.name}]`, function () {
    this.timeout(30_000);
    let db: Database;
    let drop: () => Promise<void>;
    const storeAlone = async (rows: NewEventRow[]) => {
      const { sql, params } = combineStatements(insertEventsStatement(rows), [
        raiseAppliedStatement(
          "test-consumer",
          rows.map((r, i) => ({ stream: "S", subject: "S.room", seq: i + 1, data: new Uint8Array(), headers: {}, redelivered: false })),
        ),
      ]);
      return insertedPositions(await db.query(sql, params));
    };
    suiteVariant(`syncapi-events-insert:${backend.name}`);
    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, "eventlog-applied", APPLIED_SEQUENCES_MIGRATIONS);
      await migrate(db, "syncapi", SYNCAPI_MIGRATIONS);
    });
    after(() => drop());

    it("stores each event at the next position in the order given, and nothing of one stored before", async () => {
      const first = await storeAlone([message("$a"), message("$b"), message("$c")]);
      expect([...first.keys()]).to.deep.equal(["$a", "$b", "$c"]);
      const [a, b, c] = [...first.values()];
      expect(b).to.equal(a! + 1);
      expect(c).to.equal(b! + 1);
      const again = await storeAlone([message("$b"), message("$d")]);
      expect([...again.keys()], "a republished event is not stored twice").to.deep.equal(["$d"]);
      expect(again.get("$d")).to.be.greaterThan(c!);
      const applied = await db.query<{ seq: number }>("SELECT seq FROM eventlog_applied_sequences WHERE consumer = 'test-consumer'");
      expect(applied.map((r) => Number(r.seq))).to.deep.equal([3], "the highest sequence of either batch");
    });

    if (backend.name === "postgres") {
      it("takes its positions only once the stream's lock is free: after those of a transaction holding it", async () => {
        let release = () => {};
        const holding = new Promise<void>((resolve) => (release = resolve));
        let locked = () => {};
        const lockTaken = new Promise<void>((resolve) => (locked = resolve));
        const transaction = db.transaction(
          async (tx) => {
            locked();
            await holding;
            return insertEvents(tx, [message("$in-transaction")]);
          },
          { advisoryLock: streamLock("pdu") },
        );
        await lockTaken;
        const alone = storeAlone([message("$alone")]);
        await someoneWaitsForALock(db);
        release();
        const inTransaction = (await transaction).get("$in-transaction")!;
        expect((await alone).get("$alone")).to.be.greaterThan(inTransaction);
      });
    }
  });
}
pendingDatabaseBackends("syncapi-events-insert");
