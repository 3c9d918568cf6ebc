import { expect } from "chai";
import type { Database } from "../../../components/internal/database/database.js";
import { migrate } from "../../../components/internal/database/migrations.js";
import { PgliteDatabase } from "../../../components/internal/database/pglite.js";
import { APPLIED_SEQUENCES_MIGRATIONS } from "../../../components/internal/eventlog/applied-sequences.js";
import type { EventLog } from "../../../components/internal/eventlog/eventlog.js";
import { InProcessLog } from "../../../components/internal/eventlog/inprocess/log.js";
import { JetStreamLog } from "../../../components/internal/eventlog/jetstream/log.js";
import { silentLogger } from "../../../components/internal/logging/logger.js";
import { metricsRegistry } from "../../../components/internal/metrics/registry.js";
import { TEST_NATS_URL, deleteNatsStreams, uniquePrefix } from "../../../testing/backends.js";
import { eventually } from "../../../testing/eventually.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

const BACKENDS = [
  {
    name: "in-process",
    open: (db: Database, prefix: string): Promise<EventLog> => InProcessLog.open(db, prefix, silentLogger()),
    dispose: async () => {},
  },
  ...(TEST_NATS_URL
    ? [
        {
          name: "nats",
          open: (_db: Database, prefix: string): Promise<EventLog> => JetStreamLog.connect(TEST_NATS_URL!, prefix, silentLogger()),
          dispose: (prefix: string) => deleteNatsStreams(TEST_NATS_URL!, prefix),
        },
      ]
    : []),
];

const STREAM = "MetricsConformance";

/** The value of a metric's series with exactly these labels, or undefined when it has none. */
async function valueOf(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const { values } = await metricsRegistry.getSingleMetric(name)!.get();
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return values.find((v) => JSON.stringify(Object.entries(v.labels).sort()) === wanted)?.value;
}

for (const backend of BACKENDS) {
  describe(`event log metrics [${backend.name}]`, function () {
    this.timeout(60_000);
    let db: Database;
    let log: EventLog;
    let prefix: string;

    before(async () => {
      db = await PgliteDatabase.open(null);
      await migrate(db, "eventlog-applied", APPLIED_SEQUENCES_MIGRATIONS);
      prefix = uniquePrefix();
      log = await backend.open(db, prefix);
      await log.declareStreams([STREAM]);
    });
    after(async () => {
      await log.close();
      await backend.dispose(prefix);
      await db.close();
    });

    it("reports a durable's lag while it is stuck, counts deliveries and the redeliveries after its restart", async () => {
      const durable = `metered_${backend.name === "nats" ? "nats" : "inprocess"}`;
      const labels = { stream: STREAM, durable };
      const redeliveredBefore = (await valueOf("dendrite_eventlog_redeliveries_total", labels)) ?? 0;
      const deliveredBefore = (await valueOf("dendrite_eventlog_delivered_total", labels)) ?? 0;
      for (const body of ["first", "second", "third"]) await log.publish(`${STREAM}.x`, enc(body));

      // "second" fails until the consumer stops: "first" is acknowledged, "second" and "third" are not.
      const seen: string[] = [];
      const stuck = await log.consume({
        stream: STREAM,
        durable,
        handler: async (m) => {
          seen.push(dec(m.data));
          if (dec(m.data) === "second") throw new Error("not yet");
        },
      });
      await eventually(async () => (await valueOf("dendrite_eventlog_consumer_lag", labels)) === 2, 20_000, "a lag of 2");
      await stuck.stop();
      expect(seen.filter((b) => b === "first")).to.have.lengthOf(1);
      // A stopped consumer reports no lag.
      expect(await valueOf("dendrite_eventlog_consumer_lag", labels)).to.equal(undefined);

      const applied: string[] = [];
      const restarted = await log.consume({ stream: STREAM, durable, handler: async (m) => void applied.push(dec(m.data)) });
      await eventually(() => applied.includes("third"), 20_000, "the restarted consumer applying third");
      await eventually(async () => (await valueOf("dendrite_eventlog_consumer_lag", labels)) === 0, 20_000, "a lag of 0");
      await restarted.stop();
      expect(applied).to.deep.equal(["second", "third"]);
      // Both were delivered before the restart ("third" waited behind "second" in its subject).
      const redelivered = (await valueOf("dendrite_eventlog_redeliveries_total", labels))! - redeliveredBefore;
      expect(redelivered).to.be.at.least(1).and.at.most(2);
      expect((await valueOf("dendrite_eventlog_delivered_total", labels))! - deliveredBefore).to.be.at.least(4);
    });
  });
}
