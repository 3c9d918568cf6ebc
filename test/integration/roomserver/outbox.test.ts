import { expect } from "chai";
import type { Database } from "../../../components/internal/database/database.js";
import { migrate } from "../../../components/internal/database/migrations.js";
import type { EventLog, PublishOptions } from "../../../components/internal/eventlog/eventlog.js";
import { silentLogger } from "../../../components/internal/logging/logger.js";
import { OutboxPublisher } from "../../../components/roomserver/producers/outbox-publisher.js";
import { ROOMSERVER_MIGRATIONS } from "../../../components/roomserver/storage/migrations.js";
import { inTransaction } from "../../../components/roomserver/storage/unit-of-work.js";
import { DATABASE_BACKENDS, suiteVariant, pendingDatabaseBackends } from "../../../testing/backends.js";
import { eventually } from "../../../testing/eventually.js";

/** The part of the event log the outbox uses: publishes are noted, and fail while `failing`. */
class PublishRecorder {
  readonly published: { subject: string; msgId: string; data: string }[] = [];
  failing = false;
  readonly log = {
    publish: async (subject: string, data: Uint8Array, options: PublishOptions = {}) => {
      if (this.failing) throw new Error("log unavailable");
      this.published.push({ subject, msgId: options.msgId!, data: new TextDecoder().decode(data) });
      return { seq: this.published.length, duplicate: false };
    },
  } as unknown as EventLog;
  msgIds = () => this.published.map((p) => p.msgId);
}

const bytes = (s: string) => new TextEncoder().encode(s);

for (const backend of DATABASE_BACKENDS) {
  describe(`roomserver outbox [${backend.name}]`, function () {
    this.timeout(60_000);
    let db: Database;
    let drop: () => Promise<void>;
    suiteVariant(`roomserver-outbox:${backend.name}`);
    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, "roomserver", ROOMSERVER_MIGRATIONS);
    });
    after(() => drop());
    beforeEach(() => db.execute("DELETE FROM roomserver_outbox"));

    const rows = async () => (await db.query<{ msg_id: string }>("SELECT msg_id FROM roomserver_outbox ORDER BY id")).map((r) => r.msg_id);
    const write = (outbox: OutboxPublisher, on: Database, ...msgIds: string[]) =>
      inTransaction(on, async (uow) => {
        for (const id of msgIds) await outbox.add(uow, "OutputRoomEvent.r", id, bytes(`payload ${id}`));
      });

    it("publishes a transaction's outputs after it commits, in order, with their message IDs", async () => {
      const recorder = new PublishRecorder();
      const outbox = new OutboxPublisher(db, recorder.log, silentLogger());
      await write(outbox, db, "a", "b", "c");
      expect(recorder.published).to.deep.equal([], "nothing before a flush");
      expect(await rows()).to.deep.equal(["a", "b", "c"], "committed with the change");
      await outbox.flush();
      expect(recorder.published).to.deep.equal(
        ["a", "b", "c"].map((id) => ({ subject: "OutputRoomEvent.r", msgId: id, data: `payload ${id}` })),
      );
      await outbox.close();
      expect(await rows()).to.deep.equal([]);
    });

    it("neither stores nor publishes the outputs of a transaction that rolled back", async () => {
      const recorder = new PublishRecorder();
      const outbox = new OutboxPublisher(db, recorder.log, silentLogger());
      await inTransaction(db, async (uow) => {
        await outbox.add(uow, "OutputRoomEvent.r", "lost", bytes("x"));
        throw new Error("the change failed");
      }).catch(() => {});
      await outbox.flush();
      expect(recorder.published).to.deep.equal([]);
      expect(await rows()).to.deep.equal([]);
      await outbox.close();
    });

    it("keeps what failed to publish and publishes it with the next flush", async () => {
      const recorder = new PublishRecorder();
      const outbox = new OutboxPublisher(db, recorder.log, silentLogger());
      await write(outbox, db, "a");
      recorder.failing = true;
      await outbox.flush().catch(() => {});
      recorder.failing = false;
      await write(outbox, db, "b");
      await outbox.flush();
      expect(recorder.msgIds()).to.deep.equal(["a", "b"]);
      await outbox.close();
      expect(await rows()).to.deep.equal([]);
    });

    it("deletes published rows on its own when no transaction comes", async () => {
      const recorder = new PublishRecorder();
      const outbox = new OutboxPublisher(db, recorder.log, silentLogger());
      await write(outbox, db, "a", "b");
      await outbox.flush();
      await eventually(async () => (await rows()).length === 0);
      await outbox.close();
    });

    it("republishes at start-up what a previous run committed and did not delete", async () => {
      const crashed = new OutboxPublisher(db, new PublishRecorder().log, silentLogger());
      await write(crashed, db, "a", "b"); // committed, never published: the process died
      const recorder = new PublishRecorder();
      const outbox = new OutboxPublisher(db, recorder.log, silentLogger());
      await outbox.recover();
      expect(recorder.msgIds()).to.deep.equal(["a", "b"]);
      expect(await rows()).to.deep.equal([]);
      await outbox.close();
    });
  });
}
pendingDatabaseBackends("roomserver-outbox");
