import { asHistoryVisibility as asVisibility, userMayRead } from "../../protocol/index.js";
import type { StoredEvent } from "../storage/events.js";
import type { MembershipRow } from "../storage/state.js";

/**
 * One user's view of one room's history, from their membership changes at stream
 * positions: which events they may see under the history visibility in force for each
 * event (protocol's userMayRead), so nobody sees an event they may not see.
 */
export class RoomHistoryView {
  /** `history` is this room's membership changes of the user, oldest first. */
  constructor(
    private readonly userId: string,
    private readonly history: readonly MembershipRow[],
  ) {}

  /** The user's membership just before the event at `position` ("leave" if none). */
  membershipBefore(position: number): string {
    let m = "leave";
    for (const row of this.history) {
      if (row.position >= position) break;
      m = row.membership;
    }
    return m;
  }

  membershipAt(position: number): string {
    let m = "leave";
    for (const row of this.history) {
      if (row.position > position) break;
      m = row.membership;
    }
    return m;
  }

  /** Did the user join at some point after the event (or is joined now)? What "shared" asks. */
  joinedAfter(position: number): boolean {
    return this.history.some((row) => row.position >= position && row.membership === "join");
  }

  maySee(e: StoredEvent): boolean {
    const joinedAfter = this.joinedAfter(e.position);
    const before = this.membershipBefore(e.position);
    if (userMayRead(asVisibility(e.historyVisibility), before, joinedAfter)) return true;
    // The user's own membership events and history visibility changes count with the state after them too.
    const content = (e.json.content ?? {}) as Record<string, unknown>;
    if (e.type === "m.room.member" && e.stateKey === this.userId) {
      return userMayRead(asVisibility(e.historyVisibility), this.membershipAt(e.position), joinedAfter);
    }
    if (e.type === "m.room.history_visibility" && e.stateKey === "") {
      return userMayRead(asVisibility(content.history_visibility), before, joinedAfter);
    }
    return false;
  }

  filter(events: readonly StoredEvent[]): StoredEvent[] {
    return events.filter((e) => this.maySee(e));
  }
}

/** Splits a user's membership history by room. */
export function historyByRoom(rows: readonly MembershipRow[]): Map<string, MembershipRow[]> {
  const out = new Map<string, MembershipRow[]>();
  for (const row of rows) {
    const list = out.get(row.roomId) ?? [];
    list.push(row);
    out.set(row.roomId, list);
  }
  return out;
}
