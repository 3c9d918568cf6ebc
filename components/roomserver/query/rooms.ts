import type { Queryable } from "../../internal/database/database.js";
import type { StateTuple, StoredEvent } from "../api/queries.js";
import type { RoomserverCore } from "../core/roomserver-core.js";
import type { RoomRecord } from "../storage/rooms.js";
import type { StateNids } from "../state/snapshots.js";
import { stateKeysOf, toStoredEvent } from "./convert.js";

/**
 * The room, if it has a DAG here. A room known only from outliers (an invite received
 * over federation) is a stub without extremities or state: for the queries it does not
 * exist, as a writer cannot build on it and a reader finds nothing in it.
 * Through RoomStore's cache: the roomserver is the rooms' only writer, and a read racing an
 * input's commit never puts an older row back over the one the input cached.
 */
export async function roomWithState(core: RoomserverCore, roomId: string): Promise<RoomRecord | null> {
  const room = await core.rooms.get(core.deps.db, roomId);
  return room && room.latestEventNids.length > 0 ? room : null;
}

/**
 * The events of `state` for the requested tuples, in the order asked (tuples the state
 * lacks are left out); every state event, ordered by key, when no tuple is given.
 */
export async function stateEventsOf(
  core: RoomserverCore,
  q: Queryable,
  state: StateNids,
  tuples: readonly StateTuple[],
): Promise<StoredEvent[]> {
  const keys = stateKeysOf(tuples) ?? [...state.keys()].sort();
  const loaded = await core.state.eventsOf(q, state, keys);
  return [...loaded.values()].map(toStoredEvent);
}
