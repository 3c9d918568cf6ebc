import type { Config } from "../config/types.js";
import type { Database } from "../database/database.js";
import { migrate } from "../database/migrations.js";
import type { Logger } from "../logging/logger.js";
import { APPLIED_SEQUENCES_MIGRATIONS } from "./applied-sequences.js";
import { DEAD_LETTER_MIGRATIONS, DEFAULT_MAX_DELIVERY_ATTEMPTS, DeadLetterTable } from "./dead-letters.js";
import type { EventLog } from "./eventlog.js";
import { InProcessLog } from "./inprocess/log.js";
import { JetStreamLog } from "./jetstream/log.js";
import { ALL_STREAMS } from "./streams.js";

/**
 * NATS JetStream when the config names a NATS URL, otherwise the in-process log stored in
 * `db`. Declares every stream, and the tables consumers record into in `db`: applied
 * sequences and dead letters.
 */
export async function openEventLog(
  config: { event_log: Pick<Config["event_log"], "nats" | "stream_prefix"> & Partial<Config["event_log"]> },
  db: Database,
  logger: Logger,
  processName = "dendrite-ts",
): Promise<EventLog> {
  await migrate(db, "eventlog-applied", APPLIED_SEQUENCES_MIGRATIONS);
  await migrate(db, "eventlog-dead-letters", DEAD_LETTER_MIGRATIONS);
  const { nats, stream_prefix: prefix } = config.event_log;
  const deadLetters = {
    store: new DeadLetterTable(db),
    maxAttempts: config.event_log.max_delivery_attempts ?? DEFAULT_MAX_DELIVERY_ATTEMPTS,
  };
  const log =
    nats !== null
      ? await JetStreamLog.connect(nats, prefix, logger.child({ component: "eventlog" }), processName, deadLetters)
      : await InProcessLog.open(db, prefix, logger.child({ component: "eventlog" }), deadLetters);
  await log.declareStreams(ALL_STREAMS);
  return log;
}
