import { badJson, forbidden, MatrixError } from "../../internal/http/matrix-error.js";
import { missingParam } from "../validation/checks.js";

/**
 * The localpart a login (or an m.login.password auth stage) names: `identifier` of type
 * m.id.user, or the deprecated top-level `user`; either a localpart or a full user ID of
 * this server. Lower-cased, as registration lower-cases user names.
 */
export function localpartOfLogin(body: Record<string, unknown>, serverName: string): string {
  let user: unknown;
  if (body.identifier !== undefined) {
    const identifier = body.identifier as Record<string, unknown>;
    if (identifier === null || typeof identifier !== "object" || Array.isArray(identifier)) throw badJson("identifier must be an object");
    if (identifier.type !== "m.id.user") {
      throw new MatrixError(400, "M_UNKNOWN", `identifier type ${JSON.stringify(identifier.type)} is not supported; use m.id.user`);
    }
    user = identifier.user;
  } else {
    user = body.user;
  }
  if (user === undefined) throw missingParam("identifier is required");
  if (typeof user !== "string") throw badJson("the user must be a string");
  if (!user.startsWith("@")) return user.toLowerCase();
  const suffix = `:${serverName}`;
  if (!user.endsWith(suffix)) throw forbidden(`${user} is not a user of this server`);
  return user.slice(1, -suffix.length).toLowerCase();
}
