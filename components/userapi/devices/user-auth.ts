import type { Database } from "../../internal/database/database.js";
import type { LocalUsers } from "../accounts/local-users.js";
import type { TokenOwner, UserAuthApi } from "../api/userapi.js";
import { selectTokenOwner } from "../storage/devices.js";
import type { TokenCache } from "./token-cache.js";

/** Access-token lookups, the one userapi call on every authenticated request. */
export class UserAuth implements UserAuthApi {
  constructor(
    private readonly db: Database,
    private readonly users: LocalUsers,
    private readonly cache: TokenCache,
  ) {}

  queryAccessToken(accessToken: string): Promise<TokenOwner | null> {
    return this.cache.lookup(accessToken, async (hash) => {
      const row = await selectTokenOwner(this.db, hash);
      return row && { userId: this.users.userId(row.localpart), deviceId: row.device_id, isGuest: row.account_type === "guest" };
    });
  }
}
