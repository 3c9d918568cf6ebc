import { badJson } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import type { ClaimedKey, CrossSigningKeyType, KeyClaim, UserDevicesQuery } from "../../userapi/api/keys.js";
import { optional, required } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
/** The server part of a user ID (localparts hold no colon), or null for a string that is no user ID. */
const serverOf = (userId: string) => (userId.startsWith("@") && userId.includes(":") ? userId.slice(userId.indexOf(":") + 1) : null);

/**
 * Users of other servers are answered by those servers over federation, which this server
 * does not speak yet: each such server is listed in `failures`, as the spec says for a
 * server that could not be reached, so clients retry it later instead of concluding that
 * its users have no devices.
 */
function unreachable(servers: Iterable<string>): Json {
  return Object.fromEntries([...servers].map((s) => [s, { status: 503, message: "federation with other servers is not available yet" }]));
}

/**
 * POST /keys/upload, /keys/query and /keys/claim: end-to-end encryption keys, kept by the
 * userapi. Guests may use them (guests in encrypted rooms need keys like anyone).
 */
export function addKeysRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  const keys = () => deps.userApi().keys;
  const local = (userId: string) => serverOf(userId) === deps.config.server_name;

  routes.post("/_matrix/client/v3/keys/upload", { access: "guest", middleware: [deps.limits.write] }, async ({ ctx, user, body }) => {
    const deviceKeys = optional(body, "device_keys", "object");
    const oneTimeKeys = optional(body, "one_time_keys", "object");
    const fallbackKeys = optional(body, "fallback_keys", "object");
    const counts = await keys().uploadKeys(user.userId, user.deviceId, { deviceKeys, oneTimeKeys, fallbackKeys });
    ctx.body = { one_time_key_counts: counts.oneTimeKeyCounts };
  });

  routes.post("/_matrix/client/v3/keys/query", { access: "guest" }, async ({ ctx, user, body }) => {
    const wanted = required(body, "device_keys", "object");
    const queries: UserDevicesQuery[] = [];
    const remote = new Set<string>();
    for (const [userId, deviceIds] of Object.entries(wanted)) {
      if (!Array.isArray(deviceIds) || deviceIds.some((d) => typeof d !== "string"))
        throw badJson(`device_keys.${userId} must be a list of device IDs`);
      const server = serverOf(userId);
      if (server === null) throw badJson(`device_keys: ${JSON.stringify(userId)} is not a user ID`);
      if (local(userId)) queries.push({ userId, deviceIds: deviceIds as string[] });
      else remote.add(server);
    }
    // Every local user asked about is answered, with no devices if none has keys.
    const deviceKeys: Record<string, Json> = Object.fromEntries(queries.map((q) => [q.userId, {}]));
    const crossSigning: Record<CrossSigningKeyType, Json> = { master: {}, self_signing: {}, user_signing: {} };
    if (queries.length > 0) {
      const found = await keys().queryKeys(queries, user.userId);
      for (const d of found.deviceKeys) deviceKeys[d.userId]![d.deviceId] = d.keys;
      for (const k of found.crossSigningKeys) crossSigning[k.type][k.userId] = k.key;
    }
    ctx.body = {
      device_keys: deviceKeys,
      master_keys: crossSigning.master,
      self_signing_keys: crossSigning.self_signing,
      user_signing_keys: crossSigning.user_signing,
      failures: unreachable(remote),
    };
  });

  routes.post("/_matrix/client/v3/keys/claim", { access: "guest" }, async ({ ctx, body }) => {
    const wanted = required(body, "one_time_keys", "object");
    const claims: KeyClaim[] = [];
    const remote = new Set<string>();
    for (const [userId, devices] of Object.entries(wanted)) {
      if (!isObject(devices) || Object.values(devices).some((a) => typeof a !== "string")) {
        throw badJson(`one_time_keys.${userId} must map device IDs to algorithms`);
      }
      const server = serverOf(userId);
      if (server === null) throw badJson(`one_time_keys: ${JSON.stringify(userId)} is not a user ID`);
      if (!local(userId)) remote.add(server);
      else for (const [deviceId, algorithm] of Object.entries(devices)) claims.push({ userId, deviceId, algorithm: algorithm as string });
    }
    const oneTimeKeys: Record<string, Record<string, Json>> = {};
    for (const k of claims.length === 0 ? [] : await keys().claimKeys(claims)) claimedInto(oneTimeKeys, k);
    ctx.body = { one_time_keys: oneTimeKeys, failures: unreachable(remote) };
  });
}

function claimedInto(out: Record<string, Record<string, Json>>, k: ClaimedKey): void {
  const devices = (out[k.userId] ??= {});
  devices[k.deviceId] = { ...devices[k.deviceId], [k.keyId]: k.key };
}
