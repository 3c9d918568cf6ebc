import type * as q from "../api/queries.js";
import type { RoomserverCore } from "../core/roomserver-core.js";
import type { LoadedEvent } from "../state/event-store.js";
import { byTopology, toStoredEvent } from "./convert.js";
import { roomWithState } from "./rooms.js";
import { eventsVisibleToServer } from "./visibility.js";

/** The spec's default for /get_missing_events; the cap bounds the walk whatever is asked. */
const DEFAULT_MISSING_LIMIT = 10;
const MAX_MISSING_LIMIT = 1000;

/**
 * The auth chains of the events: their auth events, recursively, oldest first. A given
 * event appears only if it is in another one's chain (as the create event is in all).
 */
export async function queryAuthChain(core: RoomserverCore, request: q.QueryAuthChainRequest): Promise<q.QueryAuthChainResponse> {
  const db = core.deps.db;
  const given = await core.events.byIds(db, request.eventIds);
  const chain = await core.state.loadAuthChains(
    db,
    [...given.values()].flatMap((e) => e.record.authEventNids),
  );
  return { authChain: [...chain.values()].sort(byTopology).map(toStoredEvent) };
}

/**
 * /get_missing_events: a breadth-first walk of prev_events back from latest_events (which
 * the asking server has, so they are not returned), not entering earliest_events, visiting
 * at most `limit` events. Of those, the ones the asking server may see and that were not
 * rejected are returned, oldest first.
 */
export async function queryMissingEvents(
  core: RoomserverCore,
  request: q.QueryMissingEventsRequest,
): Promise<q.QueryMissingEventsResponse> {
  const db = core.deps.db;
  const room = await roomWithState(core, request.roomId);
  if (!room) return { events: [] };
  const limit = Math.min(request.limit > 0 ? request.limit : DEFAULT_MISSING_LIMIT, MAX_MISSING_LIMIT);
  const seen = new Set([...request.earliestEvents, ...request.latestEvents]);
  const inRoom = (e: LoadedEvent | undefined): e is LoadedEvent => e !== undefined && e.record.roomNid === room.roomNid;

  const latest = await core.events.byIds(db, request.latestEvents);
  let frontier = [...latest.values()].filter(inRoom).flatMap((e) => e.record.prevEventIds);
  const walked: LoadedEvent[] = [];
  while (frontier.length > 0 && walked.length < limit) {
    const ids = [...new Set(frontier)].filter((id) => !seen.has(id));
    ids.forEach((id) => seen.add(id));
    const loaded = await core.events.byIds(db, ids);
    frontier = [];
    for (const event of ids.map((id) => loaded.get(id)).filter(inRoom)) {
      if (walked.length === limit) break;
      walked.push(event);
      frontier.push(...event.record.prevEventIds);
    }
  }
  const candidates = walked.filter((e) => e.record.status !== "rejected");
  const visible = await eventsVisibleToServer(core, db, candidates, request.serverName);
  return {
    events: candidates
      .filter((e) => visible.has(e.record.eventId))
      .sort(byTopology)
      .map(toStoredEvent),
  };
}

export async function queryServerAllowedToSeeEvent(
  core: RoomserverCore,
  request: q.QueryServerAllowedToSeeEventRequest,
): Promise<q.QueryServerAllowedToSeeEventResponse> {
  const db = core.deps.db;
  const event = (await core.events.byIds(db, [request.eventId])).get(request.eventId);
  if (!event) return { allowed: false };
  const visible = await eventsVisibleToServer(core, db, [event], request.serverName);
  return { allowed: visible.has(request.eventId) };
}
