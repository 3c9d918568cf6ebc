import { stateKeyOf, type RoomEvent, type StateKey, type StateMap } from "../events/event.js";
import { ProtocolError } from "../errors.js";
import { authEventIdsOf } from "./auth-events.js";
import type { AuthCheck, EventLookup } from "./types.js";

/**
 * A read-only view of `primary` with `fallback` filling the keys it lacks. Iterative auth
 * checks need "the resolved state so far, with the event's own auth events where it has
 * nothing" once per event; copying a room's whole state per event would make resolution
 * quadratic, so the view answers lookups in O(1) and only materialises when iterated.
 */
export class LayeredState implements ReadonlyMap<StateKey, RoomEvent> {
  private merged: Map<StateKey, RoomEvent> | undefined;

  constructor(
    private readonly primary: StateMap,
    private readonly fallback: StateMap,
  ) {}

  get(key: StateKey): RoomEvent | undefined {
    return this.primary.get(key) ?? this.fallback.get(key);
  }

  has(key: StateKey): boolean {
    return this.primary.has(key) || this.fallback.has(key);
  }

  private all(): Map<StateKey, RoomEvent> {
    if (this.merged === undefined) this.merged = new Map([...this.fallback, ...this.primary]);
    return this.merged;
  }

  get size(): number {
    if (this.fallback.size === 0) return this.primary.size;
    return this.all().size;
  }

  forEach(callback: (value: RoomEvent, key: StateKey, map: ReadonlyMap<StateKey, RoomEvent>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.all()) callback.call(thisArg, value, key, this);
  }

  entries(): MapIterator<[StateKey, RoomEvent]> {
    return this.all().entries();
  }

  keys(): MapIterator<StateKey> {
    return this.all().keys();
  }

  values(): MapIterator<RoomEvent> {
    return this.all().values();
  }

  [Symbol.iterator](): MapIterator<[StateKey, RoomEvent]> {
    return this.all().entries();
  }
}

/**
 * The spec's iterative auth checks: walk `events` in order, admitting each one the
 * authorisation rules allow against the state built so far. Where that state lacks a key
 * the rules need, the event's own (non-rejected) auth event of that key stands in, so an
 * event is never judged against less than it was created against. Events that fail are
 * skipped, not fatal: losing a conflict is the normal outcome.
 *
 * `state` is updated in place and returned.
 */
export function iterativeAuthChecks(
  state: Map<StateKey, RoomEvent>,
  events: readonly RoomEvent[],
  eventById: EventLookup,
  authCheck: AuthCheck,
  isRejected: (eventId: string) => boolean,
): Map<StateKey, RoomEvent> {
  for (const event of events) {
    if (event.stateKey === undefined) continue;
    const ownAuth = new Map<StateKey, RoomEvent>();
    for (const id of authEventIdsOf(event)) {
      const auth = eventById(id);
      if (auth === undefined || auth.stateKey === undefined || isRejected(id)) continue;
      ownAuth.set(stateKeyOf(auth.type, auth.stateKey), auth);
    }
    try {
      authCheck(event, new LayeredState(state, ownAuth));
    } catch (err) {
      // A rejection loses the conflict; anything else is a bug that must not be hidden
      // as a quiet state change.
      if (err instanceof ProtocolError) continue;
      throw err;
    }
    state.set(stateKeyOf(event.type, event.stateKey), event);
  }
  return state;
}
