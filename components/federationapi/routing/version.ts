import type Koa from "koa";
import type { Router } from "../../internal/http/router.js";
import { SERVER_SOFTWARE } from "../../internal/version.js";

export function addVersionRoutes(router: Router): void {
  router.get("/_matrix/federation/v1/version", (ctx: Koa.Context) => {
    ctx.body = { server: { name: SERVER_SOFTWARE.name, version: SERVER_SOFTWARE.version } };
  });
}
