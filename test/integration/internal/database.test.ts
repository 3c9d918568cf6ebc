import { expect } from "chai";
import type { Database, Queryable } from "../../../components/internal/database/database.js";
import { migrate, type Migration } from "../../../components/internal/database/migrations.js";
import { DATABASE_BACKENDS, suiteVariant, pendingDatabaseBackends } from "../../../testing/backends.js";

for (const backend of DATABASE_BACKENDS) {
  describe(`database [${backend.name}]`, function () {
    this.timeout(60_000);
    let db: Database;
    let drop: () => Promise<void>;

    suiteVariant(`database:${backend.name}`);
    before(async () => {
      ({ db, drop } = await backend.create());
    });
    after(async () => {
      await drop();
    });

    it("returns int8 as a number, bytea as bytes and jsonb parsed, the same on both drivers", async () => {
      const [row] = await db.query(
        "SELECT 9007199254740991::int8 AS big, 5::int8 AS small, 7::int4 AS i4, '\\x0102'::bytea AS bytes, '{\"a\":[1]}'::jsonb AS doc, NULL::int8 AS nothing",
      );
      expect(row!.big).to.equal(9007199254740991);
      expect(row!.small).to.equal(5);
      expect(row!.i4).to.equal(7);
      expect(row!.bytes).to.be.instanceOf(Uint8Array);
      expect([...(row!.bytes as Uint8Array)]).to.deep.equal([1, 2]);
      expect(row!.doc).to.deep.equal({ a: [1] });
      expect(row!.nothing).to.equal(null);
    });

    it("binds parameters and counts changed rows", async () => {
      await db.exec("CREATE TABLE params_t (id BIGINT PRIMARY KEY, name TEXT)");
      expect(await db.execute("INSERT INTO params_t VALUES ($1, $2), ($3, $4)", [1, "a", 2, "b"])).to.equal(2);
      const rows = await db.query<{ id: number; name: string }>("SELECT id, name FROM params_t WHERE id = ANY($1::bigint[]) ORDER BY id", [
        [1, 2],
      ]);
      expect(rows).to.deep.equal([
        { id: 1, name: "a" },
        { id: 2, name: "b" },
      ]);
    });

    it("commits a transaction that resolves and rolls back one that throws", async () => {
      await db.exec("CREATE TABLE tx_t (v TEXT)");
      await db.transaction(async (tx) => {
        await tx.execute("INSERT INTO tx_t VALUES ('kept')");
      });
      const failure = await db
        .transaction(async (tx) => {
          await tx.execute("INSERT INTO tx_t VALUES ('lost')");
          throw new Error("boom");
        })
        .catch((e: Error) => e);
      expect((failure as Error).message).to.equal("boom");
      expect((await db.query("SELECT v FROM tx_t")).map((r) => r.v)).to.deep.equal(["kept"]);
    });

    it("a lazy transaction begins at its first write, commits its last statement with the rest, and rolls back a failure", async () => {
      await db.exec("CREATE TABLE lazy_t (v TEXT)");
      const inTransaction = async (tx: Queryable) =>
        (await tx.query<{ t: boolean }>("SELECT txid_current_if_assigned() IS NOT NULL AS t"))[0]!.t;
      // Only a last statement: on PostgreSQL it runs on its own (autocommit), atomic by itself.
      await db.lazyTransaction(async (tx) => {
        expect((await tx.query("SELECT count(*)::int AS n FROM lazy_t"))[0]!.n).to.equal(0);
        await tx.last("INSERT INTO lazy_t VALUES ('alone')");
      });
      // A write first: BEGIN goes out before it, and the last statement joins the transaction.
      const failure = await db
        .lazyTransaction(async (tx) => {
          await tx.execute("INSERT INTO lazy_t VALUES ('written')");
          expect(await inTransaction(tx)).to.equal(true);
          await tx.last("INSERT INTO lazy_t VALUES ('last')");
          throw new Error("after the last statement");
        })
        .catch((e: Error) => e.message);
      expect(failure).to.equal("after the last statement");
      expect((await db.query("SELECT v FROM lazy_t ORDER BY v")).map((r) => r.v)).to.deep.equal(["alone"]);
      if (db.kind === "postgres") {
        // Plain reads before any write run outside a transaction: no transaction ID, no snapshot held.
        await db.lazyTransaction(async (tx) => {
          expect((await tx.query<{ x: string | null }>("SELECT txid_current_if_assigned()::text AS x"))[0]!.x).to.equal(null);
          await tx.last("SELECT 1");
        });
      }
    });

    it("a lazy transaction whose COMMIT fails says so and keeps nothing", async () => {
      await db.exec("CREATE TABLE lazy_commit (v TEXT, CONSTRAINT lazy_commit_v UNIQUE (v) DEFERRABLE INITIALLY DEFERRED)");
      const failure = await db
        .lazyTransaction(async (tx) => {
          await tx.execute("INSERT INTO lazy_commit VALUES ('twice')");
          await tx.last("INSERT INTO lazy_commit VALUES ('twice')"); // checked only at COMMIT
          return "committed";
        })
        .catch((e: Error) => e.message);
      expect(failure).to.match(/duplicate key/);
      expect(await db.query("SELECT v FROM lazy_commit")).to.deep.equal([]);
      await db.lazyTransaction(async (tx) => tx.last("INSERT INTO lazy_commit VALUES ('once')"));
      expect(await db.query("SELECT v FROM lazy_commit")).to.deep.equal([{ v: "once" }], "the database is usable after it");
    });

    it("takes an advisory lock with BEGIN: a second transaction on the key waits for the first; a key that is not a word is refused", async () => {
      const order: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const firstLocked = new Promise<void>((r) => (locked = r));
      const first = db.transaction(async () => (locked(), order.push("first"), await gate, order.push("first done")), {
        advisoryLock: "test_lock",
      });
      await firstLocked;
      const second = db.transaction(async () => void order.push("second"), { advisoryLock: "test_lock" });
      await new Promise((r) => setTimeout(r, 100));
      release();
      await Promise.all([first, second]);
      expect(order).to.deep.equal(["first", "first done", "second"]);
      const refused = await db.transaction(async () => "ran", { advisoryLock: "x'); DROP TABLE t; --" }).catch((e: Error) => e.message);
      expect(refused).to.match(/must be letters, digits and underscores/);
    });

    it("applies a component's numbered migrations once and records them", async () => {
      const migrations: Migration[] = [
        { version: 1, name: "create", up: "CREATE TABLE mig_t (a INT)" },
        { version: 2, name: "add column", up: "ALTER TABLE mig_t ADD COLUMN b TEXT; INSERT INTO mig_t VALUES (1, 'x')" },
      ];
      expect(await migrate(db, "testcomponent", migrations)).to.deep.equal([1, 2]);
      expect(await migrate(db, "testcomponent", migrations)).to.deep.equal([]);
      expect(await db.query("SELECT a, b FROM mig_t")).to.deep.equal([{ a: 1, b: "x" }]);
      const ledger = await db.query("SELECT version, name FROM schema_migrations WHERE component = 'testcomponent' ORDER BY version");
      expect(ledger).to.deep.equal([
        { version: 1, name: "create" },
        { version: 2, name: "add column" },
      ]);
      // A new migration later is applied on its own.
      expect(
        await migrate(db, "testcomponent", [...migrations, { version: 3, name: "more", up: "ALTER TABLE mig_t ADD COLUMN c INT" }]),
      ).to.deep.equal([3]);
    });

    it("rolls back a failing migration entirely and does not record it", async () => {
      const migrations: Migration[] = [
        { version: 1, name: "ok", up: "CREATE TABLE mig_fail (a INT)" },
        { version: 2, name: "broken", up: "INSERT INTO mig_fail VALUES (1); SELECT no_such_function()" },
      ];
      const err = await migrate(db, "failing", migrations).catch((e: Error) => e);
      expect(err).to.be.instanceOf(Error);
      expect(await db.query("SELECT * FROM mig_fail")).to.deep.equal([]);
      expect((await db.query("SELECT version FROM schema_migrations WHERE component = 'failing'")).map((r) => r.version)).to.deep.equal([
        1,
      ]);
    });

    it("refuses migrations that are not numbered 1, 2, 3...", async () => {
      const err = await migrate(db, "gappy", [{ version: 2, name: "x", up: "SELECT 1" }]).catch((e: Error) => e);
      expect((err as Error).message).to.match(/numbered/);
    });

    it("applies migrations once when two processes start together", async () => {
      const migrations: Migration[] = [{ version: 1, name: "race", up: "CREATE TABLE race_t (a INT)" }];
      const results = await Promise.all([migrate(db, "racing", migrations), migrate(db, "racing", migrations)]);
      expect(results.flat()).to.deep.equal([1]);
    });
  });
}
pendingDatabaseBackends("database");
