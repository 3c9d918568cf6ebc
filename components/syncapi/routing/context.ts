import type { AuthenticatedUser } from "../../internal/http/auth.js";
import { forbidden, notFound } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { encodeHistoryToken } from "../streams/positions.js";
import type { SyncRouteDeps } from "./deps.js";
import { membersOf } from "./messages.js";
import { ignoringUsers } from "../sync/filter.js";
import { intParam, query, roomEventFilterParam } from "./params.js";
import { roomAccess, stateAt } from "./room-access.js";
import { selectTimelinePage } from "../storage/events.js";

/**
 * GET /rooms/{roomId}/event/{eventId} and GET /rooms/{roomId}/context/{eventId}. /event is 404
 * for what the user may not see (the spec lists no 403 for it); /context is 403 for a room or
 * an event the user may not see, as Synapse answers and clients and conformance suites expect, and 404
 * only for an event the room does not have.
 */
export function addEventRoutes(routes: TypedRoutes, deps: SyncRouteDeps): void {
  const visibleEvent = async (user: AuthenticatedUser, params: { roomId: string; eventId: string }, hidden: "notFound" | "forbidden") => {
    const q = deps.store.db;
    const access = await roomAccess(q, deps.store, user.userId, params.roomId, deps.notifier.positions().pdu).catch(() => null);
    const deny = hidden === "forbidden" ? forbidden("You may not see this event") : notFound("Event not found or you may not see it");
    if (!access) throw deny;
    const [event] = await deps.store.events.byIds(q, [params.eventId]);
    if (!event || event.roomId !== params.roomId) throw notFound("Event not found");
    if (!access.view.maySee(event)) throw deny;
    return { event, access };
  };

  routes.get("/_matrix/client/v3/rooms/{roomId}/event/{eventId}", { access: "guest" }, async ({ ctx, user, params }) => {
    const { event } = await visibleEvent(user, params, "notFound");
    const [formatted] = await deps.formatter.format(deps.store.db, [event], { device: { userId: user.userId, deviceId: user.deviceId } });
    ctx.body = formatted;
  });

  routes.get("/_matrix/client/v3/rooms/{roomId}/context/{eventId}", { access: "guest" }, async ({ ctx, user, params }) => {
    const { event, access } = await visibleEvent(user, params, "forbidden");
    const q = deps.store.db;
    const limit = intParam(query(ctx, "limit"), "limit", 10, 100);
    const filter = ignoringUsers(roomEventFilterParam(query(ctx, "filter")), await deps.store.ignoredUsers.of(q, user.userId));
    const roomId = event.roomId;
    const beforeCount = Math.floor(limit / 2);
    const before = await selectTimelinePage(q, roomId, { after: 0, upTo: event.position - 1 }, true, beforeCount, filter);
    const after = await selectTimelinePage(q, roomId, { after: event.position, upTo: access.upTo }, false, limit - beforeCount, filter);
    const visibleBefore = access.view.filter(before);
    const visibleAfter = access.view.filter(after);
    const lastPosition = after.at(-1)?.position ?? event.position;
    const state = filter?.lazy_load_members
      ? await membersOf(deps, roomId, [...visibleBefore, event, ...visibleAfter], filter)
      : await stateAt(q, deps.store, roomId, lastPosition);
    const format = { device: { userId: user.userId, deviceId: user.deviceId } };
    ctx.body = {
      start: encodeHistoryToken((before.at(-1)?.position ?? event.position) - 1),
      end: encodeHistoryToken(lastPosition),
      events_before: await deps.formatter.format(q, visibleBefore, format),
      event: (await deps.formatter.format(q, [event], format))[0],
      events_after: await deps.formatter.format(q, visibleAfter, format),
      state: await deps.formatter.format(q, state, format),
    };
  });
}
