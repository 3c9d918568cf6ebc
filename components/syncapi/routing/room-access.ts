import type { Queryable } from "../../internal/database/database.js";
import { forbidden } from "../../internal/http/matrix-error.js";
import type { StoredEvent } from "../storage/events.js";
import type { SyncStore } from "../caches/sync-store.js";
import { RoomHistoryView } from "../sync/visibility.js";
import { selectCurrentEventIds, selectStateChanges } from "../storage/state.js";

export interface RoomAccess {
  view: RoomHistoryView;
  /** The latest position whose state the user may read: now, or where they left. */
  upTo: number;
  joined: boolean;
}

/**
 * Who may read a room's history and state: members now; former members up to where they
 * left; anyone while the room is world_readable. Everyone else gets 403.
 */
export async function roomAccess(q: Queryable, store: SyncStore, userId: string, roomId: string, now: number): Promise<RoomAccess> {
  const history = await store.memberships.of(q, userId, [roomId]);
  const view = new RoomHistoryView(userId, history);
  const last = history.at(-1);
  if (last?.membership === "join") return { view, upTo: now, joined: true };
  if (await worldReadable(q, store, roomId)) return { view, upTo: now, joined: false };
  if (last && history.some((r) => r.membership === "join")) {
    return { view, upTo: last.position, joined: false };
  }
  throw forbidden("You are not allowed to read this room");
}

async function worldReadable(q: Queryable, store: SyncStore, roomId: string): Promise<boolean> {
  const ids = await selectCurrentEventIds(q, roomId, [{ type: "m.room.history_visibility", stateKey: "" }]);
  const [event] = await store.events.byIds(q, [...ids.values()]);
  return ((event?.json.content ?? {}) as Record<string, unknown>).history_visibility === "world_readable";
}

/** The room's state events at a position. */
export async function stateAt(q: Queryable, store: SyncStore, roomId: string, upTo: number): Promise<StoredEvent[]> {
  const changes = (await selectStateChanges(q, [{ roomId, after: 0, upTo }])).get(roomId) ?? [];
  const events = await store.events.byIds(
    q,
    changes.flatMap((c) => (c.eventId ? [c.eventId] : [])),
  );
  return events.sort((a, b) => a.position - b.position);
}
