import type { EventLog } from "../../internal/eventlog/eventlog.js";
import type { Logger } from "../../internal/logging/logger.js";
import type { UserApi } from "../api/userapi.js";
import { followRevocations } from "../consumers/token-revocations.js";
import { TokenCache } from "../devices/token-cache.js";
import { createUserApiClient } from "./client.js";

/**
 * The userapi of another process as its callers (clientapi, syncapi) reach it: the gRPC
 * client, with token lookups, one per authenticated request, answered from a cache in this
 * process that follows the userapi's revocations, so a request with a known token makes no
 * gRPC call. Until the subscription is up the cache is off and every lookup goes to the userapi.
 */
export function createCachingUserApiClient(address: string, secret: string, log: EventLog, logger: Logger): UserApi {
  const remote = createUserApiClient(address, secret);
  const cache = new TokenCache();
  followRevocations(log, cache).catch((err: unknown) =>
    logger.error({ err }, "cannot follow access-token revocations; token lookups stay uncached"),
  );
  return { ...remote, auth: { queryAccessToken: (token) => cache.lookup(token, () => remote.auth.queryAccessToken(token)) } };
}
