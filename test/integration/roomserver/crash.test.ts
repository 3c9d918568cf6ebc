import { expect } from "chai";
import { PostgresDatabase } from "../../../components/internal/database/postgres.js";
import type { Consumer } from "../../../components/internal/eventlog/eventlog.js";
import { STREAMS } from "../../../components/internal/eventlog/streams.js";
import type { ProtocolEvent } from "../../../components/protocol/events/protocolevent.js";
import { submitEvent, submitTemplate } from "../../../components/roomserver/producers/input-producer.js";
import type { InputVerdict } from "../../../components/roomserver/api/input.js";
import { OutputRoomEvent } from "../../../proto/gen/dendrite/roomserver/v1/output.js";
import { TEST_NATS_URL, TEST_POSTGRES_URL, suiteVariant, pendingVariant, NEEDS_POSTGRES_AND_NATS } from "../../../testing/backends.js";
import type { RunningProcess } from "../../../testing/cli-process.js";
import { RoomserverProcessSetup } from "../../../testing/roomserver-process.js";
import { TestRoom } from "../../../testing/test-room.js";

const SERVER = "crash.test";
const ROOMS = 10;
const MESSAGES_PER_ROOM = 100;
/** Rooms whose messages go in as templates for the roomserver to complete. */
const TEMPLATE_ROOMS = 5;

/**
 * The roomserver's promise under kill -9: every accepted event stored once, announced once
 * on the output stream, none lost. Runs on PostgreSQL + NATS, where the roomserver is a
 * process of its own that the test can kill while inputs are in flight.
 */
if (TEST_POSTGRES_URL && TEST_NATS_URL) {
  describe("roomserver crash: kill -9 while 1,000 events in 10 rooms and 500 templates in 5 are input", function () {
    this.timeout(180_000);
    let setup: RoomserverProcessSetup;
    let roomserver: RunningProcess | null = null;

    suiteVariant("roomserver-crash:postgres+nats");
    before(async () => {
      setup = await RoomserverProcessSetup.create(SERVER);
    });
    after(async () => {
      if (roomserver) await roomserver.stop("SIGKILL");
      await setup.dispose();
    });

    it("stores every accepted event once and announces each once after a restart", async () => {
      const key = setup.key;
      const log = await setup.connectLog("crash-test-writer");
      const db = new PostgresDatabase(setup.dbUrl, 2);
      let outputs: Consumer | null = null;
      try {
        roomserver = await setup.start();
        const rooms = Array.from({ length: ROOMS + TEMPLATE_ROOMS }, () => new TestRoom(SERVER, key, "11"));
        const templateRooms = rooms.splice(ROOMS);
        const firstEvents = rooms.map((room) => room.standardStart(room.user("alice")));
        const messages = rooms.map((room) =>
          Array.from({ length: MESSAGES_PER_ROOM }, (_, i) => room.message(room.user("alice"), `message ${i}`)),
        );
        const submit = (event: ProtocolEvent) => submitEvent(log, event, { origin: SERVER, timeoutMs: 120_000 });
        const templateRoomStarts = templateRooms.map((room) => room.standardStart(room.user("alice")));
        for (const events of [...firstEvents, ...templateRoomStarts]) {
          for (const event of events) expect((await submit(event)).outcome).to.equal("accepted");
        }
        const templates = templateRooms.flatMap((room, r) =>
          Array.from({ length: MESSAGES_PER_ROOM }, (_, i) => ({
            roomId: room.roomId,
            type: "m.room.message",
            sender: room.user("alice"),
            contentJson: JSON.stringify({ msgtype: "m.text", body: `template ${i}` }),
            redacts: "",
            templateId: `crash ${r} ${i}`,
          })),
        );

        // All 1,000 messages go in at once; the roomserver dies when some have been accepted.
        const accepted = new Set<string>();
        const verdicts: Promise<InputVerdict>[] = messages.flat().map((event) =>
          submit(event).then((verdict) => {
            if (verdict.outcome === "accepted") accepted.add(event.eventId);
            return verdict;
          }),
        );
        const templateVerdicts = templates.map((t) => submitTemplate(log, t, { origin: SERVER, timeoutMs: 120_000 }));
        while (accepted.size < 150) await new Promise((r) => setTimeout(r, 2));
        await roomserver.stop("SIGKILL");
        const acceptedBeforeCrash = new Set(accepted);
        expect(acceptedBeforeCrash.size).to.be.lessThan(1000, "the crash came while inputs were in flight");

        roomserver = await setup.start();
        const all = await Promise.all(verdicts);
        expect(
          all.every((v) => v.outcome === "accepted"),
          "every input eventually accepted",
        ).to.equal(true);
        const completed = await Promise.all(templateVerdicts);
        expect(
          completed.every((v) => v.outcome === "accepted"),
          "every template eventually accepted",
        ).to.equal(true);
        const templateEventIds = new Set(completed.map((v) => v.eventId));
        expect(templateEventIds.size).to.equal(templates.length, "each template its own event");
        const recorded = await db.query<{ n: number }>("SELECT count(*)::int8 AS n FROM roomserver_completed_templates");
        expect(recorded[0]!.n).to.equal(templates.length, "each template completed once");

        const allIds = [...firstEvents.flat(), ...messages.flat(), ...templateRoomStarts.flat()].map((e) => e.eventId);
        allIds.push(...templateEventIds);
        const stored = await db.query<{ event_id: string }>("SELECT event_id FROM roomserver_events");
        expect(stored.length).to.equal(allIds.length, "each event stored exactly once");
        expect(new Set(stored.map((r) => r.event_id))).to.deep.equal(new Set(allIds));
        for (const id of acceptedBeforeCrash) expect(stored.some((r) => r.event_id === id)).to.equal(true);

        const announced = new Map<string, number>();
        outputs = await log.consume({
          stream: STREAMS.outputRoomEvent,
          durable: "crash-test-outputs",
          handler: async (m) => {
            const output = OutputRoomEvent.decode(m.data);
            if (output.payload?.$case === "newRoomEvent") {
              const id = output.payload.value.eventId;
              announced.set(id, (announced.get(id) ?? 0) + 1);
            }
          },
        });
        const end = Date.now() + 30_000;
        while (announced.size < allIds.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 500)); // time for any duplicate to show up
        expect(announced.size).to.equal(allIds.length, "every event announced");
        const duplicates = [...announced].filter(([, n]) => n > 1);
        expect(duplicates, "no event announced twice").to.deep.equal([]);
      } finally {
        await outputs?.stop();
        await log.close();
        await db.close();
      }
    });
  });
} else {
  pendingVariant("roomserver-crash:postgres+nats", NEEDS_POSTGRES_AND_NATS);
}
