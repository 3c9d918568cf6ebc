/**
 * Which room state a user may read (client-server API, GET /rooms/{roomId}/state and
 * /state/{eventType}/{stateKey}): members read the current state, and so does anyone while
 * the room is world_readable; "if the user has left the room then the state is taken from
 * the state of the room when they left"; a user who was never a member gets 403 ("you
 * aren't a member of the room and weren't previously a member of the room").
 *
 * "When they left" is the change that ended their latest join (a leave, kick or ban), also
 * when later changes followed it: a former member invited again, or who knocked, or who
 * rejected a later invite, reads the state as it was when they were last in the room, never
 * the state at those later changes, which would show what happened while they were out.
 */

/** One of the user's membership changes in the room; `at` is whatever the caller locates events by (an event ID, a stream position). */
export interface MembershipChange<At> {
  /** "join", "invite", "leave", "ban" or "knock". */
  readonly membership: string;
  readonly at: At;
}

export type ReadableRoomState<At> =
  | { readonly state: "current" }
  /** The state after the change at `at` (the change included). */
  | { readonly state: "at"; readonly at: At }
  | { readonly state: "forbidden" };

export interface StateAccessFacts<At> {
  /**
   * The user's membership changes in the room, oldest first, ending with their current
   * membership. Entries before their latest join do not change the answer, so a caller may
   * stop collecting at it.
   */
  readonly history: readonly MembershipChange<At>[];
  /**
   * Whether the room's current history visibility is world_readable. Not consulted when the
   * history ends in a join, so a caller may skip looking it up for a member.
   */
  readonly worldReadable: boolean;
}

export function readableRoomState<At>({ history, worldReadable }: StateAccessFacts<At>): ReadableRoomState<At> {
  let lastJoin = history.length - 1;
  while (lastJoin >= 0 && history[lastJoin]!.membership !== "join") lastJoin--;
  if (lastJoin !== -1 && lastJoin === history.length - 1) return { state: "current" };
  if (worldReadable) return { state: "current" };
  if (lastJoin === -1) return { state: "forbidden" };
  return { state: "at", at: history[lastJoin + 1]!.at };
}
