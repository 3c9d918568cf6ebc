import { stateKeyOf, type RoomEvent, type StateKey, type StateMap } from "../events/event.js";
import { authDifference, conflictedSubgraph } from "./auth-chain.js";
import { authEventIdsOf } from "./auth-events.js";
import { iterativeAuthChecks } from "./iterative.js";
import { mainlineOrder } from "./mainline.js";
import { isPowerEvent, senderPowerLevel } from "./power.js";
import { compareIds, lexicographicalTopologicalSort } from "./topological.js";
import type { EventLookup, ResolvedState, StateResolutionInput } from "./types.js";

export interface SeparatedState {
  readonly unconflicted: Map<StateKey, RoomEvent>;
  /** Every event of a conflicted key, by event ID. */
  readonly conflicted: Map<string, RoomEvent>;
}

/**
 * Splits the state sets into the unconflicted state map and the conflicted state set.
 * A key missing from some set is conflicted (the v2 definition: "present in every S_i
 * with the same value"), unlike v1 where absence is no conflict.
 */
export function separateV2(stateSets: readonly StateMap[]): SeparatedState {
  const unconflicted = new Map<StateKey, RoomEvent>();
  const conflicted = new Map<string, RoomEvent>();
  const keys = new Set<StateKey>();
  for (const state of stateSets) for (const key of state.keys()) keys.add(key);
  for (const key of keys) {
    const first = stateSets[0]!.get(key);
    let same = first !== undefined;
    for (let i = 1; same && i < stateSets.length; i++) same = stateSets[i]!.get(key)?.eventId === first!.eventId;
    if (same) {
      unconflicted.set(key, first!);
      continue;
    }
    for (const state of stateSets) {
      const event = state.get(key);
      if (event !== undefined) conflicted.set(event.eventId, event);
    }
  }
  return { unconflicted, conflicted };
}

/**
 * The power events of the full conflicted set and every event of that set in their auth
 * chains, sorted by the reverse topological power ordering.
 *
 * The walk down from a power event follows only auth edges that stay inside the full
 * conflicted set, as Synapse and ruma do; servers must agree on the order, so this
 * matches the de-facto behaviour. (An event outside the set is in every state's auth
 * chain, and so is everything beneath it, so little can be missed.)
 */
export function sortedPowerEvents(fullConflicted: ReadonlyMap<string, RoomEvent>, eventById: EventLookup): RoomEvent[] {
  const edges = new Map<string, string[]>();
  const stack: string[] = [];
  for (const [id, event] of fullConflicted) {
    if (isPowerEvent(event) && !edges.has(id)) {
      edges.set(id, []);
      stack.push(id);
    }
  }
  while (stack.length > 0) {
    const id = stack.pop()!;
    const inSet: string[] = edges.get(id)!;
    for (const authId of authEventIdsOf(fullConflicted.get(id)!)) {
      if (!fullConflicted.has(authId)) continue;
      inSet.push(authId);
      if (!edges.has(authId)) {
        edges.set(authId, []);
        stack.push(authId);
      }
    }
  }

  const power = new Map<string, number>();
  for (const id of edges.keys()) power.set(id, senderPowerLevel(fullConflicted.get(id)!, eventById));
  const order = lexicographicalTopologicalSort(edges, (a, b) => {
    const x = fullConflicted.get(a)!;
    const y = fullConflicted.get(b)!;
    const px = power.get(a)!;
    const py = power.get(b)!;
    if (px !== py) return px > py ? -1 : 1; // higher power first
    return x.originServerTs - y.originServerTs || compareIds(a, b);
  });
  return order.map((id) => fullConflicted.get(id)!);
}

/** Which variant of the v2 algorithm: "v2.1" is room v12's (MSC4297). */
interface Variant {
  /** v2.1 adds the conflicted state subgraph to the full conflicted set. */
  readonly includeConflictedSubgraph: boolean;
  /**
   * v2.1 starts the power-event auth checks from empty state: unconflicted state may be
   * bogus (a fork citing old join rules), so only what the auth chains prove is trusted.
   */
  readonly startFromUnconflicted: boolean;
}

const VARIANTS: Readonly<Record<"v2" | "v2.1", Variant>> = {
  v2: { includeConflictedSubgraph: false, startFromUnconflicted: true },
  "v2.1": { includeConflictedSubgraph: true, startFromUnconflicted: false },
};

/** State resolution v2 (rooms v2-v11) and v2.1 (room v12). */
export function resolveStateV2(input: StateResolutionInput, variantName: "v2" | "v2.1"): ResolvedState {
  const variant = VARIANTS[variantName];
  const { stateSets, eventById, authCheck } = input;
  const isRejected = input.isRejected ?? (() => false);
  if (stateSets.length === 0) return new Map();
  if (stateSets.length === 1) return new Map(stateSets[0]!);

  const { unconflicted, conflicted } = separateV2(stateSets);
  if (conflicted.size === 0) return unconflicted;

  // Conflicted events come with the state sets; the rest of the full conflicted set is
  // looked up, and events the caller could not supply are left out (as Synapse does).
  const fullConflicted = new Map(conflicted);
  const addById = (id: string) => {
    if (fullConflicted.has(id)) return;
    const event = eventById(id);
    if (event !== undefined) fullConflicted.set(id, event);
  };
  for (const id of authDifference(stateSets, eventById)) addById(id);
  if (variant.includeConflictedSubgraph) {
    const lookup: EventLookup = (id) => conflicted.get(id) ?? eventById(id);
    for (const id of conflictedSubgraph(new Set(conflicted.keys()), lookup)) addById(id);
  }

  const powerEvents = sortedPowerEvents(fullConflicted, eventById);
  const resolved = iterativeAuthChecks(
    variant.startFromUnconflicted ? new Map(unconflicted) : new Map(),
    powerEvents,
    eventById,
    authCheck,
    isRejected,
  );

  const sortedAsPower = new Set(powerEvents.map((event) => event.eventId));
  const others = [...fullConflicted.values()].filter((event) => !sortedAsPower.has(event.eventId));
  const ordered = mainlineOrder(others, resolved.get(stateKeyOf("m.room.power_levels", "")), eventById);
  iterativeAuthChecks(resolved, ordered, eventById, authCheck, isRejected);

  for (const [key, event] of unconflicted) resolved.set(key, event);
  return resolved;
}
