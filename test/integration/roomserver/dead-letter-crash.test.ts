import { expect } from "chai";
import { PostgresDatabase } from "../../../components/internal/database/postgres.js";
import { STREAMS } from "../../../components/internal/eventlog/streams.js";
import type { ProtocolEvent } from "../../../components/protocol/events/protocolevent.js";
import { submitEvent } from "../../../components/roomserver/producers/input-producer.js";
import { INPUT_CONSUMER } from "../../../components/roomserver/consumers/input-consumer.js";
import { suiteVariant, withPostgresAndNats } from "../../../testing/backends.js";
import type { RunningProcess } from "../../../testing/cli-process.js";
import { eventually } from "../../../testing/eventually.js";
import { POISON_MARKER, poisonEventsTable } from "../../../testing/poisoned-events.js";
import { RoomserverProcessSetup } from "../../../testing/roomserver-process.js";
import { TestRoom } from "../../../testing/test-room.js";

const SERVER = "deadletter-crash.test";
/** Enough attempts that the retries are still going on when the test kills the process. */
const MAX_ATTEMPTS = 8;

/**
 * Kill -9 while the roomserver retries an input its database refuses every time: the
 * restarted process carries on counting from the recorded failures, records the dead
 * letter once, answers the writer, and every other input flows. PostgreSQL + NATS, where
 * the roomserver is a process of its own.
 */
withPostgresAndNats("roomserver-dead-letter-crash:postgres+nats", () => {
  describe("roomserver crash: kill -9 while a poisoned input is being retried", function () {
    suiteVariant("roomserver-dead-letter-crash:postgres+nats");
    this.timeout(120_000);
    let setup: RoomserverProcessSetup;
    let roomserver: RunningProcess | null = null;
    const env = { DENDRITE_EVENT_LOG_MAX_DELIVERY_ATTEMPTS: String(MAX_ATTEMPTS) };

    before(async () => {
      setup = await RoomserverProcessSetup.create(SERVER);
    });
    after(async () => {
      if (roomserver) await roomserver.stop("SIGKILL");
      await setup.dispose();
    });

    it("records the dead letter once after a restart, answers its writer, and lets everything else through", async () => {
      const log = await setup.connectLog("dead-letter-crash-writer");
      const db = new PostgresDatabase(setup.dbUrl, 2);
      try {
        roomserver = await setup.start(env);
        await poisonEventsTable(db);
        const submit = (event: ProtocolEvent) => submitEvent(log, event, { origin: SERVER, timeoutMs: 60_000 });
        const poisoned = new TestRoom(SERVER, setup.key, "11");
        const other = new TestRoom(SERVER, setup.key, "11");
        const alice = poisoned.user("alice");
        for (const event of [...poisoned.standardStart(alice), ...other.standardStart(alice)]) {
          expect((await submit(event)).outcome).to.equal("accepted");
        }

        const poison = poisoned.message(alice, `hello ${POISON_MARKER}`, { detached: true });
        const poisonVerdict = submit(poison);
        const failures = async () =>
          (
            await db.query<{ attempts: number; dead: boolean }>(
              "SELECT attempts, dead_lettered_at IS NOT NULL AS dead FROM eventlog_dead_letters WHERE consumer = $1",
              [INPUT_CONSUMER],
            )
          )[0];
        await eventually(async () => ((await failures())?.attempts ?? 0) >= 2, 30_000, "the poisoned input retried");
        await roomserver.stop("SIGKILL");
        const beforeCrash = (await failures())!;
        expect(beforeCrash.dead, "killed while the retries went on").to.equal(false);

        // Inputs sent while the roomserver is down wait in the log.
        const otherVerdicts = Array.from({ length: 5 }, (_, i) => submit(other.message(alice, `while down ${i}`)));
        roomserver = await setup.start(env);

        const verdict = await poisonVerdict;
        expect(verdict.outcome).to.equal("invalid");
        expect(verdict.reason).to.match(/could not store this event/);
        expect((await Promise.all(otherVerdicts)).map((v) => v.outcome)).to.deep.equal(Array(5).fill("accepted"));
        expect((await submit(poisoned.message(alice, "after the poison"))).outcome).to.equal("accepted");

        const rows = await db.query<{ consumer: string; stream: string; attempts: number; dead: boolean }>(
          "SELECT consumer, stream, attempts, dead_lettered_at IS NOT NULL AS dead FROM eventlog_dead_letters",
        );
        // The count went on from where the killed process left it: MAX_ATTEMPTS failures in all.
        expect(rows).to.deep.equal([{ consumer: INPUT_CONSUMER, stream: STREAMS.inputRoomEvent, attempts: MAX_ATTEMPTS, dead: true }]);
        expect(
          roomserver
            .output()
            .split("\n")
            .filter((line) => line.includes("dead-lettered")).length,
        ).to.equal(1);
        const stored = await db.query("SELECT 1 FROM roomserver_events WHERE event_id = $1", [poison.eventId]);
        expect(stored).to.deep.equal([]);
      } finally {
        await log.close();
        await db.close();
      }
    });
  });
});
