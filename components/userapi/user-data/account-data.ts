import type { AccountDataApi } from "../api/userapi.js";
import type { LocalUsers } from "../accounts/local-users.js";
import type { UserStorage } from "../storage/storage.js";

type Content = Record<string, unknown>;

/** Account data (global and per room) and sync filters of local users. */
export class AccountData implements AccountDataApi {
  constructor(
    private readonly storage: UserStorage,
    private readonly users: LocalUsers,
  ) {}

  getAccountData(userId: string, roomId: string | undefined, type: string): Promise<Content | null> {
    return this.storage.accountData.get(this.users.localpart(userId), roomId ?? "", type);
  }

  setAccountData(userId: string, roomId: string | undefined, type: string, content: Content): Promise<void> {
    return this.storage.accountData.put(this.users.localpart(userId), roomId ?? "", type, content);
  }

  createFilter(userId: string, filter: Content): Promise<string> {
    return this.storage.filters.insert(this.users.localpart(userId), filter);
  }

  getFilter(userId: string, filterId: string): Promise<Content | null> {
    return this.storage.filters.get(this.users.localpart(userId), filterId);
  }
}
