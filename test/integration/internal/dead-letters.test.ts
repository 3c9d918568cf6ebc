import { expect } from "chai";
import type { Database } from "../../../components/internal/database/database.js";
import { migrate } from "../../../components/internal/database/migrations.js";
import {
  DEAD_LETTER_MIGRATIONS,
  DeadLetterTable,
  deadLetterCount,
  onDeadLetter,
  type DeadLetterNotice,
} from "../../../components/internal/eventlog/dead-letters.js";
import type { DeadLetterSettings, EventLog, LogMessage } from "../../../components/internal/eventlog/eventlog.js";
import { InProcessLog } from "../../../components/internal/eventlog/inprocess/log.js";
import { JetStreamLog } from "../../../components/internal/eventlog/jetstream/log.js";
import { silentLogger } from "../../../components/internal/logging/logger.js";
import {
  DATABASE_BACKENDS,
  TEST_NATS_URL,
  TEST_POSTGRES_URL,
  deleteNatsStreams,
  pendingVariant,
  suiteVariant,
  uniquePrefix,
} from "../../../testing/backends.js";
import { eventually } from "../../../testing/eventually.js";
import { metricsRegistry } from "../../../components/internal/metrics/registry.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

interface LogBackend {
  name: string;
  open(db: Database, prefix: string, deadLetters: DeadLetterSettings): Promise<EventLog>;
  dispose(prefix: string): Promise<void>;
}

const LOG_BACKENDS: LogBackend[] = [
  {
    name: "in-process",
    open: (db, prefix, deadLetters) => InProcessLog.open(db, prefix, silentLogger(), deadLetters),
    dispose: async () => {},
  },
  ...(TEST_NATS_URL
    ? [
        {
          name: "nats",
          open: (_db: Database, prefix: string, deadLetters: DeadLetterSettings) =>
            JetStreamLog.connect(TEST_NATS_URL!, prefix, silentLogger(), "dead-letter-test", deadLetters),
          dispose: (prefix: string) => deleteNatsStreams(TEST_NATS_URL!, prefix),
        },
      ]
    : []),
];

const STREAM = "DeadLetters";
const MAX_ATTEMPTS = 3;

interface DeadLetterRow {
  consumer: string;
  stream: string;
  seq: number;
  subject: string;
  payload: Uint8Array;
  error: string;
  attempts: number;
  first_failed_at: Date;
  last_failed_at: Date;
  dead_lettered_at: Date | null;
}

/** A handler's failure that says nothing about the message: the database went away. */
function outage(): Error {
  return Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
}

for (const dbBackend of DATABASE_BACKENDS) {
  for (const logBackend of LOG_BACKENDS) {
    describe(`dead letters [${logBackend.name}, ${dbBackend.name}]`, function () {
      this.timeout(60_000);
      let db: Database;
      let drop: () => Promise<void>;
      let log: EventLog;
      let prefix: string;
      let store: DeadLetterTable;
      suiteVariant(`dead-letters:${logBackend.name}+${dbBackend.name}`);

      before(async function () {
        ({ db, drop } = await dbBackend.create());
        await migrate(db, "eventlog-dead-letters", DEAD_LETTER_MIGRATIONS);
        store = new DeadLetterTable(db);
      });
      after(async () => {
        await drop();
      });
      beforeEach(async () => {
        prefix = uniquePrefix();
        log = await logBackend.open(db, prefix, { store, maxAttempts: MAX_ATTEMPTS });
        await log.declareStreams([STREAM]);
      });
      afterEach(async () => {
        await log.close();
        await logBackend.dispose(prefix);
      });

      const rows = (durable: string) =>
        db.query<DeadLetterRow>("SELECT * FROM eventlog_dead_letters WHERE consumer = $1 ORDER BY seq", [durable]);

      it("records a message that fails every time once, after the attempt limit, answers its writer, and lets every later message through", async () => {
        const durable = `${prefix}poisoned`;
        const notices: DeadLetterNotice[] = [];
        const stopHearing = onDeadLetter((notice) => notices.push(notice));
        const countBefore = deadLetterCount();
        const applied: string[] = [];
        const poisonCalls: number[] = [];
        const consumer = await log.consume({
          stream: STREAM,
          durable,
          // One call at a time, in batches of several rooms: as the roomserver's input consumer
          // runs, where one message's failure fails its whole batch's transaction.
          maxConcurrentSubjects: 1,
          groupSubjects: true,
          maxBatch: 50,
          batchHandler: async (msgs) => {
            const poison = msgs.find((m) => dec(m.data) === "poison");
            if (poison) {
              if (msgs.length === 1) poisonCalls.push(poison.seq);
              throw new Error(`invalid byte sequence for encoding "UTF8": 0x00 (seq ${poison.seq})`);
            }
            applied.push(...msgs.map((m) => `${m.subject.split(".")[1]}:${dec(m.data)}`));
          },
          rejectionOf: (msg, reason) => enc(`refused ${dec(msg.data)}: ${reason}`),
        });
        try {
          for (const body of ["a1", "a2"]) await log.publish(`${STREAM}.a`, enc(body));
          for (const body of ["b1", "b2"]) await log.publish(`${STREAM}.b`, enc(body));
          const verdict = log.publishAndWait(`${STREAM}.a`, enc("poison"), 30_000);
          for (const body of ["a3", "a4"]) await log.publish(`${STREAM}.a`, enc(body));
          for (const body of ["b3", "b4", "c1"]) await log.publish(`${STREAM}.${body.startsWith("c") ? "c" : "b"}`, enc(body));

          expect(dec(await verdict)).to.match(/^refused poison: Error: invalid byte sequence/);
          await eventually(() => applied.length === 9, 20_000, "every other message applied");
          expect(applied.filter((m) => m.startsWith("a:"))).to.deep.equal(["a:a1", "a:a2", "a:a3", "a:a4"]);
          expect(applied.filter((m) => m.startsWith("b:"))).to.deep.equal(["b:b1", "b:b2", "b:b3", "b:b4"]);
          expect(applied).to.include("c:c1");
          // The poisoned message, handled alone, failed exactly the attempt limit.
          expect(poisonCalls).to.have.length(MAX_ATTEMPTS);

          const [row, ...more] = await rows(durable);
          expect(more).to.deep.equal([]);
          expect(row!.stream).to.equal(STREAM);
          expect(row!.seq).to.equal(poisonCalls[0]);
          expect(row!.subject).to.equal(`${STREAM}.a`);
          expect(dec(row!.payload)).to.equal("poison");
          expect(row!.error).to.match(/invalid byte sequence for encoding "UTF8"/);
          expect(row!.attempts).to.equal(MAX_ATTEMPTS);
          expect(row!.dead_lettered_at).to.be.instanceOf(Date);
          expect(row!.first_failed_at.getTime()).to.be.at.most(row!.last_failed_at.getTime());
          expect(deadLetterCount()).to.equal(countBefore + 1);
          expect(notices.map((n) => [n.consumer, n.stream, n.seq, n.attempts])).to.deep.equal([[durable, STREAM, row!.seq, MAX_ATTEMPTS]]);
          // ... and the dead-letter counter /metrics serves names the consumer.
          const counter = await metricsRegistry.getSingleMetric("dendrite_eventlog_dead_letters_total")!.get();
          expect(counter.values.find((v) => v.labels.durable === durable)?.value).to.equal(1);
        } finally {
          stopHearing();
          await consumer.stop();
        }
      });

      it("lets other subjects through on its one concurrency slot while a subject waits to retry", async () => {
        // An attempt limit never reached within the test: the room stays poisoned throughout.
        await log.close();
        log = await logBackend.open(db, prefix, { store, maxAttempts: 1_000_000 });
        await log.declareStreams([STREAM]);
        const durable = `${prefix}oneslot`;
        const applied: string[] = [];
        let poisonFailures = 0;
        const consumer = await log.consume({
          stream: STREAM,
          durable,
          maxConcurrentSubjects: 1,
          handler: async (m) => {
            if (dec(m.data) === "poison") {
              poisonFailures++;
              throw new Error("cannot be stored");
            }
            applied.push(dec(m.data));
          },
        });
        try {
          await log.publish(`${STREAM}.stuck`, enc("poison"));
          await log.publish(`${STREAM}.stuck`, enc("behind the poison"));
          await eventually(() => poisonFailures >= 2, 20_000, "the poisoned message retried");
          for (let i = 0; i < 20; i++) await log.publish(`${STREAM}.room${i}`, enc(`other ${i}`));
          await eventually(() => applied.length === 20, 20_000, "the other rooms' messages applied");
          // The poisoned room keeps its order: nothing behind its first message has run.
          expect(applied).to.not.include("behind the poison");
          const [row] = await rows(durable);
          expect(row!.dead_lettered_at).to.equal(null);
          expect(row!.attempts).to.be.at.least(2);
        } finally {
          await consumer.stop();
        }
      });

      it("never counts an outage: a message that fails only while its database is down is applied, with nothing recorded", async () => {
        const durable = `${prefix}outage`;
        let calls = 0;
        const applied: string[] = [];
        const consumer = await log.consume({
          stream: STREAM,
          durable,
          handler: async (m) => {
            if (++calls <= MAX_ATTEMPTS + 1) throw outage();
            applied.push(dec(m.data));
          },
        });
        try {
          await log.publish(`${STREAM}.x`, enc("during an outage"));
          await eventually(() => applied.length === 1, 20_000, "the message applied after the outage");
          expect(calls).to.equal(MAX_ATTEMPTS + 2);
          expect(await rows(durable)).to.deep.equal([]);
        } finally {
          await consumer.stop();
        }
      });

      it("forgets the failures of a message that then succeeds", async () => {
        const durable = `${prefix}recovers`;
        let calls = 0;
        const applied: string[] = [];
        const consumer = await log.consume({
          stream: STREAM,
          durable,
          handler: async (m) => {
            if (++calls < MAX_ATTEMPTS) throw new Error("fails twice");
            applied.push(dec(m.data));
          },
        });
        try {
          await log.publish(`${STREAM}.x`, enc("eventually fine"));
          await eventually(() => applied.length === 1, 20_000, "the message applied");
          await eventually(async () => (await rows(durable)).length === 0, 10_000, "its failures forgotten");
        } finally {
          await consumer.stop();
        }
      });

      it("keeps counting across a restart, and skips once more, without a second record, a dead letter whose acknowledgement was lost", async () => {
        const durable = `${prefix}restarts`;
        const failing = new Set(["poison"]);
        const applied: string[] = [];
        let failures = 0;
        const handler = async (m: LogMessage) => {
          if (failing.has(dec(m.data))) {
            failures++;
            throw new Error("cannot be stored");
          }
          applied.push(dec(m.data));
        };
        const { seq } = await log.publish(`${STREAM}.r`, enc("poison"));
        await log.publish(`${STREAM}.r`, enc("after"));

        // A first process fails it twice (of three), then stops.
        const first = await log.consume({ stream: STREAM, durable, handler });
        await eventually(async () => (await rows(durable))[0]?.attempts === MAX_ATTEMPTS - 1, 20_000, "two failures counted");
        await first.stop();
        expect(applied).to.deep.equal([]);

        // The next one has the last attempt only.
        failures = 0;
        const countBefore = deadLetterCount();
        const second = await log.consume({ stream: STREAM, durable, handler });
        await eventually(() => applied.length === 1, 20_000, "the message behind it applied");
        await second.stop();
        expect(failures).to.equal(1);
        expect(deadLetterCount()).to.equal(countBefore + 1);

        // A process that died after recording the dead letter and before the ack: the message
        // comes again, fails, and is skipped without a second record or notice.
        const another = (await log.publish(`${STREAM}.r2`, enc("poison"))).seq;
        for (let i = 0; i < MAX_ATTEMPTS; i++) {
          await store.countFailure(
            durable,
            { stream: STREAM, subject: `${STREAM}.r2`, seq: another, data: enc("poison"), headers: {}, redelivered: false },
            "earlier",
            MAX_ATTEMPTS,
          );
        }
        await log.publish(`${STREAM}.r2`, enc("after 2"));
        failures = 0;
        const third = await log.consume({ stream: STREAM, durable, handler });
        await eventually(() => applied.length === 2, 20_000, "the message behind the old dead letter applied");
        await third.stop();
        expect(failures).to.equal(1);
        expect(deadLetterCount()).to.equal(countBefore + 1);
        const recorded = await rows(durable);
        expect(recorded.map((r) => [r.seq, r.attempts, r.dead_lettered_at !== null])).to.deep.equal([
          [seq, MAX_ATTEMPTS, true],
          [another, MAX_ATTEMPTS, true],
        ]);
        expect(applied).to.deep.equal(["after", "after 2"]);
      });
    });
  }
}

// The combinations this run lacks a backend for, listed as pending with the reason.
for (const [log, database] of [
  ["in-process", "postgres"],
  ["nats", "pglite"],
  ["nats", "postgres"],
] as const) {
  const lacks = [
    log === "nats" && !TEST_NATS_URL && "DENDRITE_TEST_NATS",
    database === "postgres" && !TEST_POSTGRES_URL && "DENDRITE_TEST_POSTGRES",
  ].filter(Boolean);
  if (lacks.length > 0) pendingVariant(`dead-letters:${log}+${database}`, `needs ${lacks.join(" and ")} (.ci/run sets them)`);
}
