import { roomVersion } from "../../protocol/index.js";
import type * as q from "../api/queries.js";
import type { RoomserverCore } from "../core/roomserver-core.js";
import { toStoredEvent } from "./convert.js";
import { roomWithState, stateEventsOf } from "./rooms.js";

export async function queryEventsById(core: RoomserverCore, request: q.QueryEventsByIdRequest): Promise<q.QueryEventsByIdResponse> {
  const ids = [...new Set(request.eventIds)];
  const found = await core.events.byIds(core.deps.db, ids);
  return { events: ids.flatMap((id) => (found.has(id) ? [toStoredEvent(found.get(id)!)] : [])) };
}

/**
 * The state after the given events, as the state before a new event citing them all as
 * prev_events would be: resolved with the room version's algorithm when their states
 * differ. No events means the empty state (what precedes a create event).
 */
export async function queryStateAfterEvents(
  core: RoomserverCore,
  request: q.QueryStateAfterEventsRequest,
): Promise<q.QueryStateAfterEventsResponse> {
  const db = core.deps.db;
  const room = await roomWithState(core, request.roomId);
  if (!room) return { roomExists: false, prevEventsExist: false, stateEvents: [] };
  const found = await core.events.byIds(db, request.eventIds);
  const events = request.eventIds.map((id) => found.get(id));
  const placed = events.every((e) => e !== undefined && e.record.roomNid === room.roomNid && e.record.stateBeforeNid !== null);
  if (!placed) return { roomExists: true, prevEventsExist: false, stateEvents: [] };
  const state = await core.state.stateAfterAll(
    db,
    roomVersion(room.roomVersion),
    events.map((e) => e!),
  );
  return { roomExists: true, prevEventsExist: true, stateEvents: await stateEventsOf(core, db, state!, request.stateTuples) };
}

export async function queryCurrentState(core: RoomserverCore, request: q.QueryCurrentStateRequest): Promise<q.QueryCurrentStateResponse> {
  const db = core.deps.db;
  const room = await roomWithState(core, request.roomId);
  if (!room) return { roomExists: false, stateEvents: [] };
  const current = await core.snapshots.load(db, room.currentSnapshotNid);
  return { roomExists: true, stateEvents: await stateEventsOf(core, db, current, request.stateTuples) };
}
