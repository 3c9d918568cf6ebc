import { InvalidatedCache } from "../../internal/cache/invalidated-cache.js";
import type { Queryable } from "../../internal/database/database.js";
import { selectMembershipHistory, type MembershipRow } from "../storage/state.js";

/**
 * Every sync reads the user's whole membership history, which changes seldom: it is kept
 * per user until the room-event consumer commits a change of that user's membership.
 */
export class MembershipHistories {
  private readonly histories = new InvalidatedCache<string, MembershipRow[]>(10_000);

  /** Every membership change of the user (in the given rooms, read from the database), oldest first. */
  async of(q: Queryable, userId: string, roomIds?: readonly string[]): Promise<MembershipRow[]> {
    if (roomIds === undefined) return this.histories.get(userId, () => selectMembershipHistory(q, userId));
    return selectMembershipHistory(q, userId, roomIds);
  }

  /** After the commit of membership changes: those users' histories are read again. */
  changed(userIds: readonly string[]): void {
    for (const userId of userIds) this.histories.invalidate(userId);
  }
}
