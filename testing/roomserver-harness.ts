import type { ComponentDeps } from "../components/internal/component.js";
import { validateConfig } from "../components/internal/config/load.js";
import type { Database } from "../components/internal/database/database.js";
import type { Consumer, EventLog } from "../components/internal/eventlog/eventlog.js";
import { STREAMS } from "../components/internal/eventlog/streams.js";
import { silentLogger } from "../components/internal/logging/logger.js";
import { generateSigningKey, type SigningKey } from "../components/protocol/crypto/keys.js";
import type { ProtocolEvent } from "../components/protocol/events/protocolevent.js";
import { migrate } from "../components/internal/database/migrations.js";
import { submitEvent } from "../components/roomserver/producers/input-producer.js";
import { createRoomserverCore } from "../components/roomserver/core/roomserver-core.js";
import { ROOMSERVER_MIGRATIONS } from "../components/roomserver/storage/migrations.js";
import type { InputKind, InputVerdict } from "../components/roomserver/api/input.js";
import { OutputRoomEvent } from "../proto/gen/dendrite/roomserver/v1/output.js";

export const TEST_SERVER = "test.local";

export function testDeps(db: Database, log: EventLog, signingKey: SigningKey): ComponentDeps {
  return {
    config: validateConfig({ server_name: TEST_SERVER }),
    logger: silentLogger(),
    db,
    log,
    signingKey,
  };
}

/**
 * A roomserver core on `db` and `log` with its input consumer running, signing with a
 * fresh key (migrations applied first): what every in-process roomserver test and the
 * bench start from.
 */
export async function startRoomserverCore(db: Database, log: EventLog, serverName = TEST_SERVER) {
  await migrate(db, "roomserver", ROOMSERVER_MIGRATIONS);
  const key = generateSigningKey();
  const deps = testDeps(db, log, key);
  deps.config.server_name = serverName;
  const { core, input } = createRoomserverCore(deps);
  await input.start();
  return { core, key, stop: () => input.stop() };
}

/** Puts an event on the input log as a writer does and waits for the roomserver's verdict. */
export function inputEvent(
  log: EventLog,
  event: ProtocolEvent,
  kind: InputKind = "new",
  options: { timeoutMs?: number; msgId?: string } = {},
): Promise<InputVerdict> {
  return submitEvent(log, event, { kind, origin: TEST_SERVER, timeoutMs: options.timeoutMs ?? 10_000, msgId: options.msgId });
}

/** Collects every OutputRoomEvent, decoded, in the order of the stream. */
export class OutputCollector {
  readonly outputs: OutputRoomEvent[] = [];
  private consumer: Consumer | null = null;

  async start(log: EventLog, durable = "test-output-collector"): Promise<void> {
    this.consumer = await log.consume({
      stream: STREAMS.outputRoomEvent,
      durable,
      maxConcurrentSubjects: 1,
      handler: async (m) => void this.outputs.push(OutputRoomEvent.decode(m.data)),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }

  newEvents() {
    return this.outputs.flatMap((o) => (o.payload?.$case === "newRoomEvent" ? [o.payload.value] : []));
  }

  async waitFor(predicate: (outputs: OutputRoomEvent[]) => boolean, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!predicate(this.outputs)) {
      if (Date.now() > end) throw new Error(`outputs did not arrive in time; have ${this.outputs.length}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
