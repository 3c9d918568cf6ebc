import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import type { MediaRouteDeps } from "./deps.js";

/** GET /_matrix/client/v1/media/config: the largest upload accepted. */
export function addConfigRoutes(routes: TypedRoutes, deps: MediaRouteDeps): void {
  routes.get("/_matrix/client/v1/media/config", { access: "guest" }, ({ ctx }) => {
    ctx.body = { "m.upload.size": deps.maxUploadBytes };
  });
}
