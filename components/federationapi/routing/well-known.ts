import { notFound } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";

/**
 * `GET /.well-known/matrix/server` (spec: server discovery, step 3): delegation to where this
 * server is reached, when the operator configured one (`federation.well_known_server`).
 * Without one, 404 tells other servers to go on to SRV and port 8448.
 */
export function addWellKnownServerRoute(routes: TypedRoutes, delegatedServer: string | null): void {
  routes.get("/.well-known/matrix/server", { access: "public" }, ({ ctx }) => {
    if (delegatedServer === null) throw notFound("no server delegation is configured");
    // Cached by other servers per these headers (spec: 24 h when none are given).
    ctx.set("Cache-Control", "max-age=86400");
    ctx.body = { "m.server": delegatedServer };
  });
}
