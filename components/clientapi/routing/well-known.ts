import type Koa from "koa";
import type { Config } from "../../internal/config/types.js";
import type { Router } from "../../internal/http/router.js";

/** Where clients reach this server: the configured public base URL, never a guess. */
export function wellKnownClient(config: Config) {
  return { "m.homeserver": { base_url: config.public_base_url! } };
}

/** GET /.well-known/matrix/client (client discovery). */
export function addWellKnownRoutes(router: Router, config: Config): void {
  router.get("/.well-known/matrix/client", (ctx: Koa.Context) => {
    ctx.body = wellKnownClient(config);
  });
}
