import type Koa from "koa";
import type { RequestState } from "../../internal/http/app.js";
import { requireUser } from "../../internal/http/auth.js";
import { notFound } from "../../internal/http/matrix-error.js";
import type { Router } from "../../internal/http/router.js";
import { encodeHistoryToken } from "../streams/positions.js";
import type { SyncRouteDeps } from "./deps.js";
import { directionParam, historyTokenParam, intParam, query } from "./params.js";
import { roomAccess } from "./room-access.js";
import { selectRelations } from "../storage/events.js";

/** GET /v1/rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]: children of an event the user may see. */
export function addRelationRoutes(router: Router, deps: SyncRouteDeps): void {
  const handler = async (ctx: Koa.Context) => {
    const user = await requireUser(ctx, deps.lookupToken, { allowGuests: true });
    const { roomId, eventId, relType, eventType } = (ctx.state as RequestState).params;
    const q = deps.store.db;
    const now = deps.notifier.positions().pdu;
    const access = await roomAccess(q, deps.store, user.userId, roomId!, now).catch(() => null);
    const [parent] = await deps.store.events.byIds(q, [eventId!]);
    if (!access || !parent || parent.roomId !== roomId || !access.view.maySee(parent)) throw notFound("Event not found or you may not see it");
    const backwards = directionParam(query(ctx, "dir"), "b") === "b";
    const limit = intParam(query(ctx, "limit"), "limit", 50, 1000);
    const from = historyTokenParam(query(ctx, "from"), "from") ?? (backwards ? access.upTo : 0);
    const to = historyTokenParam(query(ctx, "to"), "to");
    const range = backwards ? { after: to ?? 0, upTo: Math.min(from, access.upTo) } : { after: from, upTo: Math.min(to ?? now, access.upTo) };
    const page = await selectRelations(q, eventId!, { relType, eventType, ...range, backwards, limit });
    const body: Record<string, unknown> = {
      chunk: await deps.formatter.format(q, access.view.filter(page).filter((e) => e.roomId === roomId), { device: { userId: user.userId, deviceId: user.deviceId } }),
    };
    const last = page.at(-1);
    if (last && page.length === limit) body.next_batch = encodeHistoryToken(backwards ? last.position - 1 : last.position);
    if (query(ctx, "from")) body.prev_batch = query(ctx, "from");
    ctx.body = body;
  };
  router.get("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}", handler);
  router.get("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}", handler);
  router.get("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}", handler);
}
