import type { Queryable } from "../../internal/database/database.js";
import { type RoomEvent, serverMaySeeEvent, serverNameOf, splitStateKey, stateKeyOf } from "../../protocol/index.js";
import type { RoomserverCore } from "../core/roomserver-core.js";
import type { LoadedEvent } from "../state/event-store.js";
import type { StateNids } from "../state/snapshots.js";

const HISTORY_VISIBILITY_KEY = stateKeyOf("m.room.history_visibility", "");
const MEMBER = "m.room.member";

/**
 * The events of `events` that `serverName` may see, by ID: decided, as the spec asks, with
 * the state before each event. Only the parts of that state the rule reads (the history
 * visibility and the memberships of the server's users) are loaded, for the whole batch at
 * once. Outliers have no known state, so they are never visible.
 */
export async function eventsVisibleToServer(
  core: RoomserverCore,
  q: Queryable,
  events: readonly LoadedEvent[],
  serverName: string,
): Promise<Set<string>> {
  const relevantBySnapshot = new Map<number, [string, number][]>();
  for (const { record } of events) {
    const snapshotNid = record.stateBeforeNid;
    if (snapshotNid === null || relevantBySnapshot.has(snapshotNid)) continue;
    relevantBySnapshot.set(snapshotNid, relevantState(await core.snapshots.load(q, snapshotNid), serverName));
  }
  const nids = new Set([...relevantBySnapshot.values()].flatMap((entries) => entries.map(([, nid]) => nid)));
  const loaded = await core.events.byNids(q, [...nids]);

  const visible = new Set<string>();
  for (const { record, event } of events) {
    if (record.stateBeforeNid === null) continue;
    const stateBefore = new Map<string, RoomEvent>(
      relevantBySnapshot.get(record.stateBeforeNid)!.map(([key, nid]) => [key, loaded.get(nid)!.event]),
    );
    if (serverMaySeeEvent(event, stateBefore, serverName)) visible.add(record.eventId);
  }
  return visible;
}

function relevantState(state: StateNids, serverName: string): [string, number][] {
  const out: [string, number][] = [];
  for (const [key, nid] of state) {
    if (key === HISTORY_VISIBILITY_KEY) out.push([key, nid]);
    else if (key.startsWith(MEMBER) && isMemberOf(key, serverName)) out.push([key, nid]);
  }
  return out;
}

function isMemberOf(key: string, serverName: string): boolean {
  const [type, userId] = splitStateKey(key);
  return type === MEMBER && serverNameOf(userId) === serverName;
}
