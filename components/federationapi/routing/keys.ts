import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import type { OwnKeys } from "../keys/own-keys.js";

/**
 * The key server: `GET /_matrix/key/v2/server` needs no authentication (it is how servers
 * learn the keys that authenticate everything else). `/_matrix/key/v2/server/{keyId}` was
 * deprecated and removed from the spec (the response holds all keys); it is not served.
 */
export function addKeyServerRoutes(routes: TypedRoutes, ownKeys: OwnKeys): void {
  routes.get("/_matrix/key/v2/server", { access: "public" }, ({ ctx }) => {
    ctx.body = ownKeys.serverKeys();
  });
}
