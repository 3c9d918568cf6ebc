import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { performed } from "../errors/roomserver-errors.js";
import { profileContent } from "../rooms/member-content.js";
import type { RouteDeps } from "./deps.js";

/**
 * POST /createRoom. The roomserver parses and checks the body (one parser for every caller:
 * wrong types 400 M_BAD_JSON, bad IDs M_INVALID_PARAM, unknown versions
 * M_UNSUPPORTED_ROOM_VERSION, a taken alias M_ROOM_IN_USE) and auth-checks every event
 * before storing any, so a refused request leaves nothing behind. The creator's join shows
 * their display name and avatar, as every join does.
 */
export function addCreateRoomRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  routes.post("/_matrix/client/v3/createRoom", { access: "user", middleware: [deps.limits.write] }, async ({ ctx, user, body }) => {
    const answer = performed(
      await deps.roomserver().performCreateRoom({
        creator: user.userId,
        requestJson: JSON.stringify(body),
        roomId: "",
        transactionId: undefined,
        creatorMemberContentJson: JSON.stringify(await profileContent(deps.userApi().profiles, user.userId)),
      }),
    );
    ctx.body = { room_id: answer.roomId };
  });
}
