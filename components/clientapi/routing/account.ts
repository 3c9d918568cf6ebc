import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { PASSWORD_FLOWS } from "../auth/interactive-auth.js";
import { checkNewPassword } from "../auth/password-rules.js";
import { optional, required } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";

/** GET /account/whoami, POST /account/password, POST /account/deactivate. */
export function addAccountRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  routes.get("/_matrix/client/v3/account/whoami", { access: "guest" }, ({ ctx, user }) => {
    ctx.body = { user_id: user.userId, device_id: user.deviceId, is_guest: user.isGuest };
  });

  const writes = { access: "user", middleware: [deps.limits.write] } as const;

  routes.post("/_matrix/client/v3/account/password", writes, async (request) => {
    const { ctx, user, body } = request;
    const password = required(body, "new_password", "string");
    const logoutDevices = optional(body, "logout_devices", "boolean") ?? true;
    checkNewPassword(password);
    // The spec: other devices are logged out, the one making the change stays signed in.
    await deps.interactiveAuth.authorise(request, { operation: "change_password", flows: PASSWORD_FLOWS, user }, () =>
      deps.userApi().accounts.setPassword(user.userId, password, { logoutDevices, keepDeviceId: user.deviceId }),
    );
    ctx.body = {};
  });

  routes.post("/_matrix/client/v3/account/deactivate", writes, async (request) => {
    const { ctx, user, body } = request;
    optional(body, "erase", "boolean");
    optional(body, "id_server", "string");
    await deps.interactiveAuth.authorise(request, { operation: "deactivate", flows: PASSWORD_FLOWS, user }, () =>
      deps.userApi().accounts.deactivateAccount(user.userId),
    );
    await deps.rooms.leaveAllRooms(user.userId);
    // No identity server is bound by this server, so there is nothing to unbind.
    ctx.body = { id_server_unbind_result: "no-support" };
  });
}
