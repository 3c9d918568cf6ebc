import type { Database } from "../../../components/internal/database/database.js";
import type { EventLog } from "../../../components/internal/eventlog/eventlog.js";
import { openEventLog } from "../../../components/internal/eventlog/open.js";
import { silentLogger } from "../../../components/internal/logging/logger.js";
import { DATABASE_BACKENDS, TEST_NATS_URL, deleteNatsStreams, uniquePrefix } from "../../helpers/backends.js";

/** The setups the roomserver suites run on: embedded (PGlite + in-process log) and PostgreSQL + NATS. */
export interface Setup {
  name: string;
  open(): Promise<{ db: Database; log: EventLog; close: () => Promise<void> }>;
}

const pglite = DATABASE_BACKENDS.find((b) => b.name === "pglite")!;
const postgres = DATABASE_BACKENDS.find((b) => b.name === "postgres");

export const SETUPS: Setup[] = [
  {
    name: "embedded",
    async open() {
      const { db, drop } = await pglite.create();
      const log = await openEventLog({ event_log: { nats: null, stream_prefix: uniquePrefix() } }, db, silentLogger());
      return { db, log, close: async () => (await log.close(), await drop()) };
    },
  },
  ...(postgres && TEST_NATS_URL
    ? [
        {
          name: "postgres+nats",
          async open() {
            const { db, drop } = await postgres.create();
            const prefix = uniquePrefix();
            const log = await openEventLog({ event_log: { nats: TEST_NATS_URL, stream_prefix: prefix } }, db, silentLogger());
            return {
              db,
              log,
              close: async () => {
                await log.close();
                await deleteNatsStreams(TEST_NATS_URL!, prefix);
                await drop();
              },
            };
          },
        },
      ]
    : []),
];
