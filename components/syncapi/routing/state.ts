import type Koa from "koa";
import type { RequestState } from "../../internal/http/app.js";
import { requireUser } from "../../internal/http/auth.js";
import { notFound } from "../../internal/http/matrix-error.js";
import type { Router } from "../../internal/http/router.js";
import type { SyncRouteDeps } from "./deps.js";
import { query } from "./params.js";
import { roomAccess, stateAt } from "./room-access.js";

/** GET /rooms/{roomId}/state and /state/{eventType}/{stateKey}: now, or where the user left. */
export function addStateRoutes(router: Router, deps: SyncRouteDeps): void {
  const readState = async (ctx: Koa.Context) => {
    const user = await requireUser(ctx, deps.lookupToken, { allowGuests: true });
    const roomId = (ctx.state as RequestState).params.roomId!;
    const q = deps.store.db;
    const access = await roomAccess(q, deps.store, user.userId, roomId, deps.notifier.positions().pdu);
    return stateAt(q, deps.store, roomId, access.upTo);
  };

  router.get("/_matrix/client/v3/rooms/{roomId}/state", async (ctx: Koa.Context) => {
    const state = await readState(ctx);
    ctx.body = await deps.formatter.format(deps.store.db, state);
  });

  const one = async (ctx: Koa.Context) => {
    const state = await readState(ctx);
    const { eventType, stateKey } = (ctx.state as RequestState).params;
    const event = state.find((e) => e.type === eventType && e.stateKey === (stateKey ?? ""));
    if (!event) throw notFound("No such state event");
    if (query(ctx, "format") === "event") ctx.body = (await deps.formatter.format(deps.store.db, [event]))[0];
    else ctx.body = event.json.content ?? {};
  };
  router.get("/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}", one);
  router.get("/_matrix/client/v3/rooms/{roomId}/state/{eventType}", one);
  router.get("/_matrix/client/v3/rooms/{roomId}/state/{eventType}/", one);
}
