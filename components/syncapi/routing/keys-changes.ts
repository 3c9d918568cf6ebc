import { invalidParam } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { decodeSyncToken } from "../streams/positions.js";
import { keysChangedBetween } from "../sync/device-list-changes.js";
import type { SyncRouteDeps } from "./deps.js";

/**
 * GET /keys/changes: served here rather than beside the other key endpoints in the
 * clientapi because `from` and `to` are sync tokens, positions in this component's streams,
 * and the answer comes from its record of key changes and memberships.
 */
export function addKeysChangesRoutes(routes: TypedRoutes, deps: SyncRouteDeps): void {
  routes.get("/_matrix/client/v3/keys/changes", { access: "guest" }, async ({ ctx, user }) => {
    const token = (name: string) => {
      const value = ctx.query[name];
      if (typeof value !== "string") throw invalidParam(`${name} must be given once, as a sync token`);
      const positions = decodeSyncToken(value);
      if (!positions) throw invalidParam(`${name} is not a sync token of this server`);
      return positions;
    };
    const from = token("from");
    const to = token("to");
    ctx.body = await keysChangedBetween(deps.store.db, user.userId, from, to);
  });
}
