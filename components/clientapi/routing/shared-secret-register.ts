import { forbidden, MatrixError } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { macMatches } from "../auth/shared-secret-mac.js";
import { checkNewPassword } from "../auth/password-rules.js";
import { optional, optionalBoundedString, required } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";
import { loginResponse, MAX_DEVICE_NAME_LENGTH } from "./login.js";

const NONCE_OPERATION = "shared_secret_register";

/**
 * Synapse's admin registration with the shared secret (`registration.shared_secret`), which
 * admin tools use to make the first accounts: GET hands out a one-time nonce, POST registers
 * when its HMAC over the nonce and the account's fields is right. Nonces live in the
 * userapi's auth sessions, so any clientapi replica accepts any nonce.
 */
export function addSharedSecretRegisterRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  const secret = () => {
    const configured = deps.config.registration.shared_secret;
    if (configured === null) throw forbidden("Shared secret registration is not enabled");
    return configured;
  };

  const limited = { access: "public", middleware: [deps.limits.auth] } as const;

  routes.get("/_synapse/admin/v1/register", limited, async ({ ctx }) => {
    secret();
    ctx.body = { nonce: await deps.userApi().sessions.createSession(NONCE_OPERATION) };
  });

  routes.post("/_synapse/admin/v1/register", limited, async ({ ctx, body }) => {
    const key = secret();
    const nonce = required(body, "nonce", "string");
    const username = required(body, "username", "string");
    const password = required(body, "password", "string");
    const mac = required(body, "mac", "string");
    const admin = optional(body, "admin", "boolean") ?? false;
    const userType = optional(body, "user_type", "string");
    const displayName = optionalBoundedString(body, "displayname", 256);
    if (!(await deps.userApi().sessions.consumeSession(nonce, NONCE_OPERATION))) {
      throw new MatrixError(400, "M_UNKNOWN", "Unrecognised nonce");
    }
    if (!macMatches(key, { nonce, username, password, admin, userType }, mac)) throw forbidden("HMAC incorrect");
    checkNewPassword(password);
    const account = await deps.userApi().accounts.createAccount({
      localpart: username,
      password,
      accountType: admin ? "admin" : "user",
      displayName,
    });
    const device = await deps.userApi().devices.createDevice({
      userId: account.userId,
      displayName: optionalBoundedString(body, "initial_device_display_name", MAX_DEVICE_NAME_LENGTH),
      ip: ctx.ip,
    });
    const { well_known: _unused, ...response } = loginResponse(deps.config, account.userId, device);
    ctx.body = response;
  });
}
