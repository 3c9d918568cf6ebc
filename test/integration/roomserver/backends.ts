import type { Database } from "../../../components/internal/database/database.js";
import type { EventLog } from "../../../components/internal/eventlog/eventlog.js";
import { openEventLog } from "../../../components/internal/eventlog/open.js";
import { silentLogger } from "../../../components/internal/logging/logger.js";
import type { SigningKey } from "../../../components/protocol/crypto/keys.js";
import type { RoomserverCore } from "../../../components/roomserver/core/roomserver-core.js";
import {
  DATABASE_BACKENDS,
  TEST_NATS_URL,
  deleteNatsStreams,
  suiteVariant,
  uniquePrefix,
  pendingVariant,
  NEEDS_POSTGRES_AND_NATS,
} from "../../../testing/backends.js";
import { OutputCollector, startRoomserverCore } from "../../../testing/roomserver-harness.js";

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

/** The pending entry for the PostgreSQL + NATS setup when this run lacks it (call beside the loop over SETUPS). */
export function pendingSetups(variant: string): void {
  if (!SETUPS.some((s) => s.name === "postgres+nats")) pendingVariant(`${variant}:postgres+nats`, NEEDS_POSTGRES_AND_NATS);
}

/** A running roomserver core (input consumer started) on one setup, for a suite's tests. */
export interface RoomserverFixture {
  db: Database;
  log: EventLog;
  key: SigningKey;
  core: RoomserverCore;
  /** Every output, when the suite asked for them. */
  outputs: OutputCollector;
}

/**
 * Starts a roomserver core before the suite's tests and stops it after: registers mocha
 * hooks in the calling `describe`, and returns the fixture they fill in.
 */
export function useRoomserver(
  setup: Setup,
  variant: string,
  options: { serverName?: string; collectOutputs?: boolean } = {},
): RoomserverFixture {
  const fixture = {} as RoomserverFixture;
  let stop: () => Promise<void> = async () => {};
  suiteVariant(`${variant}:${setup.name}`);
  before(async function () {
    this.timeout(60_000);
    const { db, log, close } = await setup.open();
    const { core, key, stop: stopInput } = await startRoomserverCore(db, log, options.serverName);
    const outputs = new OutputCollector();
    if (options.collectOutputs) await outputs.start(log);
    Object.assign(fixture, { db, log, key, core, outputs });
    stop = async () => {
      await outputs.stop();
      await stopInput();
      await close();
    };
  });
  after(() => stop());
  return fixture;
}
