import type { Config } from "../config/types.js";
import type { Database } from "../database/database.js";
import { migrate } from "../database/migrations.js";
import type { Logger } from "../logging/logger.js";
import { APPLIED_SEQUENCES_MIGRATIONS } from "./applied-sequences.js";
import type { EventLog } from "./eventlog.js";
import { InProcessLog } from "./inprocess/log.js";
import { JetStreamLog } from "./jetstream/log.js";
import { ALL_STREAMS } from "./streams.js";

/**
 * NATS JetStream when the config names a NATS URL, otherwise the in-process log stored in
 * `db`. Declares every stream, and the applied-sequence table consumers record into.
 */
export async function openEventLog(
  config: Pick<Config, "event_log">,
  db: Database,
  logger: Logger,
  processName = "dendrite-ts",
): Promise<EventLog> {
  await migrate(db, "eventlog-applied", APPLIED_SEQUENCES_MIGRATIONS);
  const { nats, stream_prefix: prefix } = config.event_log;
  const log =
    nats !== null
      ? await JetStreamLog.connect(nats, prefix, logger.child({ component: "eventlog" }), processName)
      : await InProcessLog.open(db, prefix, logger.child({ component: "eventlog" }));
  await log.declareStreams(ALL_STREAMS);
  return log;
}
