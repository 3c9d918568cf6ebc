import type { RoomEvent } from "../events/event.js";
import { authEventIdsOf, isStateOf } from "./auth-events.js";
import { compareIds } from "./topological.js";
import type { EventLookup } from "./types.js";

/** The m.room.power_levels event among an event's auth events, if it cites one. */
function powerLevelsAuthEvent(event: RoomEvent, eventById: EventLookup): RoomEvent | undefined {
  for (const id of authEventIdsOf(event)) {
    const auth = eventById(id);
    if (auth !== undefined && isStateOf(auth, "m.room.power_levels")) return auth;
  }
  return undefined;
}

/**
 * Orders events by the spec's mainline ordering based on `powerLevels` (the power levels
 * event of the partially resolved state): events whose power-level ancestry joins the
 * mainline earlier (further from its head) come first, then origin_server_ts, then ID.
 * An event whose ancestry never meets the mainline has position infinity and sorts first.
 */
export function mainlineOrder(events: readonly RoomEvent[], powerLevels: RoomEvent | undefined, eventById: EventLookup): RoomEvent[] {
  if (events.length === 0) return [];

  // Position 0 is the head P0, 1 its power levels auth event, and so on to the room's first.
  const mainline = new Map<string, number>();
  for (let p = powerLevels, i = 0; p !== undefined && !mainline.has(p.eventId); p = powerLevelsAuthEvent(p, eventById), i++) {
    mainline.set(p.eventId, i);
  }

  // For a power levels event Q: the mainline position first met walking Q, Q's power
  // levels auth event, ... Memoised because many events share the same ancestry.
  const joinsAt = new Map<string, number>();
  const positionFrom = (start: RoomEvent | undefined): number => {
    const walked: string[] = [];
    let position = Number.POSITIVE_INFINITY;
    for (let p = start; p !== undefined; p = powerLevelsAuthEvent(p, eventById)) {
      const onMainline = mainline.get(p.eventId);
      if (onMainline !== undefined) {
        position = onMainline;
        break;
      }
      const known = joinsAt.get(p.eventId);
      if (known !== undefined) {
        position = known;
        break;
      }
      if (walked.includes(p.eventId)) break; // a cycle: never meets the mainline
      walked.push(p.eventId);
    }
    for (const id of walked) joinsAt.set(id, position);
    return position;
  };

  // The event itself (e0) is not part of its own list: start at its power levels auth event.
  const position = new Map<RoomEvent, number>();
  for (const event of events) position.set(event, positionFrom(powerLevelsAuthEvent(event, eventById)));

  const byPositionDescending = (x: number, y: number): number => (x === y ? 0 : x > y ? -1 : 1);
  return [...events].sort(
    (x, y) =>
      byPositionDescending(position.get(x)!, position.get(y)!) || x.originServerTs - y.originServerTs || compareIds(x.eventId, y.eventId),
  );
}
