import { type ProtocolEvent, type RoomEvent, type StateKey, parseEvent, stateKeyOf } from "../../protocol/index.js";
import type { StoredEvent } from "./queries.js";

/** An event as the queries return it, parsed in its room's version. */
export function parseStored(stored: StoredEvent): ProtocolEvent {
  return parseEvent(stored.eventJson, stored.roomVersion);
}

/** State events as the queries return them, parsed and keyed by (type, state_key). */
export function stateMapOf(stored: readonly StoredEvent[]): Map<StateKey, RoomEvent> {
  const state = new Map<StateKey, RoomEvent>();
  for (const s of stored) {
    const event = parseStored(s);
    state.set(stateKeyOf(event.type, event.stateKey ?? ""), event);
  }
  return state;
}
