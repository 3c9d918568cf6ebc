import { forbidden, invalidParam, MatrixError } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { isValidUserId, MAX_ID_BYTES } from "../../protocol/index.js";
import type { Account } from "../../userapi/api/userapi.js";
import { DUMMY_FLOWS } from "../auth/interactive-auth.js";
import { missingParam, optional, optionalBoundedString } from "../validation/checks.js";
import { loginResponse, MAX_DEVICE_ID_LENGTH, MAX_DEVICE_NAME_LENGTH } from "./login.js";
import type { RouteDeps } from "./deps.js";
import { checkNewPassword } from "../auth/password-rules.js";

const invalidUsername = (message: string) => new MatrixError(400, "M_INVALID_USERNAME", message);
const userInUse = () => new MatrixError(400, "M_USER_IN_USE", "Desired user ID is already taken.");

/** The parameters of a registration its UIA session remembers (a password only as its hash). */
const SESSION_FIELDS = ["username", "device_id", "initial_device_display_name", "inhibit_login"] as const;

function registrationFields(body: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of SESSION_FIELDS) if (body[key] !== undefined && body[key] !== null) fields[key] = body[key];
  return fields;
}

/**
 * POST /register (accounts and guests) and GET /register/available. Account registration
 * runs through user-interactive auth with m.login.dummy when `registration.open` is on; the
 * user name is checked before that, as the spec asks, so a client hears M_USER_IN_USE first.
 * The session remembers the first request's parameters, so later stages may send only
 * `auth`, and, once the account exists, which account it made.
 */
export function addRegisterRoutes(routes: TypedRoutes, deps: RouteDeps): void {
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

  /**
   * The guest a registration upgrades (`guest_access_token`), or null. The token must be a
   * guest's and `username` their localpart (the spec makes it required then).
   */
  async function upgradingGuest(body: Record<string, unknown>, username: string | undefined): Promise<string | null> {
    const token = optional(body, "guest_access_token", "string");
    if (token === undefined) return null;
    const owner = await deps.lookupToken(token);
    if (!owner || !owner.isGuest) throw forbidden("guest_access_token is not a guest's access token");
    if (username === undefined) throw missingParam("username is required to upgrade a guest");
    if (`@${username.toLowerCase()}:${config.server_name}` !== owner.userId)
      throw invalidUsername("username must be the guest's own localpart");
    return owner.userId;
  }

  const limited = { access: "public", middleware: [deps.limits.auth] } as const;

  routes.post("/_matrix/client/v3/register", limited, async (request) => {
    const { ctx, body } = request;
    const kind = ctx.query.kind ?? "user";
    if (kind !== "user" && kind !== "guest") throw invalidParam("kind must be user or guest");
    if (kind === "guest") {
      const displayName = optionalBoundedString(body, "initial_device_display_name", MAX_DEVICE_NAME_LENGTH);
      if (!config.registration.guests) throw forbidden("Guest access is disabled");
      // The spec: for guests, every field but the device's display name is ignored.
      const account = await accounts().createAccount({ accountType: "guest" });
      const device = await deps.userApi().devices.createDevice({ userId: account.userId, displayName, ip: ctx.ip });
      ctx.body = loginResponse(config, account.userId, device);
      return;
    }

    if (!config.registration.open) throw forbidden("Registration is disabled");
    // What the request leaves out, its session remembers from the request that started it.
    const session = await deps.interactiveAuth.continuedSession(body, "register");
    const fields = registrationFields(body);
    const params = { ...session?.params, ...fields };
    const username = optional(params, "username", "string");
    const password = optional(body, "password", "string");
    const deviceId = optionalBoundedString(params, "device_id", MAX_DEVICE_ID_LENGTH);
    const deviceName = optionalBoundedString(params, "initial_device_display_name", MAX_DEVICE_NAME_LENGTH);
    const inhibitLogin = optional(params, "inhibit_login", "boolean") ?? false;
    const logIn = async (userId: string) => {
      if (inhibitLogin) return { user_id: userId, home_server: config.server_name };
      const device = await deps.userApi().devices.createDevice({ userId, deviceId, displayName: deviceName, ip: ctx.ip });
      return loginResponse(config, userId, device);
    };

    // A retry of a registration that ran (its answer lost on the way) gets the same
    // account, logged in again, as in Synapse: not "unknown session", not a second account.
    const registered = session?.result?.user_id;
    if (typeof registered === "string") {
      ctx.body = await logIn(registered);
      return;
    }

    // The spec's guest upgrade: the guest's token and their own localpart as the username.
    const guest = await upgradingGuest(body, username);
    const localpart = username === undefined || guest ? undefined : await checkUsername(username);
    if (password !== undefined) checkNewPassword(password);
    const requirement = {
      operation: "register",
      flows: DUMMY_FLOWS,
      params: { fields, password },
      remember: (account: Account) => ({ user_id: account.userId }),
    };
    const account = await deps.interactiveAuth.authorise(request, requirement, () => {
      if (guest) {
        if (password === undefined && !session?.hasPassword) throw missingParam("password is required");
        return accounts().upgradeGuest({
          userId: guest,
          password,
          passwordOfSession: password === undefined ? session?.sessionId : undefined,
        });
      }
      if (password !== undefined) return accounts().createAccount({ localpart, password, accountType: "user" });
      if (session?.hasPassword) return accounts().createAccount({ localpart, passwordOfSession: session.sessionId, accountType: "user" });
      throw missingParam("password is required");
    });
    ctx.body = await logIn(account.userId);
  });

  routes.get("/_matrix/client/v3/register/available", limited, async ({ ctx }) => {
    const username = ctx.query.username;
    if (typeof username !== "string" || username === "") throw missingParam("username is required");
    await checkUsername(username);
    ctx.body = { available: true };
  });
}
