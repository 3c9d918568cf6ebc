import type { Config } from "../../internal/config/types.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";

/** Where clients reach this server: the configured public base URL, never a guess. */
export function wellKnownClient(config: Config) {
  return { "m.homeserver": { base_url: config.public_base_url! } };
}

/** GET /.well-known/matrix/client (client discovery). */
export function addWellKnownRoutes(routes: TypedRoutes, config: Config): void {
  routes.get("/.well-known/matrix/client", { access: "public" }, ({ ctx }) => {
    ctx.body = wellKnownClient(config);
  });
}
