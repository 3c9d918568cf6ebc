import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { encodeHistoryToken } from "../streams/positions.js";
import type { StoredEvent } from "../storage/events.js";
import { ignoringUsers, type RoomEventFilter } from "../sync/filter.js";
import type { SyncRouteDeps } from "./deps.js";
import { directionParam, historyTokenParam, intParam, query, roomEventFilterParam } from "./params.js";
import { roomAccess, stateAt } from "./room-access.js";
import { selectTimelinePage } from "../storage/events.js";

/**
 * GET /rooms/{roomId}/messages: a page of history in either direction between tokens, in
 * stream order, with only the events the user may see and wants to (not those of users they
 * ignore).
 */
export function addMessagesRoutes(routes: TypedRoutes, deps: SyncRouteDeps): void {
  routes.get("/_matrix/client/v3/rooms/{roomId}/messages", { access: "guest" }, async ({ ctx, user, params }) => {
    const { roomId } = params;
    const dir = directionParam(query(ctx, "dir"), "b");
    const limit = intParam(query(ctx, "limit"), "limit", 10, 1000);
    const q = deps.store.db;
    const filter = ignoringUsers(roomEventFilterParam(query(ctx, "filter")), await deps.store.ignoredUsers.of(q, user.userId));
    const now = deps.notifier.positions().pdu;
    const access = await roomAccess(q, deps.store, user.userId, roomId, now);
    const backwards = dir === "b";
    const from = historyTokenParam(query(ctx, "from"), "from") ?? (backwards ? now : 0);
    const to = historyTokenParam(query(ctx, "to"), "to");
    const range = backwards
      ? { after: to ?? 0, upTo: Math.min(from, access.upTo) }
      : { after: from, upTo: Math.min(to ?? now, access.upTo) };
    const page = range.after < range.upTo && limit > 0 ? await selectTimelinePage(q, roomId, range, backwards, limit, filter) : [];
    const visible = access.view.filter(page);
    const body: Record<string, unknown> = {
      start: query(ctx, "from") || encodeHistoryToken(from),
      chunk: await deps.formatter.format(q, visible, { device: { userId: user.userId, deviceId: user.deviceId } }),
    };
    const last = page.at(-1);
    if (last && page.length === limit) body.end = encodeHistoryToken(backwards ? last.position - 1 : last.position);
    if (filter?.lazy_load_members) body.state = await deps.formatter.format(q, await membersOf(deps, roomId, visible, filter));
    ctx.body = body;
  });
}

/** The member events of a page's senders, as of the page's newest event (lazy loading). */
export async function membersOf(
  deps: SyncRouteDeps,
  roomId: string,
  events: readonly StoredEvent[],
  filter: RoomEventFilter | undefined,
): Promise<StoredEvent[]> {
  if (events.length === 0 || !filter?.lazy_load_members) return [];
  const senders = new Set(events.map((e) => e.sender));
  const newest = Math.max(...events.map((e) => e.position));
  const state = await stateAt(deps.store.db, deps.store, roomId, newest);
  return state.filter((e) => e.type === "m.room.member" && e.stateKey !== null && senders.has(e.stateKey));
}
