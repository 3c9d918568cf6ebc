import { createHash } from "node:crypto";
import { splitStateKey, type RoomEvent, type StateKey, type StateMap } from "../events/event.js";
import { ProtocolError } from "../errors.js";
import { LayeredState } from "./iterative.js";
import type { AuthCheck, ResolvedState, StateResolutionInput } from "./types.js";

/**
 * The original state resolution (room v1, spec content/rooms/v1.md), kept for old rooms.
 * It is known to reset state; v2 replaced it. Where the spec's prose is loose this
 * follows Synapse, whose behaviour v1 rooms in the wild converged on:
 * - a key missing from some state sets is not a conflict;
 * - power levels, then join rules, then memberships are resolved, each key on its own
 *   against the state resolved by the earlier passes (keys within one pass do not see
 *   each other);
 * - each of those walks its events by ascending depth, descending sha1(event_id),
 *   admitting them while the auth rules allow and keeping the last one admitted;
 * - every other key takes the first event, by descending depth and ascending
 *   sha1(event_id), that passes auth, or the last such event if none does.
 */
export function resolveStateV1(input: StateResolutionInput): ResolvedState {
  const { stateSets, authCheck } = input;
  if (stateSets.length === 0) return new Map();

  const { unconflicted, conflicted } = separateV1(stateSets);
  const resolved = new Map(unconflicted);
  if (conflicted.size === 0) return resolved;

  const passes: ((type: string) => boolean)[] = [
    (type) => type === "m.room.power_levels",
    (type) => type === "m.room.join_rules",
    (type) => type === "m.room.member",
  ];
  const done = new Set<StateKey>();
  for (const inPass of passes) {
    const winners = new Map<StateKey, RoomEvent>();
    for (const [key, events] of conflicted) {
      if (!inPass(splitStateKey(key)[0])) continue;
      winners.set(key, resolveAuthEvents(key, events, resolved, authCheck));
      done.add(key);
    }
    for (const [key, event] of winners) resolved.set(key, event);
  }
  const winners = new Map<StateKey, RoomEvent>();
  for (const [key, events] of conflicted) {
    if (!done.has(key)) winners.set(key, resolveNormalEvents(events, resolved, authCheck));
  }
  for (const [key, event] of winners) resolved.set(key, event);
  return resolved;
}

function separateV1(stateSets: readonly StateMap[]): {
  unconflicted: Map<StateKey, RoomEvent>;
  conflicted: Map<StateKey, RoomEvent[]>;
} {
  const candidates = new Map<StateKey, Map<string, RoomEvent>>();
  for (const state of stateSets) {
    for (const [key, event] of state) {
      let byId = candidates.get(key);
      if (byId === undefined) candidates.set(key, (byId = new Map()));
      byId.set(event.eventId, event);
    }
  }
  const unconflicted = new Map<StateKey, RoomEvent>();
  const conflicted = new Map<StateKey, RoomEvent[]>();
  for (const [key, byId] of candidates) {
    if (byId.size === 1) unconflicted.set(key, byId.values().next().value!);
    else conflicted.set(key, [...byId.values()]);
  }
  return { unconflicted, conflicted };
}

const sha1Cache = new Map<string, string>();
function sha1(eventId: string): string {
  let hash = sha1Cache.get(eventId);
  if (hash === undefined) {
    hash = createHash("sha1").update(eventId, "utf8").digest("hex");
    if (sha1Cache.size > 100_000) sha1Cache.clear();
    sha1Cache.set(eventId, hash);
  }
  return hash;
}

/** Highest depth first, then lowest sha1(event_id): the order the v1 passes read. */
function byDepthDescending(events: readonly RoomEvent[]): RoomEvent[] {
  return [...events].sort(
    (a, b) => b.depth - a.depth || (sha1(a.eventId) < sha1(b.eventId) ? -1 : sha1(a.eventId) > sha1(b.eventId) ? 1 : 0),
  );
}

function allowed(event: RoomEvent, state: StateMap, authCheck: AuthCheck): boolean {
  try {
    authCheck(event, state);
    return true;
  } catch (err) {
    if (err instanceof ProtocolError) return false;
    throw err;
  }
}

function resolveAuthEvents(key: StateKey, events: readonly RoomEvent[], state: StateMap, authCheck: AuthCheck): RoomEvent {
  const ascending = byDepthDescending(events).reverse();
  let previous = ascending[0]!;
  for (const event of ascending.slice(1)) {
    const withPrevious = new LayeredState(new Map([[key, previous]]), state);
    if (!allowed(event, withPrevious, authCheck)) return previous;
    previous = event;
  }
  return previous;
}

function resolveNormalEvents(events: readonly RoomEvent[], state: StateMap, authCheck: AuthCheck): RoomEvent {
  const ordered = byDepthDescending(events);
  for (const event of ordered) if (allowed(event, state, authCheck)) return event;
  return ordered[ordered.length - 1]!;
}
