import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import type { SyncRouteDeps } from "./deps.js";
import { roomAccess, stateAt } from "./room-access.js";

/**
 * GET /rooms/{roomId}/state: now, or where the user left. One state event
 * (/state/{eventType}/{stateKey}) is the clientapi's, beside its PUT, because an Ingress
 * routes by path only (components/clientapi/routing/room-state.ts).
 */
export function addStateRoutes(routes: TypedRoutes, deps: SyncRouteDeps): void {
  routes.get("/_matrix/client/v3/rooms/{roomId}/state", { access: "guest" }, async ({ ctx, user, params }) => {
    const { roomId } = params;
    const q = deps.store.db;
    const access = await roomAccess(q, deps.store, user.userId, roomId, deps.notifier.positions().pdu);
    ctx.body = await deps.formatter.format(q, await stateAt(q, deps.store, roomId, access.upTo));
  });
}
