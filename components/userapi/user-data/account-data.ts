import type { Database } from "../../internal/database/database.js";
import type { LocalUsers } from "../accounts/local-users.js";
import type { AccountDataApi } from "../api/userapi.js";
import { selectAccountData, upsertAccountData } from "../storage/account-data.js";
import { insertFilter, selectFilter } from "../storage/filters.js";

type Content = Record<string, unknown>;

/** Account data (global and per room) and sync filters of local users. */
export class AccountData implements AccountDataApi {
  constructor(
    private readonly db: Database,
    private readonly users: LocalUsers,
  ) {}

  getAccountData(userId: string, roomId: string | undefined, type: string): Promise<Content | null> {
    return selectAccountData(this.db, this.users.localpart(userId), roomId ?? "", type);
  }

  setAccountData(userId: string, roomId: string | undefined, type: string, content: Content): Promise<void> {
    return upsertAccountData(this.db, this.users.localpart(userId), roomId ?? "", type, content);
  }

  createFilter(userId: string, filter: Content): Promise<string> {
    return insertFilter(this.db, this.users.localpart(userId), filter);
  }

  getFilter(userId: string, filterId: string): Promise<Content | null> {
    return selectFilter(this.db, this.users.localpart(userId), filterId);
  }
}
