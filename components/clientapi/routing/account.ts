import type Koa from "koa";
import type { RequestState } from "../../internal/http/app.js";
import { authenticate } from "../../internal/http/auth.js";
import type { Router } from "../../internal/http/router.js";
import { PASSWORD_FLOWS } from "../auth/interactive-auth.js";
import { checkNewPassword } from "../password-rules.js";
import { optional, required } from "../validate.js";
import { route, type RouteDeps } from "./deps.js";

/** GET /account/whoami, POST /account/password, POST /account/deactivate. */
export function addAccountRoutes(router: Router, deps: RouteDeps): void {
  router.get(
    "/_matrix/client/v3/account/whoami",
    route([authenticate(deps.lookupToken, { allowGuests: true })], (ctx: Koa.Context) => {
      const user = (ctx.state as RequestState).user!;
      ctx.body = { user_id: user.userId, device_id: user.deviceId, is_guest: user.isGuest };
    }),
  );

  const signedIn = authenticate(deps.lookupToken);

  router.post(
    "/_matrix/client/v3/account/password",
    route([signedIn, deps.limits.write], async (ctx: Koa.Context) => {
      const { user, body } = ctx.state as RequestState;
      const password = required(body, "new_password", "string");
      const logoutDevices = optional(body, "logout_devices", "boolean") ?? true;
      checkNewPassword(password);
      // The spec: other devices are logged out, the one making the change stays signed in.
      await deps.interactiveAuth.authorise(ctx, { operation: "change_password", flows: PASSWORD_FLOWS, user }, () =>
        deps.userApi().accounts.setPassword(user!.userId, password, { logoutDevices, keepDeviceId: user!.deviceId }),
      );
      ctx.body = {};
    }),
  );

  router.post(
    "/_matrix/client/v3/account/deactivate",
    route([signedIn, deps.limits.write], async (ctx: Koa.Context) => {
      const { user, body } = ctx.state as RequestState;
      optional(body, "erase", "boolean");
      optional(body, "id_server", "string");
      await deps.interactiveAuth.authorise(ctx, { operation: "deactivate", flows: PASSWORD_FLOWS, user }, () =>
        deps.userApi().accounts.deactivateAccount(user!.userId),
      );
      await deps.rooms.leaveAllRooms(user!.userId);
      // No identity server is bound by this server, so there is nothing to unbind.
      ctx.body = { id_server_unbind_result: "no-support" };
    }),
  );
}
