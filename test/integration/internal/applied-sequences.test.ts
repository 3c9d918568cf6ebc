import { expect } from "chai";
import type { Database, Queryable } from "../../../components/internal/database/database.js";
import { migrate } from "../../../components/internal/database/migrations.js";
import {
  APPLIED_SEQUENCES_MIGRATIONS,
  AppliedSequencesMemory,
  claimSequence,
  claimSequences,
  raiseAppliedStatement,
} from "../../../components/internal/eventlog/applied-sequences.js";
import type { LogMessage } from "../../../components/internal/eventlog/eventlog.js";
import { DATABASE_BACKENDS, suiteVariant, pendingDatabaseBackends } from "../../../testing/backends.js";
import { someoneWaitsForALock } from "../../../testing/lock-waits.js";

const msg = (subject: string, seq: number): LogMessage => ({
  stream: "S",
  subject,
  seq,
  data: new Uint8Array(),
  headers: {},
  redelivered: false,
});

const seqs = (msgs: readonly LogMessage[]) => msgs.map((m) => `${m.subject}:${m.seq}`);

/** A transaction that counts its statements. */
function counting(tx: Queryable): { q: Queryable; statements: string[] } {
  const statements: string[] = [];
  const q: Queryable = {
    query: (sql, params) => (statements.push(sql), tx.query(sql, params)),
    execute: (sql, params) => (statements.push(sql), tx.execute(sql, params)),
    exec: (script) => (statements.push(script), tx.exec(script)),
  };
  return { q, statements };
}

for (const backend of DATABASE_BACKENDS) {
  describe(`applied sequences [${backend.name}]`, function () {
    this.timeout(60_000);
    let db: Database;
    let drop: () => Promise<void>;
    suiteVariant(`applied-sequences:${backend.name}`);
    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, "eventlog-applied", APPLIED_SEQUENCES_MIGRATIONS);
    });
    after(() => drop());
    /** Each subject's recorded sequence for the consumer. */
    const recorded = async (consumer: string) =>
      Object.fromEntries(
        (
          await db.query<{ subject: string; seq: number }>(
            "SELECT subject, seq FROM eventlog_applied_sequences WHERE consumer = $1 ORDER BY subject",
            [consumer],
          )
        ).map((r) => [r.subject, Number(r.seq)]),
      );

    it("claims a message once, per consumer and subject", async () => {
      expect(await db.transaction((tx) => claimSequence(tx, "c1", msg("S.a", 5)))).to.equal(true);
      expect(await db.transaction((tx) => claimSequence(tx, "c1", msg("S.a", 5)))).to.equal(false);
      expect(await db.transaction((tx) => claimSequence(tx, "c1", msg("S.a", 3)))).to.equal(false);
      expect(await db.transaction((tx) => claimSequence(tx, "c1", msg("S.b", 3)))).to.equal(true, "another subject");
      expect(await db.transaction((tx) => claimSequence(tx, "c2", msg("S.a", 5)))).to.equal(true, "another consumer");
    });

    it("claims the unapplied part of a batch and nothing of a batch applied before", async () => {
      const first = [msg("S.x", 1), msg("S.x", 2), msg("S.x", 4)];
      expect((await db.transaction((tx) => claimSequences(tx, "batch", first))).map((m) => m.seq)).to.deep.equal([1, 2, 4]);
      const redelivered = [msg("S.x", 2), msg("S.x", 4), msg("S.x", 7), msg("S.x", 9)];
      expect((await db.transaction((tx) => claimSequences(tx, "batch", redelivered))).map((m) => m.seq)).to.deep.equal([7, 9]);
      expect(await db.transaction((tx) => claimSequences(tx, "batch", first))).to.deep.equal([]);
    });

    it("forgets a claim whose transaction rolled back", async () => {
      await db
        .transaction(async (tx) => {
          await claimSequences(tx, "rollback", [msg("S.r", 1)]);
          throw new Error("effects failed");
        })
        .catch(() => {});
      expect((await db.transaction((tx) => claimSequences(tx, "rollback", [msg("S.r", 1)]))).map((m) => m.seq)).to.deep.equal([1]);
    });

    describe("claimSequences, several subjects at once", () => {
      const claim = (consumer: string, msgs: LogMessage[]) => db.transaction((tx) => claimSequences(tx, consumer, msgs));
      it("claims nothing of nothing, without a statement", async () => {
        const { q, statements } = counting(db);
        expect(await claimSequences(q, "none", [])).to.deep.equal([]);
        expect(statements).to.have.length(0);
      });

      it("claims every message of subjects new to the consumer, in the order given", async () => {
        const batch = [msg("S.a", 3), msg("S.b", 1), msg("S.a", 4), msg("S.c", 10), msg("S.b", 2)];
        expect(seqs(await claim("new", batch))).to.deep.equal(seqs(batch));
        expect(await recorded("new")).to.deep.equal({ "S.a": 4, "S.b": 2, "S.c": 10 });
        expect(await claim("new", batch)).to.deep.equal([], "the same batch redelivered");
      });

      it("claims the unapplied part of each subject in a mixed batch", async () => {
        await claim("mixed", [msg("S.a", 1), msg("S.a", 2), msg("S.b", 5)]);
        const redelivered = [
          msg("S.a", 2), // applied
          msg("S.b", 4), // applied (older than the recorded 5)
          msg("S.a", 3),
          msg("S.new", 1),
          msg("S.b", 5), // applied
          msg("S.b", 6),
          msg("S.a", 7),
        ];
        expect(seqs(await claim("mixed", redelivered))).to.deep.equal(["S.a:3", "S.new:1", "S.b:6", "S.a:7"]);
        expect(await recorded("mixed")).to.deep.equal({ "S.a": 7, "S.b": 6, "S.new": 1 });
      });

      it("never lowers a recorded sequence (older messages redelivered)", async () => {
        await claim("older", [msg("S.a", 10), msg("S.b", 10)]);
        expect(await claim("older", [msg("S.a", 3), msg("S.b", 9), msg("S.b", 10)])).to.deep.equal([]);
        expect(await recorded("older")).to.deep.equal({ "S.a": 10, "S.b": 10 });
      });

      it("keeps consumers apart", async () => {
        await claim("one", [msg("S.a", 5), msg("S.b", 5)]);
        expect(seqs(await claim("two", [msg("S.a", 5), msg("S.b", 6)]))).to.deep.equal(["S.a:5", "S.b:6"]);
        expect(seqs(await claim("one", [msg("S.a", 6), msg("S.b", 5)]))).to.deep.equal(["S.a:6"]);
        expect(await recorded("one")).to.deep.equal({ "S.a": 6, "S.b": 5 });
        expect(await recorded("two")).to.deep.equal({ "S.a": 5, "S.b": 6 });
      });

      it("agrees with claimSequence applied message by message", async () => {
        const history = [
          [msg("S.a", 1), msg("S.b", 1)],
          [msg("S.a", 1), msg("S.a", 2), msg("S.c", 4)],
          [msg("S.b", 1), msg("S.b", 3), msg("S.c", 2), msg("S.c", 5), msg("S.a", 2)],
          [msg("S.d", 8), msg("S.a", 9), msg("S.b", 2)],
        ];
        for (const batch of history) {
          const together = await claim("together", batch);
          const oneByOne = await db.transaction(async (tx) => {
            const fresh: LogMessage[] = [];
            for (const m of batch) if (await claimSequence(tx, "one-by-one", m)) fresh.push(m);
            return fresh;
          });
          expect(seqs(together)).to.deep.equal(seqs(oneByOne));
        }
        expect(await recorded("together")).to.deep.equal(await recorded("one-by-one"));
      });

      it("is one statement, for new and known subjects alike", async () => {
        await claim("count", [msg("S.known", 1)]);
        const { statements, fresh } = await db.transaction(async (tx) => {
          const { q, statements } = counting(tx);
          const fresh = await claimSequences(q, "count", [msg("S.known", 1), msg("S.known", 2), msg("S.new1", 1), msg("S.new2", 7)]);
          return { statements, fresh };
        });
        expect(seqs(fresh)).to.deep.equal(["S.known:2", "S.new1:1", "S.new2:7"]);
        expect(statements).to.have.length(1);
        const single = await db.transaction(async (tx) => {
          const { q, statements } = counting(tx);
          await claimSequences(q, "count", [msg("S.brand-new", 1)]);
          return statements;
        });
        expect(single).to.have.length(1, "claimSequences of a new subject");
      });

      it("forgets claims whose transaction rolled back", async () => {
        await claim("rolled", [msg("S.a", 1)]);
        await db
          .transaction(async (tx) => {
            await claimSequences(tx, "rolled", [msg("S.a", 2), msg("S.b", 1)]);
            throw new Error("effects failed");
          })
          .catch(() => {});
        expect(seqs(await claim("rolled", [msg("S.a", 2), msg("S.b", 1)]))).to.deep.equal(["S.a:2", "S.b:1"]);
      });

      it("waits for another transaction of the same consumer and claims only what it did not", async () => {
        await claim("race", [msg("S.known", 5)]);
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        let firstClaimed!: () => void;
        const claimedFirst = new Promise<void>((r) => (firstClaimed = r));
        const first = db.transaction(async (tx) => {
          const fresh = await claimSequences(tx, "race", [msg("S.known", 6), msg("S.known", 8), msg("S.new", 3)]);
          firstClaimed();
          await gate;
          return fresh;
        });
        await claimedFirst;
        // Both the update of S.known (row lock) and the insert of S.new (unique index) wait.
        let statements: string[] = [];
        const second = db.transaction((tx) => {
          const counted = counting(tx);
          statements = counted.statements;
          return claimSequences(counted.q, "race", [
            msg("S.known", 7),
            msg("S.known", 8),
            msg("S.known", 9),
            msg("S.new", 3),
            msg("S.new", 4),
          ]);
        });
        await someoneWaitsForALock(db);
        release();
        expect(seqs(await first)).to.deep.equal(["S.known:6", "S.known:8", "S.new:3"]);
        expect(seqs(await second)).to.deep.equal(["S.known:9", "S.new:4"]);
        expect(await recorded("race")).to.deep.equal({ "S.known": 9, "S.new": 4 });
        // On PostgreSQL the second transaction's snapshot predates S.new's row: it asks again.
        expect(statements).to.have.length(db.kind === "postgres" ? 2 : 1);
      });

      // PGlite runs one transaction at a time: there nobody can wait for anybody.
      if (backend.name === "postgres")
        it("does not wait for another consumer's transaction on the same subjects", async function () {
          let release!: () => void;
          const gate = new Promise<void>((r) => (release = r));
          let firstClaimed!: () => void;
          const claimedFirst = new Promise<void>((r) => (firstClaimed = r));
          await claim("busy", [msg("S.a", 1)]);
          await claim("free", [msg("S.a", 1)]);
          const first = db.transaction(async (tx) => {
            await claimSequences(tx, "busy", [msg("S.a", 2), msg("S.b", 1)]);
            firstClaimed();
            await gate;
          });
          await claimedFirst;
          try {
            expect(seqs(await claim("free", [msg("S.a", 1), msg("S.a", 2), msg("S.b", 1)]))).to.deep.equal(["S.a:2", "S.b:1"]);
          } finally {
            release();
            await first;
          }
        });
    });

    describe("AppliedSequencesMemory: a read, then the writes with the batch's own", () => {
      /** A first read, as a consumer that has seen none of the subjects makes. */
      const firstRead = (q: Queryable, consumer: string, msgs: LogMessage[]) => new AppliedSequencesMemory(consumer).read(q, msgs);
      /** Reads, then writes the returned statements together in one transaction, as a consumer's commit does. */
      const readThenRecord = async (consumer: string, msgs: LogMessage[], between?: () => Promise<unknown>) => {
        const { fresh, writes } = await firstRead(db, consumer, msgs);
        await between?.();
        await db.transaction(async (tx) => {
          for (const w of writes) await tx.execute(w.sql, w.params);
        });
        return fresh;
      };
      it("finds the same new messages as claimSequences and records the same sequences", async () => {
        const first = [msg("S.a", 1), msg("S.a", 2), msg("S.b", 5)];
        const second = [msg("S.a", 2), msg("S.b", 4), msg("S.a", 3), msg("S.new", 1), msg("S.b", 6)];
        expect(seqs(await readThenRecord("split", first))).to.deep.equal(seqs(first));
        expect(seqs(await readThenRecord("split", second))).to.deep.equal(["S.a:3", "S.new:1", "S.b:6"]);
        await claim2("whole", first);
        await claim2("whole", second);
        expect(await recorded("split")).to.deep.equal(await recorded("whole"));
        expect(await readThenRecord("split", second)).to.deep.equal([], "the same batch redelivered");
      });

      it("writes nothing when nothing is new, and reads nothing of nothing", async () => {
        await readThenRecord("idle", [msg("S.a", 4)]);
        expect((await firstRead(db, "idle", [msg("S.a", 3), msg("S.a", 4)])).writes).to.deep.equal([]);
        const nothing = await firstRead(db, "idle", []);
        expect([nothing.fresh, nothing.writes]).to.deep.equal([[], []]);
      });

      it("fails, writing nothing, when a subject was recorded between the read and the writes", async () => {
        await readThenRecord("raced", [msg("S.known", 1)]);
        const other = () => db.transaction((tx) => claimSequences(tx, "raced", [msg("S.known", 2), msg("S.new", 1)]));
        const err = await readThenRecord("raced", [msg("S.known", 2), msg("S.new", 1)], other).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(Error);
        expect(await recorded("raced")).to.deep.equal({ "S.known": 2, "S.new": 1 });
        // Each half on its own: a known subject changed, and a new subject that appeared.
        const known = await firstRead(db, "raced", [msg("S.known", 3)]);
        await claimSequences(db, "raced", [msg("S.known", 3)]);
        expect(
          await db.transaction((tx) => tx.execute(known.writes[0]!.sql, known.writes[0]!.params)).catch((e: Error) => e.message),
        ).to.match(/division by zero/);
        const added = await firstRead(db, "raced", [msg("S.later", 1)]);
        await claimSequences(db, "raced", [msg("S.later", 1)]);
        expect(
          await db.transaction((tx) => tx.execute(added.writes[0]!.sql, added.writes[0]!.params)).catch((e: Error) => e.message),
        ).to.match(/duplicate key/);
      });

      const claim2 = (consumer: string, msgs: LogMessage[]) => db.transaction((tx) => claimSequences(tx, consumer, msgs));
    });

    describe("AppliedSequencesMemory, what it remembers", () => {
      /** A read, then its writes committed in a transaction and the outcome reported, as the roomserver's batches do. */
      const applyBatch = async (memory: AppliedSequencesMemory, q: Queryable, msgs: LogMessage[]) => {
        const read = await memory.read(q, msgs);
        try {
          await db.transaction(async (tx) => {
            for (const w of read.writes) await tx.execute(w.sql, w.params);
          });
        } catch (err) {
          read.failed();
          throw err;
        }
        read.committed();
        return read.fresh;
      };

      it("reads a subject once, then knows what it recorded: the same answers as a first read", async () => {
        const memory = new AppliedSequencesMemory("memory");
        const { q, statements } = counting(db);
        expect(seqs(await applyBatch(memory, q, [msg("S.a", 1), msg("S.b", 1)]))).to.deep.equal(["S.a:1", "S.b:1"]);
        expect(statements, "the first read asks").to.have.length(1);
        expect(seqs(await applyBatch(memory, q, [msg("S.a", 1), msg("S.a", 2), msg("S.b", 3)]))).to.deep.equal(["S.a:2", "S.b:3"]);
        expect(seqs(await applyBatch(memory, q, [msg("S.b", 3), msg("S.c", 1)]))).to.deep.equal(["S.c:1"]);
        expect(statements, "known subjects are not asked again; a new one is").to.have.length(2);
        expect(await recorded("memory")).to.deep.equal({ "S.a": 2, "S.b": 3, "S.c": 1 });
        expect(seqs((await new AppliedSequencesMemory("memory").read(db, [msg("S.a", 2), msg("S.a", 3)])).fresh)).to.deep.equal(
          ["S.a:3"],
          "what a first read finds",
        );
      });

      it("when another instance recorded meanwhile, the writes fail, and the next read asks the database", async () => {
        const memory = new AppliedSequencesMemory("two-instances");
        await applyBatch(memory, db, [msg("S.a", 1)]);
        await db.transaction((tx) => claimSequences(tx, "two-instances", [msg("S.a", 2)])); // the other instance
        const err = await applyBatch(memory, db, [msg("S.a", 2), msg("S.a", 3)]).catch((e: unknown) => e);
        expect(err, "the guard refuses the stale memory").to.be.instanceOf(Error);
        expect(seqs(await applyBatch(memory, db, [msg("S.a", 2), msg("S.a", 3)]))).to.deep.equal(["S.a:3"]);
        expect(await recorded("two-instances")).to.deep.equal({ "S.a": 3 });
      });
    });

    describe("raiseAppliedStatement, for effects a redelivery repeats harmlessly", () => {
      const raise = (consumer: string, msgs: LogMessage[]) => {
        const { sql, params } = raiseAppliedStatement(consumer, msgs);
        return db.execute(sql, params);
      };
      it("records each subject's highest sequence, new subjects too, and never lowers one", async () => {
        await raise("raised", [msg("S.a", 1), msg("S.a", 3), msg("S.b", 2)]);
        expect(await recorded("raised")).to.deep.equal({ "S.a": 3, "S.b": 2 });
        await raise("raised", [msg("S.a", 2), msg("S.b", 5), msg("S.c", 1)]);
        expect(await recorded("raised")).to.deep.equal({ "S.a": 3, "S.b": 5, "S.c": 1 });
      });

      it("leaves claimSequences agreeing on what is new afterwards", async () => {
        await raise("then-claim", [msg("S.a", 4)]);
        const fresh = await db.transaction((tx) => claimSequences(tx, "then-claim", [msg("S.a", 4), msg("S.a", 5)]));
        expect(seqs(fresh)).to.deep.equal(["S.a:5"]);
      });
    });
  });
}
pendingDatabaseBackends("applied-sequences");
