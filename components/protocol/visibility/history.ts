import { stateKeyOf, type RoomEvent, type StateMap } from "../events/event.js";
import { HISTORY_VISIBILITY, MEMBER, getState, membershipOf, stringField } from "../auth/state-view.js";
import { serverNameOf } from "../ids/grammar.js";

/**
 * History visibility (spec: client-server "Room History Visibility", server behaviour).
 * Whether a user or a server may see an event is decided from the room state at that
 * event, never from the current state, so changing the setting does not rewrite the past.
 */

export type HistoryVisibility = "world_readable" | "shared" | "invited" | "joined";
const KNOWN: ReadonlySet<string> = new Set(["world_readable", "shared", "invited", "joined"]);

/** The setting in a state; absent or not understood means "shared" (spec). */
export function historyVisibilityOf(state: StateMap): HistoryVisibility {
  const ev = getState(state, HISTORY_VISIBILITY);
  return asHistoryVisibility(ev && stringField(ev.content, "history_visibility"));
}

/** A `history_visibility` content value as the setting it means: "shared" unless it is one of the four. */
export function asHistoryVisibility(value: unknown): HistoryVisibility {
  return typeof value === "string" && KNOWN.has(value) ? (value as HistoryVisibility) : "shared";
}

/** The state after a state event (the event replacing its slot); the same state for others. */
export function stateAfter(event: RoomEvent, stateBefore: StateMap): StateMap {
  if (event.stateKey === undefined) return stateBefore;
  const after = new Map(stateBefore);
  after.set(stateKeyOf(event.type, event.stateKey), event);
  return after;
}

/** The spec's four rules for one (visibility, membership) pair. */
export function userMayRead(visibility: HistoryVisibility, membership: string, joinedAfterEvent: boolean): boolean {
  if (visibility === "world_readable") return true;
  if (membership === "join") return true;
  if (visibility === "shared" && joinedAfterEvent) return true;
  if (visibility === "invited" && membership === "invite") return true;
  return false;
}

export interface UserVisibilityQuery {
  readonly userId: string;
  /** Room state before the event (for a message event, the state at it). */
  readonly stateBefore: StateMap;
  /**
   * Whether the user joined the room at any point after the event was sent (including
   * being joined now): what "shared" needs. The caller knows the membership history.
   */
  readonly joinedAfterEvent: boolean;
}

/**
 * May this user see the event? History visibility events count if the setting before
 * or after them allows it, and so do the user's own membership events with the
 * membership before or after them (so users always see their own joins and departures).
 */
export function userMaySeeEvent(event: RoomEvent, query: UserVisibilityQuery): boolean {
  const { userId, stateBefore, joinedAfterEvent } = query;
  const check = (state: StateMap) => userMayRead(historyVisibilityOf(state), membershipOf(state, userId), joinedAfterEvent);
  if (check(stateBefore)) return true;
  const boundary = (event.type === HISTORY_VISIBILITY && event.stateKey === "") || (event.type === MEMBER && event.stateKey === userId);
  return boundary && check(stateAfter(event, stateBefore));
}

/**
 * May a server see the event (backfill, /event, /state, missing events)? With
 * world_readable or shared history it may; with invited, if one of its users was invited
 * or joined at the event; with joined, if one of its users was joined. As for users,
 * history visibility events and membership events of the server's users count with the
 * state before or after them.
 */
export function serverMaySeeEvent(event: RoomEvent, stateBefore: StateMap, serverName: string): boolean {
  if (serverMayRead(stateBefore, serverName)) return true;
  const boundary =
    (event.type === HISTORY_VISIBILITY && event.stateKey === "") ||
    (event.type === MEMBER && event.stateKey !== undefined && serverNameOf(event.stateKey) === serverName);
  return boundary && serverMayRead(stateAfter(event, stateBefore), serverName);
}

function serverMayRead(state: StateMap, serverName: string): boolean {
  const visibility = historyVisibilityOf(state);
  if (visibility === "world_readable" || visibility === "shared") return true;
  for (const ev of state.values()) {
    if (ev.type !== MEMBER || ev.stateKey === undefined || serverNameOf(ev.stateKey) !== serverName) continue;
    const membership = stringField(ev.content, "membership");
    if (membership === "join") return true;
    if (membership === "invite" && visibility === "invited") return true;
  }
  return false;
}
