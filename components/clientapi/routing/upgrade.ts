import { badJson } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { upgradeRoom } from "../rooms/room-upgrade.js";
import { checkRoomId, checkUserId, optional, required } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";

/** POST /rooms/{roomId}/upgrade → {replacement_room}. */
export function addUpgradeRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  const writes = { access: "user", middleware: [deps.limits.write] } as const;
  routes.post("/_matrix/client/v3/rooms/{roomId}/upgrade", writes, async ({ ctx, user, params, body }) => {
    const roomId = checkRoomId(params.roomId);
    const newVersion = required(body, "new_version", "string");
    const extra = optional(body, "additional_creators", "array") ?? [];
    if (extra.some((u) => typeof u !== "string")) throw badJson("additional_creators must be an array of user IDs");
    const creators = (extra as string[]).map((u) => checkUserId(u, deps.config.server_name));
    const additionalCreators = [...new Set(creators)].filter((u) => u !== user.userId);
    const upgradeDeps = {
      roomserver: deps.roomserver,
      builder: deps.writer.builder,
      logger: deps.logger,
      userApi: deps.userApi,
      edus: deps.edus,
    };
    const replacement = await upgradeRoom(upgradeDeps, user.userId, roomId, newVersion, additionalCreators);
    ctx.body = { replacement_room: replacement };
  });
}
