import type { RoomEvent, StateMap } from "../events/event.js";
import { authEventIdsOf } from "./auth-events.js";
import type { EventLookup } from "./types.js";

/**
 * Adds to `into` every event reachable from `seeds` by following auth events, the seeds
 * included, without entering `stopAt` (a set already closed under auth edges, so nothing
 * beyond it can be new). Seeds are events, not IDs, so state events the lookup does not
 * hold are still walked. Iterative, because real auth chains are deeper than the stack.
 */
function closeOver(seeds: Iterable<RoomEvent>, eventById: EventLookup, into: Set<string>, stopAt?: ReadonlySet<string>): void {
  const stack: RoomEvent[] = [];
  for (const seed of seeds) {
    if (into.has(seed.eventId) || stopAt?.has(seed.eventId)) continue;
    into.add(seed.eventId);
    stack.push(seed);
  }
  while (stack.length > 0) {
    for (const authId of authEventIdsOf(stack.pop()!)) {
      if (into.has(authId) || stopAt?.has(authId)) continue;
      into.add(authId);
      const auth = eventById(authId);
      if (auth !== undefined) stack.push(auth);
    }
  }
}

/** The auth chain of the given events: their auth events, recursively (not the events themselves). */
export function authChain(events: Iterable<RoomEvent>, eventById: EventLookup): Set<string> {
  const chain = new Set<string>();
  const seeds: RoomEvent[] = [];
  for (const event of events) {
    for (const id of authEventIdsOf(event)) {
      const auth = eventById(id);
      if (auth !== undefined) seeds.push(auth);
      else chain.add(id);
    }
  }
  closeOver(seeds, eventById, chain);
  return chain;
}

/**
 * The auth difference: events in some but not all of the state sets' full auth chains.
 *
 * Each state set's chain counts its own state events too, as Synapse computes it (the
 * de-facto behaviour that servers converge on); it only changes whether an event that is
 * in one set's state and merely in another's auth chain counts as different.
 *
 * Rather than one full walk per state set, the events present in every set are walked
 * once (their closure is common to all chains) and each set then walks only from its
 * own remaining events, stopping at that common closure. In a large room with a few
 * conflicts that turns N walks of the whole room into one.
 */
export function authDifference(stateSets: readonly StateMap[], eventById: EventLookup): Set<string> {
  const difference = new Set<string>();
  if (stateSets.length < 2) return difference;

  const setCount = new Map<string, number>();
  for (const state of stateSets) {
    for (const event of state.values()) setCount.set(event.eventId, (setCount.get(event.eventId) ?? 0) + 1);
  }
  const inEverySet: RoomEvent[] = [];
  for (const event of stateSets[0]!.values()) if (setCount.get(event.eventId) === stateSets.length) inEverySet.push(event);
  const common = new Set<string>();
  closeOver(inEverySet, eventById, common);

  const chainCount = new Map<string, number>();
  for (const state of stateSets) {
    const own = new Set<string>();
    const seeds: RoomEvent[] = [];
    for (const event of state.values()) if (!common.has(event.eventId)) seeds.push(event);
    closeOver(seeds, eventById, own, common);
    for (const id of own) chainCount.set(id, (chainCount.get(id) ?? 0) + 1);
  }
  for (const [id, count] of chainCount) if (count < stateSets.length) difference.add(id);
  return difference;
}

/**
 * Room v12's conflicted state subgraph: every event on an auth-event path from one
 * conflicted event to another, endpoints included. An event belongs if a conflicted
 * event reaches it and it reaches a conflicted event; one memoised depth-first walk down
 * from the conflicted events answers "reaches a conflicted event" for each node once.
 */
export function conflictedSubgraph(conflicted: ReadonlySet<string>, eventById: EventLookup): Set<string> {
  // id -> whether a conflicted event is reachable from it through one or more auth edges
  // (or it is itself conflicted). While a node is on the stack it reads false, which also
  // stops a malformed cyclic graph from looping.
  const reaches = new Map<string, boolean>();
  interface Frame {
    readonly id: string;
    readonly authIds: readonly string[];
    next: number;
    result: boolean;
  }
  for (const rootId of conflicted) {
    const root = eventById(rootId);
    if (root === undefined) continue;
    const stack: Frame[] = [{ id: rootId, authIds: authEventIdsOf(root), next: 0, result: true }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.authIds.length) {
        const childId = top.authIds[top.next++]!;
        const known = reaches.get(childId);
        if (known !== undefined) {
          if (known) top.result = true;
          continue;
        }
        if (conflicted.has(childId)) {
          // A conflicted child is an endpoint; it is walked as a root of its own.
          reaches.set(childId, true);
          top.result = true;
          continue;
        }
        const child = eventById(childId);
        reaches.set(childId, false);
        if (child !== undefined) stack.push({ id: childId, authIds: authEventIdsOf(child), next: 0, result: false });
        continue;
      }
      stack.pop();
      if (!conflicted.has(top.id)) reaches.set(top.id, top.result);
      if (top.result && stack.length > 0) stack[stack.length - 1]!.result = true;
    }
  }
  const subgraph = new Set(conflicted);
  for (const [id, onPath] of reaches) if (onPath) subgraph.add(id);
  return subgraph;
}
