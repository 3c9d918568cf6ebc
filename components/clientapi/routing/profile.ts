import { requireSelf } from "../../internal/http/auth.js";
import { badJson, invalidParam, MatrixError, notFound } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { checkUserId, missingParam } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";

/** The spec's pattern for profile keys: the two classic ones, m.tz, or a namespaced custom key. */
const PROFILE_KEY = /^(avatar_url|displayname|m\.tz|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)$/;
const MAX_KEY_BYTES = 255;
const MAX_DISPLAYNAME_LENGTH = 256;

/** Fields whose change shows in the user's member events. */
const MEMBER_EVENT_FIELDS = new Set(["displayname", "avatar_url"]);

function checkKey(key: string): void {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES)
    throw new MatrixError(400, "M_KEY_TOO_LARGE", `profile keys are at most ${MAX_KEY_BYTES} bytes`);
  if (!PROFILE_KEY.test(key)) throw invalidParam(`invalid profile key ${JSON.stringify(key)}`);
}

/** Checks the value of the fields the spec types; custom fields may hold any JSON. */
function checkValue(key: string, value: unknown): void {
  if (key === "displayname" || key === "avatar_url" || key === "m.tz") {
    if (typeof value !== "string") throw badJson(`${key} must be a string`);
  }
  if (key === "displayname" && (value as string).length > MAX_DISPLAYNAME_LENGTH) {
    throw invalidParam(`displayname must be at most ${MAX_DISPLAYNAME_LENGTH} characters`);
  }
  if (key === "avatar_url" && value !== "" && !(value as string).startsWith("mxc://"))
    throw invalidParam("avatar_url must be an mxc:// URI");
}

/**
 * GET /profile/{userId}, GET/PUT/DELETE /profile/{userId}/{keyName}. Profiles of other
 * servers' users need a federation query, which arrives with the federationapi; until then
 * they are 404. A malformed user ID (for this server's users: outside the current grammar)
 * is 400 M_INVALID_PARAM.
 */
export function addProfileRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  const profiles = () => deps.userApi().profiles;
  const field = "/_matrix/client/v3/profile/{userId}/{keyName}";

  routes.get("/_matrix/client/v3/profile/{userId}", { access: "public" }, async ({ ctx, params }) => {
    const profile = await profiles().getProfile(checkUserId(params.userId, deps.config.server_name));
    if (!profile) throw notFound("Profile not found");
    ctx.body = profile;
  });

  routes.get(field, { access: "public" }, async ({ ctx, params: { userId, keyName } }) => {
    const profile = await profiles().getProfile(checkUserId(userId, deps.config.server_name));
    if (!profile) throw notFound("Profile not found");
    if (keyName in profile) ctx.body = { [keyName]: profile[keyName] };
    // Every user has a display name and an avatar, maybe unset: null, as in Synapse, where a
    // 404 would read as "no such user". An unset custom field is 404, as the spec says.
    else if (MEMBER_EVENT_FIELDS.has(keyName)) ctx.body = { [keyName]: null };
    else throw notFound(`The user has no ${keyName}`);
  });

  // The spec's guest access module lets guests set and delete their display name, nothing else.
  const writes = { access: "guest", middleware: [deps.limits.write] } as const;

  routes.put(field, writes, async ({ ctx, user, params: { userId, keyName }, body }) => {
    requireSelf(user, userId, "change the profile");
    if (user.isGuest && keyName !== "displayname")
      throw new MatrixError(403, "M_GUEST_ACCESS_FORBIDDEN", "Guests may only set a display name");
    checkKey(keyName);
    if (!(keyName in body)) throw missingParam(`the body must hold ${keyName}`);
    checkValue(keyName, body[keyName]);
    await profiles().setProfileField(user.userId, keyName, body[keyName]);
    if (MEMBER_EVENT_FIELDS.has(keyName)) await deps.rooms.profileChanged(user.userId);
    ctx.body = {};
  });

  routes.delete(field, writes, async ({ ctx, user, params: { userId, keyName } }) => {
    requireSelf(user, userId, "change the profile");
    if (user.isGuest && keyName !== "displayname")
      throw new MatrixError(403, "M_GUEST_ACCESS_FORBIDDEN", "Guests may only delete their display name");
    checkKey(keyName);
    await profiles().deleteProfileField(user.userId, keyName);
    if (MEMBER_EVENT_FIELDS.has(keyName)) await deps.rooms.profileChanged(user.userId);
    ctx.body = {};
  });
}
