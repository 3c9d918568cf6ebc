import type { ComponentDeps } from "../../internal/component.js";
import type { KeyProvider } from "../api/keys.js";
import { InputConsumer } from "../consumers/input-consumer.js";
import { Authoriser } from "../input/authorise.js";
import { LatestEventsUpdater } from "../input/latest-events.js";
import { OutputWriter } from "../producers/output-writer.js";
import { InputProcessor } from "../input/processor.js";
import { Redactions } from "../input/redactions.js";
import { TemplateCompleter } from "../input/template-completer.js";
import { TemplateInputs } from "../input/template-inputs.js";
import { OutboxPublisher } from "../producers/outbox-publisher.js";
import { EventStore } from "../state/event-store.js";
import { StoredKeyProvider } from "../state/key-provider.js";
import { RoomStore } from "../state/room-store.js";
import { SnapshotStore } from "../state/snapshots.js";
import { StateCalculator } from "../state/state-calculator.js";

/** The roomserver's parts, shared by its input pipeline, queries and perform services. */
export interface RoomserverCore {
  readonly deps: ComponentDeps;
  readonly rooms: RoomStore;
  readonly events: EventStore;
  readonly snapshots: SnapshotStore;
  readonly state: StateCalculator;
  readonly outbox: OutboxPublisher;
  readonly outputs: OutputWriter;
}

export function createRoomserverCore(deps: ComponentDeps, keys?: KeyProvider) {
  const serverName = deps.config.server_name;
  const authOptions = {};
  const rooms = new RoomStore();
  const events = new EventStore();
  const snapshots = new SnapshotStore();
  const state = new StateCalculator(events, snapshots, authOptions);
  const outbox = new OutboxPublisher(deps.db, deps.log, deps.logger.child({ part: "outbox" }));
  const outputs = new OutputWriter(outbox, serverName);
  const redactions = new Redactions(events, state, outputs);
  const processor = new InputProcessor({
    rooms,
    events,
    snapshots,
    state,
    authoriser: new Authoriser(state, authOptions),
    latest: new LatestEventsUpdater(rooms, events, snapshots, state, outputs, serverName),
    redactions,
    outputs,
    keys: keys ?? new StoredKeyProvider(deps.db, serverName, deps.signingKey),
    logger: deps.logger,
  });
  const completer = new TemplateCompleter(rooms, events, snapshots, state, serverName, deps.signingKey);
  const templates = new TemplateInputs(completer, processor);
  const input = new InputConsumer(deps.db, deps.log, processor, templates, outbox, deps.logger.child({ part: "input" }));
  const core: RoomserverCore = { deps, rooms, events, snapshots, state, outbox, outputs };
  return { core, input, redactions };
}
