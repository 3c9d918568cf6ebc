import { requireSelf } from "../../internal/http/auth.js";
import { invalidParam } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { requireJoined } from "../rooms/room-access.js";
import { checkRoomId, optional, required } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";

/** Typing ends by itself after at most this long, whatever the client asks: a client that dies stops "typing". */
export const MAX_TYPING_TIMEOUT_MS = 60_000;
/** When the client gives no timeout. */
const DEFAULT_TYPING_TIMEOUT_MS = 30_000;

/** PUT /rooms/{roomId}/typing/{userId}: announced on OutputTypingEvent for the readers. */
export function addTypingRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  const writes = { access: "guest", middleware: [deps.limits.write] } as const;
  routes.put("/_matrix/client/v3/rooms/{roomId}/typing/{userId}", writes, async ({ ctx, user, params, body }) => {
    const roomId = checkRoomId(params.roomId);
    requireSelf(user, params.userId, "set typing");
    const typing = required(body, "typing", "boolean");
    const timeout = optional(body, "timeout", "integer") ?? DEFAULT_TYPING_TIMEOUT_MS;
    if (timeout < 0) throw invalidParam("timeout must not be negative");
    await requireJoined(deps.roomserver(), roomId, user.userId);
    const expiresAtMs = typing ? Date.now() + Math.min(timeout, MAX_TYPING_TIMEOUT_MS) : 0;
    await deps.edus.typing({ roomId, userId: user.userId, typing, expiresAtMs });
    ctx.body = {};
  });
}
