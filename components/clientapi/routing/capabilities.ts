import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { ROOM_VERSIONS } from "../../protocol/index.js";
import type { RouteDeps } from "./deps.js";

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
export function addCapabilitiesRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  routes.get("/_matrix/client/v3/capabilities", { access: "user" }, ({ ctx }) => {
    ctx.body = { capabilities: capabilities(deps.config.rooms.default_version) };
  });
}
