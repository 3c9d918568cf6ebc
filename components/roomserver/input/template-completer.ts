import {
  type JsonObject,
  MAX_PREV_EVENTS,
  ProtocolError,
  type ProtocolEvent,
  type RoomEvent,
  type SigningKey,
  type StateKey,
  authStateNeeded,
  checkAuth,
  parseCanonicalJson,
  roomVersion,
  stateKeyOf,
} from "../../protocol/index.js";
import type { EventTemplate } from "../api/input.js";
import { buildAt, templateOf, type EventSketch, type RoomPosition } from "../api/event-builder.js";
import { badJson, fromProtocolError, invalidParam, roomNotKnown } from "../api/perform-failure.js";
import type { UnitOfWork } from "../storage/unit-of-work.js";
import type { EventStore } from "../state/event-store.js";
import type { RoomStore } from "../state/room-store.js";
import type { SnapshotStore } from "../state/snapshots.js";
import type { StateCalculator } from "../state/state-calculator.js";
import { unstorableFieldOf } from "./storable-event.js";

/**
 * Turns a writer's template into a signed event at the room's edge as the input
 * transaction sees it: the forward extremities as prev events (so one room's templates
 * chain one after another), a depth above them, auth events from the current state (and
 * the create event, which the auth rules read in every version).
 * Throws a PerformFailure (the client's error) when the template cannot become an event:
 * an unknown room, content that is not an event's, or a refusal by the auth rules — then
 * nothing is stored, since nobody but the writer ever saw the event.
 */
export class TemplateCompleter {
  constructor(
    private readonly rooms: RoomStore,
    private readonly events: EventStore,
    private readonly snapshots: SnapshotStore,
    private readonly state: StateCalculator,
    private readonly serverName: string,
    private readonly signingKey: SigningKey,
  ) {}

  async complete(uow: UnitOfWork, template: EventTemplate): Promise<ProtocolEvent> {
    const q = uow.q;
    const room = await this.rooms.inTransaction(uow, template.roomId);
    // A room known only from outliers (an invite from elsewhere) has no edge to build on.
    if (!room || room.latestEventNids.length === 0) throw roomNotKnown(template.roomId);
    const version = roomVersion(room.roomVersion);
    const sketch = sketchOf(template, version.strictCanonicalJson);

    // Busy rooms can have more extremities than an event may cite: the oldest are cited,
    // so every extremity is merged in turn instead of lingering.
    const cited = room.latestEventNids.slice(0, MAX_PREV_EVENTS);
    const prevs = await this.events.byNids(q, cited);
    const current = await this.snapshots.load(q, room.currentSnapshotNid);
    const keys = authStateNeeded(templateOf(sketch), version).map((t) => stateKeyOf(t.type, t.stateKey));
    const state = new Map<StateKey, RoomEvent>();
    for (const [key, loaded] of await this.state.eventsOf(q, current, keys)) state.set(key, loaded.event);
    const position: RoomPosition = {
      version,
      roomId: room.roomId,
      prevEvents: cited.map((nid) => prevs.get(nid)!.event),
      depth: Math.max(...cited.map((nid) => prevs.get(nid)!.record.depth)) + 1,
      state,
    };

    try {
      const event = buildAt(position, sketch, this.serverName, this.signingKey);
      const unstorable = unstorableFieldOf(event);
      if (unstorable) throw invalidParam(unstorable);
      checkAuth(event, state);
      return event;
    } catch (err) {
      if (err instanceof ProtocolError) throw fromProtocolError(err);
      throw err;
    }
  }
}

function sketchOf(template: EventTemplate, strict: boolean): EventSketch {
  let content: JsonObject;
  try {
    content = parseCanonicalJson(template.contentJson, { strict, requireObject: true });
  } catch (err) {
    throw badJson(`the event content is not valid JSON: ${(err as Error).message}`);
  }
  return {
    type: template.type,
    sender: template.sender,
    state_key: template.stateKey,
    content,
    redacts: template.redacts === "" ? undefined : template.redacts,
  };
}
