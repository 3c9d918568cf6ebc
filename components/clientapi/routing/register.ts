import type Koa from "koa";
import type { RequestState } from "../../internal/http/app.js";
import { forbidden, invalidParam, MatrixError } from "../../internal/http/matrix-error.js";
import type { Router } from "../../internal/http/router.js";
import { isValidUserId, MAX_ID_BYTES } from "../../protocol/index.js";
import { DUMMY_FLOWS } from "../auth/interactive-auth.js";
import { missingParam, optional, optionalBoundedString } from "../validate.js";
import { loginResponse, MAX_DEVICE_ID_LENGTH, MAX_DEVICE_NAME_LENGTH } from "./login.js";
import { route, type RouteDeps } from "./deps.js";
import { checkNewPassword } from "../password-rules.js";

const invalidUsername = (message: string) => new MatrixError(400, "M_INVALID_USERNAME", message);
const userInUse = () => new MatrixError(400, "M_USER_IN_USE", "Desired user ID is already taken.");

/**
 * POST /register (accounts and guests) and GET /register/available. Account registration
 * runs through user-interactive auth with m.login.dummy when `registration.open` is on; the
 * user name is checked before that, as the spec asks, so a client hears M_USER_IN_USE first.
 */
export function addRegisterRoutes(router: Router, deps: RouteDeps): void {
  const { config } = deps;
  const accounts = () => deps.userApi().accounts;

  /** Lower-cased (user IDs are lower case), then checked against the grammar and for being free. */
  async function checkUsername(username: string): Promise<string> {
    const localpart = username.toLowerCase();
    const userId = `@${localpart}:${config.server_name}`;
    if (!isValidUserId(userId)) throw invalidUsername("User names may only contain a-z, 0-9, '.', '_', '=', '-', '/' and '+'");
    if (Buffer.byteLength(userId) > MAX_ID_BYTES) throw invalidUsername(`The user ID would be longer than ${MAX_ID_BYTES} bytes`);
    if (!(await accounts().isLocalpartAvailable(localpart))) throw userInUse();
    return localpart;
  }

  router.post(
    "/_matrix/client/v3/register",
    route([deps.limits.auth], async (ctx: Koa.Context) => {
      const body = (ctx.state as RequestState).body;
      const kind = ctx.query.kind ?? "user";
      if (kind !== "user" && kind !== "guest") throw invalidParam("kind must be user or guest");
      const displayName = optionalBoundedString(body, "initial_device_display_name", MAX_DEVICE_NAME_LENGTH);

      if (kind === "guest") {
        if (!config.registration.guests) throw forbidden("Guest access is disabled");
        // The spec: for guests, every field but the device's display name is ignored.
        const account = await accounts().createAccount({ accountType: "guest" });
        const device = await deps.userApi().devices.createDevice({ userId: account.userId, displayName, ip: ctx.ip });
        ctx.body = loginResponse(config, account.userId, device);
        return;
      }

      if (!config.registration.open) throw forbidden("Registration is disabled");
      const username = optional(body, "username", "string");
      const password = optional(body, "password", "string");
      const deviceId = optionalBoundedString(body, "device_id", MAX_DEVICE_ID_LENGTH);
      const inhibitLogin = optional(body, "inhibit_login", "boolean") ?? false;
      const localpart = username === undefined ? undefined : await checkUsername(username);
      if (password !== undefined) checkNewPassword(password);

      const account = await deps.interactiveAuth.authorise(body, { operation: "register", flows: DUMMY_FLOWS }, () => {
        if (password === undefined) throw missingParam("password is required");
        return accounts().createAccount({ localpart, password, accountType: "user" });
      });
      if (inhibitLogin) {
        ctx.body = { user_id: account.userId, home_server: config.server_name };
        return;
      }
      const device = await deps.userApi().devices.createDevice({ userId: account.userId, deviceId, displayName, ip: ctx.ip });
      ctx.body = loginResponse(config, account.userId, device);
    }),
  );

  router.get(
    "/_matrix/client/v3/register/available",
    route([deps.limits.auth], async (ctx: Koa.Context) => {
      const username = ctx.query.username;
      if (typeof username !== "string" || username === "") throw missingParam("username is required");
      await checkUsername(username);
      ctx.body = { available: true };
    }),
  );
}
