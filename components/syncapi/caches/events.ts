import type { Queryable } from "../../internal/database/database.js";
import { containsUrl, selectEventsByIds, selectRecentPerRoom, type StoredEvent } from "../storage/events.js";
import { passesFilter, type RoomEventFilter } from "../sync/filter.js";
import type { RecentEvents } from "./recent-events.js";

/**
 * Reads of syncapi_events that the newest events in memory (`RecentEvents`, filled by the
 * room-event consumer after commit) can answer: they are answered from there when it can
 * tell for sure, and from the database otherwise.
 */
export class CachedEvents {
  constructor(private readonly recent: RecentEvents) {}

  async byIds(q: Queryable, eventIds: readonly string[]): Promise<StoredEvent[]> {
    const held: StoredEvent[] = [];
    const missing: string[] = [];
    for (const id of eventIds) {
      const event = this.recent.get(id);
      if (event) held.push(event);
      else missing.push(id);
    }
    if (missing.length === 0) return held;
    return [...held, ...(await selectEventsByIds(q, missing))];
  }

  /**
   * The newest `limit` timeline events of each room in (from, to], newest first, that pass
   * the filter: the memory's answers, and one query for every room it cannot answer for.
   */
  async recentPerRoom(
    q: Queryable,
    roomIds: readonly string[],
    from: number,
    to: number,
    limit: number,
    filter?: RoomEventFilter,
  ): Promise<Map<string, StoredEvent[]>> {
    if (roomIds.length === 0 || limit <= 0) return new Map();
    const pass = (e: StoredEvent) =>
      passesFilter(filter, {
        type: e.type,
        sender: e.sender,
        roomId: e.roomId,
        containsUrl: containsUrl(e.json),
        isState: e.stateKey !== null,
      });
    const out = new Map<string, StoredEvent[]>();
    const rest: string[] = [];
    for (const roomId of roomIds) {
      const events = this.recent.newest(roomId, from, to, limit, pass);
      if (events) out.set(roomId, events);
      else rest.push(roomId);
    }
    if (rest.length === 0) return out;
    for (const [roomId, events] of await selectRecentPerRoom(q, rest, from, to, limit, filter)) out.set(roomId, events);
    return out;
  }
}
