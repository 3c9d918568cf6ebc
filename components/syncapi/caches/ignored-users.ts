import { InvalidatedCache } from "../../internal/cache/invalidated-cache.js";
import type { Queryable } from "../../internal/database/database.js";
import { IGNORED_USER_LIST, selectIgnoredUsers } from "../storage/account-data.js";

/** Each user's ignored users: every sync and history read asks, so they are kept until the consumer commits a new list of theirs. */
export class IgnoredUsers {
  private readonly ignored = new InvalidatedCache<string, readonly string[]>(50_000);

  of(q: Queryable, userId: string): Promise<readonly string[]> {
    return this.ignored.get(userId, () => selectIgnoredUsers(q, userId));
  }

  /** After the commit of a user's account data: what is kept of it is read again. */
  written(userId: string, roomId: string, type: string): void {
    if (roomId === "" && type === IGNORED_USER_LIST) this.ignored.invalidate(userId);
  }
}
