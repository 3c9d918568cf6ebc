import { badJson, invalidParam, MatrixError } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { isValidServerName } from "../../protocol/index.js";
import type { KeyQuery } from "../keys/key-fetchers.js";
import { MAX_SERVERS_PER_QUERY, type Notary, type NotaryQuery } from "../keys/notary.js";
import type { OwnKeys } from "../keys/own-keys.js";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isTimestamp = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/**
 * The key server: `GET /_matrix/key/v2/server` needs no authentication (it is how servers
 * learn the keys that authenticate everything else). `/_matrix/key/v2/server/{keyId}` was
 * deprecated and removed from the spec (the response holds all keys); it is not served.
 * The notary endpoints need none either (spec: keys_query.yaml has no security).
 */
export function addKeyServerRoutes(routes: TypedRoutes, ownKeys: OwnKeys, notary: Notary): void {
  routes.get("/_matrix/key/v2/server", { access: "public" }, ({ ctx }) => {
    ctx.body = ownKeys.serverKeys();
  });

  routes.get("/_matrix/key/v2/query/{serverName}", { access: "public" }, async ({ ctx, params }) => {
    if (!isValidServerName(params.serverName)) throw invalidParam(`${JSON.stringify(params.serverName)} is not a server name`);
    const raw = ctx.query.minimum_valid_until_ts;
    let minimumValidUntilTs = Date.now();
    if (raw !== undefined) {
      if (typeof raw !== "string" || !/^\d{1,16}$/.test(raw)) throw invalidParam("minimum_valid_until_ts must be one integer (ms)");
      minimumValidUntilTs = Number(raw);
    }
    ctx.body = await notary.query([{ serverName: params.serverName, criteria: [{ serverName: params.serverName, minimumValidUntilTs }] }]);
  });

  routes.post("/_matrix/key/v2/query", { access: "public" }, async ({ ctx, body }) => {
    ctx.body = await notary.query(parseNotaryQuery(body, Date.now()));
  });
}

/** The body of `POST /_matrix/key/v2/query`; refuses what the spec's schema does not allow. */
export function parseNotaryQuery(body: Record<string, unknown>, now: number): NotaryQuery[] {
  const serverKeys = body.server_keys;
  if (!isObject(serverKeys)) throw badJson("server_keys must be an object of server names");
  const servers = Object.entries(serverKeys);
  if (servers.length > MAX_SERVERS_PER_QUERY) {
    throw new MatrixError(400, "M_LIMIT_EXCEEDED", `at most ${MAX_SERVERS_PER_QUERY} servers may be queried at once`);
  }
  return servers.map(([serverName, keys]) => {
    if (!isValidServerName(serverName)) throw badJson(`server_keys: ${JSON.stringify(serverName)} is not a server name`);
    if (!isObject(keys)) throw badJson(`server_keys[${JSON.stringify(serverName)}] must be an object of key IDs`);
    const criteria: KeyQuery[] = Object.entries(keys).map(([keyId, criterion]) => {
      if (!isObject(criterion)) throw badJson(`server_keys[${JSON.stringify(serverName)}][${JSON.stringify(keyId)}] must be an object`);
      const min = criterion.minimum_valid_until_ts;
      if (min !== undefined && !isTimestamp(min)) throw badJson("minimum_valid_until_ts must be a non-negative integer");
      // Spec: "If not supplied, the notary server MUST use the current time."
      return { serverName, keyId, minimumValidUntilTs: min ?? now };
    });
    // No key IDs: all the server's keys, valid now.
    return { serverName, criteria: criteria.length > 0 ? criteria : [{ serverName, minimumValidUntilTs: now }] };
  });
}
