import { expect } from "chai";
import type { Database } from "../../../components/internal/database/database.js";
import { migrate } from "../../../components/internal/database/migrations.js";
import { PgliteDatabase } from "../../../components/internal/database/pglite.js";
import { APPLIED_SEQUENCES_MIGRATIONS, claimSequence } from "../../../components/internal/eventlog/applied-sequences.js";
import {
  DuplicateMessageError,
  NoResponderError,
  TimeoutError,
  type EventLog,
  type LogMessage,
} from "../../../components/internal/eventlog/eventlog.js";
import { InProcessLog } from "../../../components/internal/eventlog/inprocess/log.js";
import { JetStreamLog } from "../../../components/internal/eventlog/jetstream/log.js";
import { silentLogger } from "../../../components/internal/logging/logger.js";
import { TEST_NATS_URL, deleteNatsStreams, suiteVariant, uniquePrefix, pendingVariant } from "../../../testing/backends.js";
import { eventually } from "../../../testing/eventually.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LogBackend {
  name: string;
  /** Opens the log on `db` (the in-process log lives in it; both keep applied sequences in it). */
  open(db: Database, prefix: string): Promise<EventLog>;
  /** Removes what a test left behind outside `db`. */
  dispose(prefix: string): Promise<void>;
}

const LOG_BACKENDS: LogBackend[] = [
  { name: "in-process", open: (db, prefix) => InProcessLog.open(db, prefix, silentLogger()), dispose: async () => {} },
  ...(TEST_NATS_URL
    ? [
        {
          name: "nats",
          open: (_db: Database, prefix: string) => JetStreamLog.connect(TEST_NATS_URL!, prefix, silentLogger()),
          dispose: (prefix: string) => deleteNatsStreams(TEST_NATS_URL!, prefix),
        },
      ]
    : []),
];

const STREAM = "Conformance";
const OTHER = "ConformanceOther";

for (const backend of LOG_BACKENDS) {
  describe(`event log conformance [${backend.name}]`, function () {
    let db: Database;
    let log: EventLog;
    let prefix: string;

    suiteVariant(`eventlog:${backend.name}`);
    before(async function () {
      this.timeout(60_000);
      db = await PgliteDatabase.open(null);
      await migrate(db, "eventlog-applied", APPLIED_SEQUENCES_MIGRATIONS);
    });
    after(async () => {
      await db.close();
    });
    beforeEach(async () => {
      prefix = uniquePrefix();
      log = await backend.open(db, prefix);
      await log.declareStreams([STREAM, OTHER]);
    });
    afterEach(async () => {
      await log.close();
      await backend.dispose(prefix);
    });

    it("passes its health check while open and fails it once closed", async () => {
      await log.check();
      const other = await backend.open(db, prefix);
      await other.check();
      await other.close();
      expect(
        await other.check().then(
          () => "healthy",
          (e: Error) => e.message,
        ),
      ).to.match(/closed/);
    });

    // NATS refuses a message over its max_payload before sending it; the in-process log has no such limit.
    if (backend.name === "nats")
      it("refuses a publish NATS cannot send, leaving nothing waiting for an acknowledgement", async () => {
        const unhandled: unknown[] = [];
        const note = (reason: unknown) => void unhandled.push(reason);
        process.on("unhandledRejection", note);
        try {
          const tooLarge = new Uint8Array(2 * 1024 * 1024);
          expect(
            await log.publish(`${STREAM}.x`, tooLarge).then(
              () => "published",
              () => "refused",
            ),
          ).to.equal("refused");
          await sleep(6_000); // past the wait for an acknowledgement, had one been armed
        } finally {
          process.off("unhandledRejection", note);
        }
        expect(unhandled).to.deep.equal([]);
      });

    it("declares streams idempotently and numbers publishes in order", async () => {
      await log.declareStreams([STREAM, OTHER]);
      const a = await log.publish(`${STREAM}.x`, enc("a"));
      const b = await log.publish(`${STREAM}.y`, enc("b"));
      const c = await log.publish(`${OTHER}.x`, enc("c"));
      expect(a).to.deep.equal({ seq: 1, duplicate: false });
      expect(b).to.deep.equal({ seq: 2, duplicate: false });
      expect(c.seq).to.equal(1, "each stream has its own sequence");
    });

    it("refuses at once a publish that no declared stream takes", async () => {
      const refused = await log.publish("NotDeclared.x", enc("lost")).catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(Error);
      expect(refused, "an answer, not a wait for an acknowledgement that never comes").to.not.be.instanceOf(TimeoutError);
      expect(String(refused)).to.match(/NotDeclared/);
    });

    it("drops a second publish with the same message ID", async () => {
      const first = await log.publish(`${STREAM}.x`, enc("a"), { msgId: "m1" });
      const again = await log.publish(`${STREAM}.x`, enc("a"), { msgId: "m1" });
      const other = await log.publish(`${STREAM}.x`, enc("b"), { msgId: "m2" });
      expect(again).to.deep.equal({ seq: first.seq, duplicate: true });
      expect(other).to.deep.equal({ seq: first.seq + 1, duplicate: false });
      const seen: string[] = [];
      const consumer = await log.consume({ stream: STREAM, durable: "dedupe", handler: async (m) => void seen.push(dec(m.data)) });
      await eventually(() => seen.length === 2);
      await sleep(50);
      await consumer.stop();
      expect(seen).to.deep.equal(["a", "b"]);
    });

    it("drops repeated message IDs among publishes sent together, and numbers the rest without gaps", async () => {
      const before = await log.publish(`${STREAM}.y`, enc("stored"), { msgId: "t1" });
      const together = await Promise.all([
        log.publish(`${STREAM}.y`, enc("new 1"), { msgId: "t2" }),
        log.publish(`${STREAM}.y`, enc("stored again"), { msgId: "t1" }),
        log.publish(`${STREAM}.y`, enc("new 2")),
        log.publish(`${STREAM}.y`, enc("new 1 again"), { msgId: "t2" }),
        log.publish(`${STREAM}.y`, enc("new 3"), { msgId: "t3" }),
      ]);
      expect(together.map((r) => [r.seq - before.seq, r.duplicate])).to.deep.equal([
        [1, false],
        [0, true],
        [2, false],
        [1, true],
        [3, false],
      ]);
      const seen: string[] = [];
      const consumer = await log.consume({
        stream: STREAM,
        durable: "dedupe-together",
        filterSubject: `${STREAM}.y`,
        handler: async (m) => void seen.push(dec(m.data)),
      });
      await eventually(() => seen.length === 4);
      await sleep(50);
      await consumer.stop();
      expect(seen).to.deep.equal(["stored", "new 1", "new 2", "new 3"]);
    });

    it("delivers each subject in order while subjects interleave", async () => {
      const subjects = ["r1", "r2", "r3", "r4", "r5"];
      const published: Record<string, number[]> = {};
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => {
          const subject = subjects[i % subjects.length]!;
          return log.publish(`${STREAM}.${subject}`, enc(String(i))).then(() => {});
        }),
      );
      for (let i = 0; i < 200; i++) (published[subjects[i % 5]!] ??= []).push(i);
      const received: Record<string, number[]> = {};
      let inFlight = 0;
      let maxInFlight = 0;
      const consumer = await log.consume({
        stream: STREAM,
        durable: "ordered",
        handler: async (m) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await sleep(Math.random() * 2);
          (received[m.subject.split(".")[1]!] ??= []).push(Number(dec(m.data)));
          inFlight--;
        },
      });
      await eventually(() => Object.values(received).flat().length === 200);
      await consumer.stop();
      expect(received).to.deep.equal(published);
      expect(maxInFlight).to.be.greaterThan(1, "different subjects are handled in parallel");
    });

    it("hands waiting messages over in batches, grouping subjects, each subject in order and in one call at a time", async () => {
      const subjects = ["g1", "g2", "g3"];
      const seen: Record<string, number[]> = {};
      const inCall = new Set<string>();
      let calls = 0;
      let multiSubject = 0;
      for (let i = 0; i < 90; i++) await log.publish(`${STREAM}.${subjects[i % 3]}`, enc(String(i)));
      const consumer = await log.consume({
        stream: STREAM,
        durable: "grouped",
        maxBatch: 20,
        groupSubjects: true,
        maxConcurrentSubjects: 2,
        batchHandler: async (msgs) => {
          calls++;
          const mine = new Set(msgs.map((m) => m.subject));
          if (mine.size > 1) multiSubject++;
          for (const subject of mine) {
            expect(inCall.has(subject), `${subject} in two calls at once`).to.equal(false);
            inCall.add(subject);
          }
          await sleep(5);
          for (const m of msgs) (seen[m.subject.split(".")[1]!] ??= []).push(Number(dec(m.data)));
          for (const subject of mine) inCall.delete(subject);
        },
      });
      await eventually(() => Object.values(seen).flat().length === 90);
      await consumer.stop();
      for (const [i, subject] of subjects.entries()) {
        expect(seen[subject]).to.deep.equal(Array.from({ length: 30 }, (_, k) => i + 3 * k));
      }
      expect(calls).to.be.lessThan(90, "messages were batched");
      expect(multiSubject).to.be.greaterThan(0, "a call held several subjects");
    });

    it("gives every message to each of two consumers of one stream", async () => {
      const a: number[] = [];
      const b: number[] = [];
      const ca = await log.consume({ stream: STREAM, durable: "first", handler: async (m) => void a.push(m.seq) });
      const cb = await log.consume({ stream: STREAM, durable: "second", handler: async (m) => void b.push(m.seq) });
      for (let i = 0; i < 20; i++) await log.publish(`${STREAM}.s${i % 3}`, enc(String(i)));
      await eventually(() => a.length === 20 && b.length === 20);
      await Promise.all([ca.stop(), cb.stop()]);
      expect([...a].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
      expect([...b].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it("honours a filter subject", async () => {
      const seen: string[] = [];
      const consumer = await log.consume({
        stream: STREAM,
        durable: "filtered",
        filterSubject: `${STREAM}.wanted`,
        handler: async (m) => void seen.push(dec(m.data)),
      });
      await log.publish(`${STREAM}.other`, enc("no"));
      await log.publish(`${STREAM}.wanted`, enc("yes"));
      await eventually(() => seen.length === 1);
      await sleep(50);
      await consumer.stop();
      expect(seen).to.deep.equal(["yes"]);
    });

    it("delivers again a message whose consumer died before acknowledging it", async () => {
      await log.publish(`${STREAM}.x`, enc("first"));
      await log.publish(`${STREAM}.x`, enc("second"));
      const attempts: string[] = [];
      const dying = await log.consume({
        stream: STREAM,
        durable: "dies",
        handler: async (m) => {
          attempts.push(dec(m.data));
          if (dec(m.data) === "second") throw new Error("crash before ack");
        },
      });
      await eventually(() => attempts.includes("second"));
      await dying.stop();

      const redelivered: LogMessage[] = [];
      const restarted = await log.consume({ stream: STREAM, durable: "dies", handler: async (m) => void redelivered.push(m) });
      await eventually(() => redelivered.length >= 1);
      await sleep(100);
      await restarted.stop();
      const last = redelivered[redelivered.length - 1]!;
      expect(dec(last.data)).to.equal("second");
      expect(last.redelivered).to.equal(true);
      expect(redelivered.map((m) => dec(m.data))).to.not.include("third");
    });

    it("resumes a restarted consumer after the last sequence it applied, applying each message once", async () => {
      await db.exec("CREATE TABLE IF NOT EXISTS conformance_effects (prefix TEXT, body TEXT)");
      const durable = "resumes";
      // The handler records its effect and claims the sequence in one transaction. When told
      // to, it "crashes" after committing and before the ack, the worst moment.
      let crashAfterCommit: string | null = null;
      const handler = async (m: LogMessage) => {
        await db.transaction(async (tx) => {
          if (!(await claimSequence(tx, prefix + durable, m))) return;
          await tx.execute("INSERT INTO conformance_effects VALUES ($1, $2)", [prefix, dec(m.data)]);
        });
        if (dec(m.data) === crashAfterCommit) throw new Error("crash between commit and ack");
      };
      const effects = async () =>
        (await db.query<{ body: string }>("SELECT body FROM conformance_effects WHERE prefix = $1 ORDER BY body", [prefix])).map(
          (r) => r.body,
        );

      for (const body of ["m1", "m2", "m3"]) await log.publish(`${STREAM}.room`, enc(body));
      crashAfterCommit = "m3";
      const first = await log.consume({ stream: STREAM, durable, handler });
      const end = Date.now() + 5000;
      while ((await effects()).length < 3 && Date.now() < end) await sleep(10);
      await first.stop();

      crashAfterCommit = null;
      for (const body of ["m4", "m5"]) await log.publish(`${STREAM}.room`, enc(body));
      const second = await log.consume({ stream: STREAM, durable, handler });
      const end2 = Date.now() + 5000;
      while ((await effects()).length < 5 && Date.now() < end2) await sleep(10);
      await sleep(100);
      await second.stop();
      expect(await effects()).to.deep.equal(["m1", "m2", "m3", "m4", "m5"]);
    });

    it("answers requests, and times out or reports no responder", async () => {
      const sub = await log.serve("Echo.service", async (data) => enc(`echo ${dec(data)}`));
      expect(dec(await log.request("Echo.service", enc("hi"), 2000))).to.equal("echo hi");
      await sub.stop();

      // The responder answers only after the request has failed: a request that waited for
      // the answer instead of timing out would never finish (and the test hits mocha's timeout).
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const slow = await log.serve("Echo.slow", async (data) => {
        await released;
        return data;
      });
      const err = await log.request("Echo.slow", enc("x"), 100).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(TimeoutError);
      release();
      await sleep(50); // let the responder's late answer go out before its subscription goes
      await slow.stop();

      const none = await log.request("Echo.nobody", enc("x"), 1000).catch((e: unknown) => e);
      expect(none).to.be.instanceOf(NoResponderError);
    });

    it("hands a published message to every plain subscriber of its subject before publish resolves", async () => {
      const got: { all: string[]; one: string[] } = { all: [], one: [] };
      const all = await log.subscribe(`${STREAM}.>`, { handler: (subject, data) => got.all.push(`${subject}=${dec(data)}`) });
      const one = await log.subscribe(`${STREAM}.one`, { handler: (subject, data) => got.one.push(`${subject}=${dec(data)}`) });
      // Both on this process's connection: the message comes in ahead of the acknowledgement.
      await log.publish(`${STREAM}.one`, enc("1"));
      expect(got).to.deep.equal({ all: [`${STREAM}.one=1`], one: [`${STREAM}.one=1`] });
      await log.publish(`${STREAM}.two`, enc("2"));
      await log.publish(`${OTHER}.one`, enc("elsewhere"));
      await one.stop();
      await log.publish(`${STREAM}.one`, enc("3"));
      expect(got).to.deep.equal({ all: [`${STREAM}.one=1`, `${STREAM}.two=2`, `${STREAM}.one=3`], one: [`${STREAM}.one=1`] });
      await all.stop();
    });

    it("answers a batch's waiting publishes together, each waiter its own answer", async () => {
      const consumer = await log.consume({
        stream: STREAM,
        durable: "batched-verdicts",
        filterSubject: `${STREAM}.batch.>`,
        batchHandler: async (msgs) => log.reply(msgs.map((m) => ({ msg: m, data: enc(`ok ${dec(m.data)}`) }))),
        maxBatch: 50,
        groupSubjects: true,
      });
      const sent = Array.from({ length: 40 }, (_, i) => `m${i}`);
      const answers = await Promise.all(sent.map((m, i) => log.publishAndWait(`${STREAM}.batch.r${i % 3}`, enc(m), 5000)));
      expect(answers.map(dec)).to.deep.equal(sent.map((m) => `ok ${m}`));
      await consumer.stop();
    });

    it("waits for a consumer's verdict on a published message, with a timeout", async () => {
      const consumer = await log.consume({
        stream: STREAM,
        durable: "verdicts",
        handler: async (m) => log.reply([{ msg: m, data: enc(`accepted ${dec(m.data)}`) }]),
      });
      expect(dec(await log.publishAndWait(`${STREAM}.room`, enc("e1"), 5000, { msgId: "e1" }))).to.equal("accepted e1");
      const duplicate = await log.publishAndWait(`${STREAM}.room`, enc("e1"), 5000, { msgId: "e1" }).catch((e: unknown) => e);
      expect(duplicate).to.be.instanceOf(DuplicateMessageError);
      await consumer.stop();

      const err = await log.publishAndWait(`${STREAM}.room`, enc("e2"), 150).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(TimeoutError);
      // The message stays in the stream: a consumer started later still gets it.
      const later: string[] = [];
      const again = await log.consume({ stream: STREAM, durable: "verdicts", handler: async (m) => void later.push(dec(m.data)) });
      await eventually(() => later.includes("e2"));
      await again.stop();
    });
  });
}

if (!TEST_NATS_URL) pendingVariant("eventlog:nats", "needs DENDRITE_TEST_NATS (.ci/run sets it)");

describe("in-process event log persistence", function () {
  // Creating an embedded database (initdb in WASM) is seconds of CPU, and more than mocha's
  // default 30 s on a machine loaded 10 times over (the suite's other embedded suites allow 60 s).
  this.timeout(120_000);
  it("keeps messages, sequences and consumer positions across a reopen", async () => {
    const db = await PgliteDatabase.open(null);
    try {
      let log = await InProcessLog.open(db, "p_", silentLogger());
      await log.declareStreams([STREAM]);
      await log.publish(`${STREAM}.a`, enc("one"));
      const seen: string[] = [];
      let consumer = await log.consume({ stream: STREAM, durable: "keeps", handler: async (m) => void seen.push(dec(m.data)) });
      await eventually(() => seen.length === 1);
      await consumer.stop();
      await log.close();

      log = await InProcessLog.open(db, "p_", silentLogger());
      await log.declareStreams([STREAM]);
      expect((await log.publish(`${STREAM}.a`, enc("two"))).seq).to.equal(2);
      consumer = await log.consume({ stream: STREAM, durable: "keeps", handler: async (m) => void seen.push(dec(m.data)) });
      await eventually(() => seen.length === 2);
      await sleep(50);
      await consumer.stop();
      await log.close();
      expect(seen).to.deep.equal(["one", "two"]);
    } finally {
      await db.close();
    }
  });

  it("waits for the disk only for publishes whose publisher relies on them being stored", async () => {
    const db = await PgliteDatabase.open(null);
    try {
      const log = await InProcessLog.open(db, "f_", silentLogger());
      await log.declareStreams([STREAM]);
      // Each message's INSERT runs in a transaction of ours, which reads what its commit will do.
      const commits: string[] = [];
      const execute = db.execute.bind(db);
      db.execute = (sql, params) =>
        db.transaction(async (tx) => {
          const changed = await tx.execute(sql, params);
          const [row] = await tx.query<{ s: string }>("SELECT current_setting('synchronous_commit') AS s");
          if (sql.startsWith("INSERT INTO eventlog_messages")) commits.push(row!.s);
          return changed;
        });
      try {
        await log.publish(`${STREAM}.a`, enc("relied on"));
        await log.publish(`${STREAM}.a`, enc("verdict awaited"), { unacknowledged: true });
        await log.publish(`${STREAM}.a`, enc("kept by an outbox"), { keptByPublisher: true });
      } finally {
        db.execute = execute;
      }
      expect(commits).to.deep.equal(["on", "off", "off"]);
      await log.close();
    } finally {
      await db.close();
    }
  });
});
