import type { TypedRoutes } from "../../internal/http/typed-routes.js";

/**
 * The client-server spec versions this server announces. All of them use the
 * `/_matrix/client/v3` (and `/v1`) paths the routes here serve; the legacy r0.x versions,
 * whose `/r0/` paths are not served, are deliberately absent.
 */
export const CLIENT_SPEC_VERSIONS: readonly string[] = Array.from({ length: 16 }, (_, i) => `v1.${i + 1}`);

/** Unstable features a client may rely on; none yet. */
export const UNSTABLE_FEATURES: Readonly<Record<string, boolean>> = {};

export function addVersionsRoutes(routes: TypedRoutes): void {
  routes.get("/_matrix/client/versions", { access: "public" }, ({ ctx }) => {
    ctx.body = { versions: CLIENT_SPEC_VERSIONS, unstable_features: UNSTABLE_FEATURES };
  });
}
