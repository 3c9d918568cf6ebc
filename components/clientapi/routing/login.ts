import type { Config } from "../../internal/config/types.js";
import { MatrixError } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { localpartOfLogin } from "../auth/identifier.js";
import { optionalBoundedString, required } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";
import { wellKnownClient } from "./well-known.js";

/** Limits on what clients name devices; Synapse uses the same. */
export const MAX_DEVICE_NAME_LENGTH = 100;
export const MAX_DEVICE_ID_LENGTH = 255;

/** The body of a successful login or registration, with the base URL clients should use. */
export function loginResponse(config: Config, userId: string, device: { deviceId: string; accessToken: string }) {
  return {
    user_id: userId,
    access_token: device.accessToken,
    device_id: device.deviceId,
    home_server: config.server_name,
    well_known: wellKnownClient(config),
  };
}

/** GET/POST /login, POST /logout and /logout/all. */
export function addLoginRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  routes.get("/_matrix/client/v3/login", { access: "public" }, ({ ctx }) => {
    ctx.body = { flows: [{ type: "m.login.password" }] };
  });

  routes.post("/_matrix/client/v3/login", { access: "public", middleware: [deps.limits.auth] }, async ({ ctx, body }) => {
    const type = required(body, "type", "string");
    if (type !== "m.login.password") throw new MatrixError(400, "M_UNKNOWN", `login type ${type} is not supported`);
    const localpart = localpartOfLogin(body, deps.config.server_name);
    const password = required(body, "password", "string");
    const deviceId = optionalBoundedString(body, "device_id", MAX_DEVICE_ID_LENGTH);
    const displayName = optionalBoundedString(body, "initial_device_display_name", MAX_DEVICE_NAME_LENGTH);
    const account = await deps.userApi().accounts.checkPassword(localpart, password);
    const device = await deps.userApi().devices.createDevice({ userId: account.userId, deviceId, displayName, ip: ctx.ip });
    ctx.body = loginResponse(deps.config, account.userId, device);
  });

  routes.post("/_matrix/client/v3/logout", { access: "guest" }, async ({ ctx, user }) => {
    await deps.userApi().devices.deleteDevices(user.userId, [user.deviceId]);
    ctx.body = {};
  });
  routes.post("/_matrix/client/v3/logout/all", { access: "guest" }, async ({ ctx, user }) => {
    await deps.userApi().devices.deleteAllDevices(user.userId);
    ctx.body = {};
  });
}
