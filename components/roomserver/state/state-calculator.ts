import type { Queryable } from "../../internal/database/database.js";
import {
  type AuthOptions,
  type RoomEvent,
  type RoomVersion,
  type StateMap,
  checkAuth,
  resolveState,
  stateKeyOf,
} from "../../protocol/index.js";
import type { EventStore, LoadedEvent } from "./event-store.js";
import type { SnapshotStore, StateNids } from "./snapshots.js";

/**
 * Room state at points of the DAG, as numeric IDs: after an event, after several events
 * (resolving their states with the room version's algorithm), and as parsed events for
 * the keys a check needs.
 */
export class StateCalculator {
  constructor(
    private readonly events: EventStore,
    private readonly snapshots: SnapshotStore,
    private readonly authOptions: AuthOptions,
  ) {}

  /** The state before an event (null for outliers, which have none). */
  async stateBefore(q: Queryable, loaded: LoadedEvent): Promise<StateNids | null> {
    if (loaded.record.stateBeforeNid === null) return null;
    return this.snapshots.load(q, loaded.record.stateBeforeNid);
  }

  /** The state after an event: before it, plus itself when it is an accepted state event. */
  async stateAfter(q: Queryable, loaded: LoadedEvent): Promise<StateNids | null> {
    const before = await this.stateBefore(q, loaded);
    if (before === null) return null;
    return withEvent(before, loaded);
  }

  /** The state after all of `events`: their states resolved when they differ. */
  async stateAfterAll(q: Queryable, version: RoomVersion, events: readonly LoadedEvent[]): Promise<StateNids | null> {
    const sets: StateNids[] = [];
    for (const loaded of events) {
      const after = await this.stateAfter(q, loaded);
      if (after === null) return null;
      sets.push(after);
    }
    return this.resolve(q, version, sets);
  }

  /** Resolves state sets; sets equal to one another need no algorithm. */
  async resolve(q: Queryable, version: RoomVersion, sets: readonly StateNids[]): Promise<StateNids> {
    const distinct = dedupe(sets);
    if (distinct.length === 0) return new Map();
    if (distinct.length === 1) return distinct[0]!;

    const nids = new Set<number>();
    for (const set of distinct) for (const nid of set.values()) nids.add(nid);
    const chain = await this.loadAuthChains(q, [...nids]);
    const byId = new Map<string, LoadedEvent>();
    for (const loaded of chain.values()) byId.set(loaded.record.eventId, loaded);
    const stateSets: StateMap[] = distinct.map((set) => {
      const map = new Map<string, RoomEvent>();
      for (const [key, nid] of set) map.set(key, chain.get(nid)!.event);
      return map;
    });
    const resolved = resolveState({
      roomVersion: version,
      stateSets,
      eventById: (id) => byId.get(id)?.event,
      isRejected: (id) => byId.get(id)?.record.status === "rejected",
      authCheck: (event, authState) => checkAuth(event, authState, this.authOptions),
    });
    const out = new Map<string, number>();
    for (const [key, event] of resolved) out.set(key, byId.get(event.eventId)!.record.nid);
    return out;
  }

  /** The parsed events of `state` for the given keys (all keys when none given). */
  async eventsOf(q: Queryable, state: StateNids, keys?: readonly string[]): Promise<Map<string, LoadedEvent>> {
    const wanted = keys ?? [...state.keys()];
    const nids = wanted.map((k) => state.get(k)).filter((n): n is number => n !== undefined);
    const loaded = await this.events.byNids(q, nids);
    const out = new Map<string, LoadedEvent>();
    for (const key of wanted) {
      const nid = state.get(key);
      if (nid !== undefined) out.set(key, loaded.get(nid)!);
    }
    return out;
  }

  /** Every event reachable over auth_events from `start` (start included), by nid. */
  async loadAuthChains(q: Queryable, start: readonly number[]): Promise<Map<number, LoadedEvent>> {
    const seen = new Map<number, LoadedEvent>();
    let frontier = [...new Set(start)];
    while (frontier.length > 0) {
      const loaded = await this.events.byNids(q, frontier);
      const next = new Set<number>();
      for (const [nid, event] of loaded) {
        seen.set(nid, event);
        for (const authNid of event.record.authEventNids) if (!seen.has(authNid)) next.add(authNid);
      }
      frontier = [...next].filter((nid) => !seen.has(nid));
    }
    return seen;
  }
}

export function withEvent(state: StateNids, loaded: LoadedEvent): StateNids {
  const { record } = loaded;
  if (record.stateKey === null || record.status === "rejected") return state;
  const next = new Map(state);
  next.set(stateKeyOf(record.type, record.stateKey), record.nid);
  return next;
}

function dedupe(sets: readonly StateNids[]): StateNids[] {
  const out: StateNids[] = [];
  for (const set of sets) if (!out.some((o) => sameState(o, set))) out.push(set);
  return out;
}

export function sameState(a: StateNids, b: StateNids): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [key, nid] of a) if (b.get(key) !== nid) return false;
  return true;
}

/** The changes from `before` to `after`: nids added and removed. */
export function stateDelta(before: StateNids, after: StateNids): { added: number[]; removed: number[] } {
  const added: number[] = [];
  const removed: number[] = [];
  for (const [key, nid] of after) {
    const old = before.get(key);
    if (old !== nid) {
      added.push(nid);
      if (old !== undefined) removed.push(old);
    }
  }
  for (const [key, nid] of before) if (!after.has(key)) removed.push(nid);
  return { added, removed };
}
