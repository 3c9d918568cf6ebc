import type { Queryable } from "../../internal/database/database.js";
import type { StreamPositions } from "../api/positions.js";
import type { SyncStore } from "../storage/store.js";

/**
 * GET /keys/changes between two sync tokens: `changed` are the users sharing a room with
 * the user now who changed their device keys in the range or started sharing a room with
 * them in it; `left` are those whose membership went by in the range and who share no room
 * with the user any more.
 */
export async function keysChangedBetween(
  q: Queryable,
  store: SyncStore,
  userId: string,
  from: StreamPositions,
  to: StreamPositions,
): Promise<{ changed: string[]; left: string[] }> {
  const sharing = new Set(await store.state.usersSharingRooms(q, userId));
  const changed = new Set(await store.keyChanges.changedUsers(q, [...sharing], from.deviceList, to.deviceList));
  const left = new Set<string>();
  const rooms = [...new Set((await store.state.membershipHistory(q, userId)).map((m) => m.roomId))];
  for (const m of await store.state.membershipChanges(q, rooms, from.pdu, to.pdu)) {
    if (m.userId === userId) {
      // The user's own join or leave: everyone in that room was met or may have been left.
      const members = await store.state.members(q, m.roomId, ["join"]);
      for (const o of members) if (o.userId !== userId) (sharing.has(o.userId) ? changed : left).add(o.userId);
    } else if (sharing.has(m.userId)) {
      if (m.membership === "join") changed.add(m.userId);
    } else {
      left.add(m.userId);
    }
  }
  changed.delete(userId);
  left.delete(userId);
  for (const u of changed) left.delete(u);
  return { changed: [...changed].sort(), left: [...left].sort() };
}
