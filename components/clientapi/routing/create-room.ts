import type Koa from "koa";
import type { RequestState } from "../../internal/http/app.js";
import { authenticate } from "../../internal/http/auth.js";
import type { Router } from "../../internal/http/router.js";
import { performed } from "../roomserver-errors.js";
import { profileContent } from "../rooms/member-content.js";
import { route, type RouteDeps } from "./deps.js";

/**
 * POST /createRoom. The roomserver parses and checks the body (one parser for every caller:
 * wrong types 400 M_BAD_JSON, bad IDs M_INVALID_PARAM, unknown versions
 * M_UNSUPPORTED_ROOM_VERSION, a taken alias M_ROOM_IN_USE) and auth-checks every event
 * before storing any, so a refused request leaves nothing behind. The creator's join shows
 * their display name and avatar, as every join does.
 */
export function addCreateRoomRoutes(router: Router, deps: RouteDeps): void {
  router.post(
    "/_matrix/client/v3/createRoom",
    route([authenticate(deps.lookupToken), deps.limits.write], async (ctx: Koa.Context) => {
      const { user, body } = ctx.state as RequestState;
      const answer = performed(
        await deps.roomserver().performCreateRoom({
          creator: user!.userId,
          requestJson: JSON.stringify(body),
          roomId: "",
          transactionId: undefined,
          creatorMemberContentJson: JSON.stringify(await profileContent(deps.userApi().profiles, user!.userId)),
        }),
      );
      ctx.body = { room_id: answer.roomId };
    }),
  );
}
