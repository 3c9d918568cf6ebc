import { requireSelf } from "../../internal/http/auth.js";
import { badJson, forbidden, MatrixError, notFound } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { PRESENCE_STATES } from "../producers/presence.js";
import type { SyncRouteDeps } from "./deps.js";
import { selectPresence } from "../storage/presence.js";
import { selectUsersSharingRooms } from "../storage/state.js";

/** How long PUT waits for its change to be stored, so a GET right after sees it. */
const APPLY_WAIT_MS = 5_000;

/** PUT/GET /presence/{userId}/status. */
export function addPresenceRoutes(routes: TypedRoutes, deps: SyncRouteDeps): void {
  routes.put(
    "/_matrix/client/v3/presence/{userId}/status",
    { access: "guest", middleware: [deps.writeLimit] },
    async ({ ctx, user, params, body }) => {
      requireSelf(user, params.userId, "set presence");
      if (typeof body.presence !== "string" || !PRESENCE_STATES.has(body.presence)) {
        throw new MatrixError(
          400,
          body.presence === undefined ? "M_MISSING_PARAM" : "M_INVALID_PARAM",
          'presence must be "online", "unavailable" or "offline"',
        );
      }
      if (body.status_msg !== undefined && body.status_msg !== null && typeof body.status_msg !== "string")
        throw badJson("status_msg must be a string");
      const published = await deps.presence.set(user.userId, body.presence, (body.status_msg as string | undefined) ?? undefined);
      await waitUntilStored(deps, user.userId, published.lastActiveTs);
      ctx.body = {};
    },
  );

  routes.get("/_matrix/client/v3/presence/{userId}/status", { access: "guest" }, async ({ ctx, user, params }) => {
    const target = params.userId;
    const q = deps.store.db;
    if (target !== user.userId && !(await selectUsersSharingRooms(q, user.userId)).includes(target)) {
      throw forbidden("You are not allowed to see their presence");
    }
    const p = await selectPresence(q, target);
    if (!p) {
      if (!(await deps.userApi().profiles.getProfile(target))) throw notFound("Unknown user");
      ctx.body = { presence: "offline" };
      return;
    }
    ctx.body = {
      presence: p.presence,
      last_active_ago: Math.max(0, Date.now() - p.lastActiveTs),
      currently_active: p.currentlyActive,
      ...(p.statusMsg ? { status_msg: p.statusMsg } : {}),
    };
  });
}

async function waitUntilStored(deps: SyncRouteDeps, userId: string, lastActiveTs: number): Promise<void> {
  const deadline = Date.now() + APPLY_WAIT_MS;
  while (Date.now() < deadline) {
    const version = deps.notifier.version(userId);
    const stored = await selectPresence(deps.store.db, userId);
    if (stored && stored.lastActiveTs >= lastActiveTs) return;
    await deps.notifier.waitFor(userId, version, deadline - Date.now());
  }
}
