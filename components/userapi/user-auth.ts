import type { TokenOwner, UserAuthApi } from "./api/userapi.js";
import type { LocalUsers } from "./local-users.js";
import type { UserStorage } from "./storage/storage.js";
import type { TokenCache } from "./token-cache.js";
import { hashAccessToken } from "./tokens.js";

/** Access-token lookups, the one userapi call on every authenticated request. */
export class UserAuth implements UserAuthApi {
  constructor(
    private readonly storage: UserStorage,
    private readonly users: LocalUsers,
    private readonly cache: TokenCache,
  ) {}

  async queryAccessToken(accessToken: string): Promise<TokenOwner | null> {
    const hash = hashAccessToken(accessToken);
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const row = await this.storage.devices.byTokenHash(hash);
    if (!row) return null;
    const owner: TokenOwner = { userId: this.users.userId(row.localpart), deviceId: row.device_id, isGuest: row.account_type === "guest" };
    this.cache.set(hash, owner);
    return owner;
  }
}
