import type { Queryable } from "../../internal/database/database.js";
import type { AuthenticatedUser } from "../../internal/http/auth.js";
import type { KeyCounts } from "../../userapi/api/keys.js";
import type { AccountDataRow } from "../storage/account-data.js";
import type { SyncStore } from "../caches/sync-store.js";
import { limitOf, passesFilter, type SyncFilter } from "./filter.js";
import type { RoomTimeline } from "./room-timelines.js";
import type { SyncRange } from "./sync-builder.js";
import { selectUsersWithKeyChanges } from "../storage/key-changes.js";
import { selectPresenceChanged } from "../storage/presence.js";
import { selectPendingToDevice } from "../storage/send-to-device.js";
import { selectMembers, selectUsersSharingRooms } from "../storage/state.js";

type Json = Record<string, unknown>;

/** To-device messages per response at most; the rest come with the next sync. */
const TO_DEVICE_LIMIT = 100;

/**
 * The parts of a sync that belong to the user rather than a room: presence of the people
 * they share rooms with, global account data, to-device messages, device-list changes and
 * the syncing device's one-time and fallback key counts (`keyCounts`, from the userapi).
 */
export async function userExtras(
  q: Queryable,
  store: SyncStore,
  user: AuthenticatedUser,
  filter: SyncFilter,
  range: SyncRange,
  accountData: readonly AccountDataRow[],
  newlyJoined: readonly string[],
  timelines: ReadonlyMap<string, RoomTimeline>,
  keyCounts: KeyCounts,
): Promise<{ body: Json; toDevice: number; deviceListsEmpty: boolean }> {
  const { since, to } = range;
  const full = since === null || range.fullState;
  // Who shares a room with the user matters for presence and device lists only: not asked
  // for when neither has changed and no membership went by (most incremental syncs).
  const membersWent = newlyJoined.length > 0 || [...timelines.values()].some((t) => t.events.some((e) => e.type === "m.room.member"));
  const needsSharing = full || since.presence < to.presence || since.deviceList < to.deviceList || membersWent;
  const sharing = needsSharing ? await selectUsersSharingRooms(q, user.userId) : [];
  const everyone = sharing.includes(user.userId) ? sharing : [...sharing, user.userId];
  const now = Date.now();

  // Users newly met in a room are owed their presence as it stands, not only its changes
  // since `since`: the client has never been told it.
  const met = full || !since ? [] : await newlySharedUsers(q, store, user.userId, newlyJoined, timelines);
  const changedPresence = await selectPresenceChanged(q, everyone, full || !since ? 0 : since.presence, to.presence);
  const metPresence = met.length === 0 ? [] : await selectPresenceChanged(q, met, 0, to.presence);
  const alreadyChanged = new Set(changedPresence.map((p) => p.userId));
  const presence = [...metPresence.filter((p) => !alreadyChanged.has(p.userId)), ...changedPresence]
    .filter((p) => passesFilter(filter.presence, { type: "m.presence", sender: p.userId }))
    .slice(-limitOf(filter.presence, 1000))
    .map((p) => ({
      type: "m.presence",
      sender: p.userId,
      content: {
        presence: p.presence,
        last_active_ago: Math.max(0, now - p.lastActiveTs),
        currently_active: p.currentlyActive,
        ...(p.statusMsg !== null ? { status_msg: p.statusMsg } : {}),
      },
    }));

  const globalData = accountData
    .filter((a) => a.roomId === "" && passesFilter(filter.account_data, { type: a.type }))
    .slice(-limitOf(filter.account_data, 1000))
    .map((a) => ({ type: a.type, content: a.content }));

  // The sync acknowledged `since` before building: only later messages can be waiting.
  const messages = await selectPendingToDevice(q, user.userId, user.deviceId, since?.toDevice ?? 0, to.toDevice, TO_DEVICE_LIMIT);
  const toDevice = messages.length === TO_DEVICE_LIMIT ? messages[messages.length - 1]!.position : to.toDevice;

  const deviceLists =
    since === null
      ? { changed: [], left: [] }
      : await deviceListChanges(q, store, user.userId, everyone, since.deviceList, to.deviceList, newlyJoined, timelines);
  return {
    body: {
      presence: { events: presence },
      account_data: { events: globalData },
      to_device: { events: messages.map((m) => ({ sender: m.sender, type: m.type, content: m.content })) },
      device_lists: deviceLists,
      device_one_time_keys_count: keyCounts.oneTimeKeyCounts,
      device_unused_fallback_key_types: keyCounts.unusedFallbackKeyTypes,
    },
    toDevice,
    deviceListsEmpty: deviceLists.changed.length === 0 && deviceLists.left.length === 0,
  };
}

/** The others in the rooms the user newly joined, and those who joined the user's rooms in this sync's range. */
async function newlySharedUsers(
  q: Queryable,
  store: SyncStore,
  userId: string,
  newlyJoined: readonly string[],
  timelines: ReadonlyMap<string, RoomTimeline>,
): Promise<string[]> {
  const met = new Set<string>();
  for (const roomId of newlyJoined) {
    for (const m of await selectMembers(q, roomId, ["join"])) met.add(m.userId);
  }
  for (const t of timelines.values()) {
    for (const e of [...t.state, ...t.events]) {
      if (e.type === "m.room.member" && e.stateKey && ((e.json.content ?? {}) as Json).membership === "join") met.add(e.stateKey);
    }
  }
  met.delete(userId);
  return [...met];
}

/**
 * device_lists: users whose keys changed, plus users the user newly shares a room with
 * (their keys must be fetched); `left`: users the user shares no room with any more.
 */
async function deviceListChanges(
  q: Queryable,
  store: SyncStore,
  userId: string,
  sharing: readonly string[],
  after: number,
  upTo: number,
  newlyJoined: readonly string[],
  timelines: ReadonlyMap<string, RoomTimeline>,
): Promise<{ changed: string[]; left: string[] }> {
  const changed = new Set(await selectUsersWithKeyChanges(q, sharing, after, upTo));
  for (const roomId of newlyJoined) {
    for (const m of await selectMembers(q, roomId, ["join"])) if (m.userId !== userId) changed.add(m.userId);
  }
  const left = new Set<string>();
  const shared = new Set(sharing);
  for (const t of timelines.values()) {
    for (const e of t.events) {
      if (e.type !== "m.room.member" || e.stateKey === null || e.stateKey === userId) continue;
      const membership = ((e.json.content ?? {}) as Json).membership;
      if (membership === "join") changed.add(e.stateKey);
      else if (!shared.has(e.stateKey)) left.add(e.stateKey);
    }
  }
  for (const u of left) changed.delete(u);
  return { changed: [...changed], left: [...left] };
}
