import { expect } from "chai";
import { deadLetterCount } from "../../../components/internal/eventlog/dead-letters.js";
import { STREAMS } from "../../../components/internal/eventlog/streams.js";
import { INPUT_CONSUMER } from "../../../components/roomserver/consumers/input-consumer.js";
import { InputRoomEvent } from "../../../proto/gen/dendrite/roomserver/v1/input.js";
import { POISON_MARKER, poisonEventsTable } from "../../../testing/poisoned-events.js";
import { TEST_SERVER, inputEvent } from "../../../testing/roomserver-harness.js";
import { TestRoom } from "../../../testing/test-room.js";
import { SETUPS, useRoomserver } from "./backends.js";

for (const setup of SETUPS) {
  describe(`roomserver input that cannot be stored [${setup.name}]`, function () {
    this.timeout(60_000);
    const rs = useRoomserver(setup, "roomserver-dead-letter");

    before(async () => {
      await poisonEventsTable(rs.db);
    });

    it("refuses the input to its writer after the attempt limit, records it once, and other rooms' and its own room's later inputs go on", async () => {
      const poisoned = new TestRoom(TEST_SERVER, rs.key, "11");
      const other = new TestRoom(TEST_SERVER, rs.key, "11");
      const alice = poisoned.user("alice");
      const bob = other.user("bob");
      for (const event of [...poisoned.standardStart(alice), ...other.standardStart(bob)]) {
        expect((await inputEvent(rs.log, event)).outcome).to.equal("accepted");
      }
      const countBefore = deadLetterCount();

      const poison = poisoned.message(alice, `hello ${POISON_MARKER}`, { detached: true });
      const otherMessages = Array.from({ length: 5 }, (_, i) => other.message(bob, `message ${i}`));
      // Sent together, so the poisoned input shares a batch (and its transaction) with the others.
      const [poisonVerdict, ...otherVerdicts] = await Promise.all([
        inputEvent(rs.log, poison, undefined, { timeoutMs: 30_000 }),
        ...otherMessages.map((event) => inputEvent(rs.log, event, undefined, { timeoutMs: 30_000 })),
      ]);
      expect(poisonVerdict.outcome).to.equal("invalid");
      expect(poisonVerdict.reason).to.match(/could not store this event/);
      expect(otherVerdicts.map((v) => v.outcome)).to.deep.equal(otherMessages.map(() => "accepted"));

      // The poisoned room itself goes on after it.
      const after = poisoned.message(alice, "still here");
      expect((await inputEvent(rs.log, after)).outcome).to.equal("accepted");

      const rows = await rs.db.query<{
        consumer: string;
        stream: string;
        payload: Uint8Array;
        error: string;
        attempts: number;
        dead: boolean;
      }>("SELECT consumer, stream, payload, error, attempts, dead_lettered_at IS NOT NULL AS dead FROM eventlog_dead_letters");
      expect(rows).to.have.length(1);
      const [row] = rows;
      expect(row).to.include({ consumer: INPUT_CONSUMER, stream: STREAMS.inputRoomEvent, attempts: 5, dead: true });
      expect(row!.error).to.match(/injected failure: this event cannot be stored/);
      const input = InputRoomEvent.decode(row!.payload);
      expect(
        (JSON.parse(Buffer.from(input.eventJson).toString("utf8")) as { event_id?: string; content: { body: string } }).content.body,
      ).to.equal(`hello ${POISON_MARKER}`);
      expect(deadLetterCount()).to.equal(countBefore + 1);
      const stored = await rs.db.query("SELECT 1 FROM roomserver_events WHERE event_id = $1", [poison.eventId]);
      expect(stored).to.deep.equal([]);
    });
  });
}
