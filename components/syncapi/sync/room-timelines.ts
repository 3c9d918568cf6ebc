import type { Queryable } from "../../internal/database/database.js";
import type { StoredEvent } from "../storage/events.js";
import type { StateRange } from "../storage/state.js";
import type { SyncStore } from "../caches/sync-store.js";
import { encodeHistoryToken } from "../streams/positions.js";
import { limitOf, passesFilter, type RoomFilter } from "./filter.js";
import type { LazyMemberCache } from "./lazy-members.js";
import type { RoomHistoryView } from "./visibility.js";
import { selectStateChanges } from "../storage/state.js";

/** What a sync asks of one room: its events in (after, upTo], and whether it needs full state. */
export interface RoomPlan {
  roomId: string;
  after: number;
  upTo: number;
  /** Full state at the timeline's start (initial, full_state, newly joined); else only what changed. */
  fullState: boolean;
  /** After this position only the changes of state are due, when the timeline is limited. */
  stateAfter: number;
  view: RoomHistoryView;
}

export interface RoomTimeline {
  events: StoredEvent[];
  limited: boolean;
  prevBatch: string;
  state: StoredEvent[];
}

/**
 * Timelines and state of a sync's rooms, a few queries for all of them: the newest events
 * of each room (limit+1, to tell `limited`), then the state at the start of each timeline,
 * whole or as the changes since the last sync, filtered and lazy-loaded as the filter says.
 */
export async function roomTimelines(
  q: Queryable,
  store: SyncStore,
  plans: readonly RoomPlan[],
  filter: RoomFilter,
  device: { userId: string; deviceId: string },
  lazy: LazyMemberCache,
): Promise<Map<string, RoomTimeline>> {
  const limit = limitOf(filter.timeline, 10);
  const windows = new Map<string, StoredEvent[]>();
  // One query per distinct range (in practice: from the start, and from `since`).
  const groups = new Map<string, RoomPlan[]>();
  for (const p of plans) groups.set(`${p.after}:${p.upTo}`, [...(groups.get(`${p.after}:${p.upTo}`) ?? []), p]);
  for (const group of groups.values()) {
    const { after, upTo } = group[0]!;
    const found = await store.events.recentPerRoom(
      q,
      group.map((p) => p.roomId),
      after,
      upTo,
      limit + 1,
      filter.timeline,
    );
    for (const [roomId, list] of found) windows.set(roomId, list);
  }

  const out = new Map<string, RoomTimeline>();
  const ranges: StateRange[] = [];
  const lazyLoad = filter.state?.lazy_load_members === true;
  const fullRanges: StateRange[] = [];
  for (const p of plans) {
    const newestFirst = windows.get(p.roomId) ?? [];
    const limited = newestFirst.length > limit;
    const window = newestFirst.slice(0, limit).reverse();
    const start = window[0]?.position ?? p.upTo + 1;
    out.set(p.roomId, { events: p.view.filter(window), limited, prevBatch: encodeHistoryToken(start - 1), state: [] });
    if (p.fullState) ranges.push({ roomId: p.roomId, after: 0, upTo: start - 1 });
    else if (limited) ranges.push({ roomId: p.roomId, after: p.stateAfter, upTo: start - 1 });
    if (lazyLoad) fullRanges.push({ roomId: p.roomId, after: 0, upTo: start - 1 });
  }

  const changes = await selectStateChanges(q, ranges);
  const memberChanges = lazyLoad ? await selectStateChanges(q, fullRanges) : new Map();
  const wanted = new Map<string, string[]>();
  for (const p of plans) {
    const timeline = out.get(p.roomId)!;
    const ids = (changes.get(p.roomId) ?? []).filter((c) => c.eventId !== null && (!lazyLoad || c.type !== "m.room.member"));
    let list = ids.map((c) => c.eventId!);
    if (lazyLoad) list = list.concat(lazyMembers(p, timeline, memberChanges.get(p.roomId) ?? [], filter, device, lazy));
    wanted.set(p.roomId, list);
  }
  const events = new Map((await store.events.byIds(q, [...new Set([...wanted.values()].flat())])).map((e) => [e.eventId, e]));
  for (const [roomId, ids] of wanted) {
    const state = ids
      .map((id) => events.get(id))
      .filter((e): e is StoredEvent => !!e && passesFilter(filter.state, { type: e.type, sender: e.sender }));
    out.get(roomId)!.state = state.sort((a, b) => a.position - b.position);
  }
  return out;
}

/** The member events a lazy-loading client needs: of the timeline's senders (and its own on a full sync). */
function lazyMembers(
  p: RoomPlan,
  timeline: RoomTimeline,
  state: readonly { type: string; stateKey: string; eventId: string | null }[],
  filter: RoomFilter,
  device: { userId: string; deviceId: string },
  lazy: LazyMemberCache,
): string[] {
  const needed = new Set(timeline.events.map((e) => e.sender));
  if (p.fullState) needed.add(device.userId);
  const inTimeline = new Set(timeline.events.filter((e) => e.type === "m.room.member").map((e) => e.stateKey));
  const redundant = filter.state?.include_redundant_members === true;
  const chosen = [...needed].filter((u) => !inTimeline.has(u) && (redundant || !lazy.wasSent(device.userId, device.deviceId, p.roomId, u)));
  lazy.markSent(
    device.userId,
    device.deviceId,
    p.roomId,
    [...chosen, ...inTimeline].filter((u): u is string => !!u),
  );
  const byUser = new Map(state.filter((c) => c.type === "m.room.member" && c.eventId).map((c) => [c.stateKey, c.eventId!]));
  return chosen.map((u) => byUser.get(u)).filter((id): id is string => !!id);
}
