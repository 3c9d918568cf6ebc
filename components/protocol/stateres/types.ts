import type { RoomEvent, StateMap } from "../events/event.js";
import type { RoomVersion } from "../roomversions.js";

/**
 * The authorisation rules, injected so state resolution does not depend on the auth rules
 * and can be tested with simplified ones. Must throw a ProtocolError to reject
 * `event`; any other exception is treated as a bug and propagates.
 */
export type AuthCheck = (event: RoomEvent, authState: StateMap) => void;

/**
 * Synchronous event lookup used to walk auth chains. The caller preloads every event in
 * the auth chains of the state sets (one coarse batched fetch) so the algorithm itself
 * never waits on I/O. Returns undefined for events it does not hold; those are skipped.
 */
export type EventLookup = (eventId: string) => RoomEvent | undefined;

export interface StateResolutionInput {
  readonly roomVersion: RoomVersion;
  /** The states after each forward extremity (or any set of states) to resolve. */
  readonly stateSets: readonly StateMap[];
  readonly eventById: EventLookup;
  readonly authCheck: AuthCheck;
  /**
   * Whether an event was rejected. Rejected auth events are never used to fill gaps in
   * the auth state during iterative auth checks (spec: "if the auth event is not
   * rejected"). Defaults to "nothing rejected".
   */
  readonly isRejected?: (eventId: string) => boolean;
}

/** Resolved state, a fresh map the caller owns. */
export type ResolvedState = Map<string, RoomEvent>;
