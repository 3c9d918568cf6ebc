import type Koa from "koa";
import type { AuthenticatedUser } from "../../internal/http/auth.js";
import { notFound } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { encodeHistoryToken } from "../streams/positions.js";
import type { SyncRouteDeps } from "./deps.js";
import { directionParam, historyTokenParam, intParam, query } from "./params.js";
import { roomAccess } from "./room-access.js";
import { selectRelations } from "../storage/events.js";

/** GET /v1/rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]: children of an event the user may see. */
/** The path's parameters: the event, and optionally the relation type and the event type asked for. */
interface RelationParams {
  roomId: string;
  eventId: string;
  relType?: string;
  eventType?: string;
}

export function addRelationRoutes(routes: TypedRoutes, deps: SyncRouteDeps): void {
  const relations = async (ctx: Koa.Context, user: AuthenticatedUser, { roomId, eventId, relType, eventType }: RelationParams) => {
    const q = deps.store.db;
    const now = deps.notifier.positions().pdu;
    const access = await roomAccess(q, deps.store, user.userId, roomId, now).catch(() => null);
    const [parent] = await deps.store.events.byIds(q, [eventId]);
    if (!access || !parent || parent.roomId !== roomId || !access.view.maySee(parent))
      throw notFound("Event not found or you may not see it");
    const backwards = directionParam(query(ctx, "dir"), "b") === "b";
    const limit = intParam(query(ctx, "limit"), "limit", 50, 1000);
    const from = historyTokenParam(query(ctx, "from"), "from") ?? (backwards ? access.upTo : 0);
    const to = historyTokenParam(query(ctx, "to"), "to");
    const range = backwards
      ? { after: to ?? 0, upTo: Math.min(from, access.upTo) }
      : { after: from, upTo: Math.min(to ?? now, access.upTo) };
    const page = await selectRelations(q, eventId, { relType, eventType, ...range, backwards, limit });
    const body: Record<string, unknown> = {
      chunk: await deps.formatter.format(
        q,
        access.view.filter(page).filter((e) => e.roomId === roomId),
        { device: { userId: user.userId, deviceId: user.deviceId } },
      ),
    };
    const last = page.at(-1);
    if (last && page.length === limit) body.next_batch = encodeHistoryToken(backwards ? last.position - 1 : last.position);
    if (query(ctx, "from")) body.prev_batch = query(ctx, "from");
    ctx.body = body;
  };
  routes.get("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}", { access: "guest" }, ({ ctx, user, params }) =>
    relations(ctx, user, params),
  );
  routes.get("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}", { access: "guest" }, ({ ctx, user, params }) =>
    relations(ctx, user, params),
  );
  routes.get("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}", { access: "guest" }, ({ ctx, user, params }) =>
    relations(ctx, user, params),
  );
}
