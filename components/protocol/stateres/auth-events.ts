import type { RoomEvent } from "../events/event.js";
import { createEventIdOfRoom } from "../events/ids.js";

/**
 * The auth event IDs state resolution follows from an event. From room v12 the create
 * event is no longer listed in `auth_events` but is implied by the room ID
 * (`!hash` -> `$hash`), so it is added here: the auth chain, sender power level and
 * iterative auth checks all rely on seeing it. Cached because the same events are walked
 * many times during one resolution.
 */
const cache = new WeakMap<RoomEvent, readonly string[]>();

export function authEventIdsOf(event: RoomEvent): readonly string[] {
  if (!event.roomVersion.roomIdFromCreateEvent) return event.authEventIds;
  if (event.type === "m.room.create" && event.stateKey === "") return event.authEventIds;
  let ids = cache.get(event);
  if (ids === undefined) {
    const createId = createEventIdOfRoom(event.roomId);
    ids = event.authEventIds.includes(createId) ? event.authEventIds : [...event.authEventIds, createId];
    cache.set(event, ids);
  }
  return ids;
}

export function isStateOf(event: RoomEvent, type: string, stateKey = ""): boolean {
  return event.type === type && event.stateKey === stateKey;
}
