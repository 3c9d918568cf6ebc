import type { Queryable } from "../../internal/database/database.js";
import type { SyncStore } from "../caches/sync-store.js";
import type { RoomHistoryView } from "./visibility.js";
import { selectCurrentEventIds, selectMembers } from "../storage/state.js";

type Json = Record<string, unknown>;

/**
 * The member counts and, for a room without a name or canonical alias, m.heroes (spec:
 * RoomSummary): a client names such a room after its heroes, and one with a name or alias
 * after that, so heroes would only be bytes (Synapse leaves them out too).
 */
export async function roomSummary(q: Queryable, store: SyncStore, roomId: string, userId: string): Promise<Json> {
  const members = await selectMembers(q, roomId, ["join", "invite"]);
  const joined = members.filter((m) => m.membership === "join").length;
  const summary: Json = { "m.joined_member_count": joined, "m.invited_member_count": members.length - joined };
  if (!(await hasNameOrAlias(q, store, roomId))) {
    summary["m.heroes"] = members
      .filter((m) => m.userId !== userId)
      .slice(0, 5)
      .map((m) => m.userId);
  }
  return summary;
}

/** Whether the room's current m.room.name or m.room.canonical_alias names it (an empty one does not). */
async function hasNameOrAlias(q: Queryable, store: SyncStore, roomId: string): Promise<boolean> {
  const ids = await selectCurrentEventIds(q, roomId, [
    { type: "m.room.name", stateKey: "" },
    { type: "m.room.canonical_alias", stateKey: "" },
  ]);
  if (ids.size === 0) return false;
  const events = await store.events.byIds(q, [...ids.values()]);
  return events.some((e) => {
    const content = (e.json.content ?? {}) as Json;
    const value = e.type === "m.room.name" ? content.name : content.alias;
    return typeof value === "string" && value !== "";
  });
}

/** Event types that notify under the default push rules (messages, not state or reactions). */
const NOTIFYING = new Set(["m.room.message", "m.room.encrypted", "m.sticker", "m.call.invite", "m.poll.start"]);

/**
 * Unread counts per room: events by others after the user's latest read receipt, of the
 * kinds the default push rules notify for; highlights mention the user (m.mentions, or the
 * user ID or localpart in the body). Push rules themselves are not evaluated here.
 */
export async function unreadCounts(
  q: Queryable,
  store: SyncStore,
  userId: string,
  roomIds: readonly string[],
  upTo: number,
  views: ReadonlyMap<string, RoomHistoryView>,
): Promise<Map<string, { notification_count: number; highlight_count: number }>> {
  const after = await store.readMarkers.positions(q, userId, roomIds);
  const rows = await store.unread.countAfter(q, roomIds, after, upTo, userId);
  const localpart = userId.slice(1, userId.indexOf(":"));
  const mentionsLocalpart = new RegExp(`\\b${localpart.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "i");
  const out = new Map<string, { notification_count: number; highlight_count: number }>();
  for (const roomId of roomIds) {
    const view = views.get(roomId);
    const events = (rows.get(roomId)?.events ?? []).filter((e) => NOTIFYING.has(e.type) && (!view || view.maySee(e)));
    const highlights = events.filter((e) => {
      const content = (e.json.content ?? {}) as Json;
      const mentions = (content["m.mentions"] ?? {}) as Json;
      if (Array.isArray(mentions.user_ids) && mentions.user_ids.includes(userId)) return true;
      const body = typeof content.body === "string" ? content.body : "";
      return body.includes(userId) || mentionsLocalpart.test(body);
    });
    out.set(roomId, { notification_count: events.length, highlight_count: highlights.length });
  }
  return out;
}
