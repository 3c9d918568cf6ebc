import type Koa from "koa";
import type { RequestState } from "../../internal/http/app.js";
import { requireUser } from "../../internal/http/auth.js";
import type { Router } from "../../internal/http/router.js";
import type { SyncRouteDeps } from "./deps.js";
import { roomAccess, stateAt } from "./room-access.js";

/**
 * GET /rooms/{roomId}/state: now, or where the user left. One state event
 * (/state/{eventType}/{stateKey}) is the clientapi's, beside its PUT, because an Ingress
 * routes by path only (components/clientapi/routing/room-state.ts).
 */
export function addStateRoutes(router: Router, deps: SyncRouteDeps): void {
  router.get("/_matrix/client/v3/rooms/{roomId}/state", async (ctx: Koa.Context) => {
    const user = await requireUser(ctx, deps.lookupToken, { allowGuests: true });
    const roomId = (ctx.state as RequestState).params.roomId!;
    const q = deps.store.db;
    const access = await roomAccess(q, deps.store, user.userId, roomId, deps.notifier.positions().pdu);
    ctx.body = await deps.formatter.format(q, await stateAt(q, deps.store, roomId, access.upTo));
  });
}
