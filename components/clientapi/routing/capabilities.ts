import type Koa from "koa";
import { authenticate } from "../../internal/http/auth.js";
import type { Router } from "../../internal/http/router.js";
import { ROOM_VERSIONS } from "../../protocol/index.js";
import { route, type RouteDeps } from "./deps.js";

/** What this server lets clients do: room versions from the protocol library's table, the default from the config. */
export function capabilities(defaultRoomVersion: string) {
  const available: Record<string, "stable" | "unstable"> = {};
  for (const [id, version] of ROOM_VERSIONS) available[id] = version.stable ? "stable" : "unstable";
  return {
    "m.change_password": { enabled: true },
    "m.room_versions": { default: defaultRoomVersion, available },
    "m.set_displayname": { enabled: true },
    "m.set_avatar_url": { enabled: true },
    "m.3pid_changes": { enabled: false },
    "m.get_login_token": { enabled: false },
    "m.profile_fields": { enabled: true },
  };
}

/** GET /capabilities. */
export function addCapabilitiesRoutes(router: Router, deps: RouteDeps): void {
  router.get(
    "/_matrix/client/v3/capabilities",
    route([authenticate(deps.lookupToken)], (ctx: Koa.Context) => {
      ctx.body = { capabilities: capabilities(deps.config.rooms.default_version) };
    }),
  );
}
