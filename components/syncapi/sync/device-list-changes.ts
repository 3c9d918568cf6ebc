import type { Queryable } from "../../internal/database/database.js";
import { selectUsersWithKeyChanges } from "../storage/key-changes.js";
import { selectMembers, selectMembershipChanges, selectMembershipHistory, selectUsersSharingRooms } from "../storage/state.js";
import type { StreamPositions } from "../streams/positions.js";

/**
 * GET /keys/changes between two sync tokens: `changed` are the users sharing a room with
 * the user now who changed their device keys in the range or started sharing a room with
 * them in it; `left` are those whose membership went by in the range and who share no room
 * with the user any more.
 */
export async function keysChangedBetween(
  q: Queryable,
  userId: string,
  from: StreamPositions,
  to: StreamPositions,
): Promise<{ changed: string[]; left: string[] }> {
  const sharing = new Set(await selectUsersSharingRooms(q, userId));
  const changed = new Set(await selectUsersWithKeyChanges(q, [...sharing], from.deviceList, to.deviceList));
  const left = new Set<string>();
  const rooms = [...new Set((await selectMembershipHistory(q, userId)).map((m) => m.roomId))];
  for (const m of await selectMembershipChanges(q, rooms, from.pdu, to.pdu)) {
    if (m.userId === userId) {
      // The user's own join or leave: everyone in that room was met or may have been left.
      const members = await selectMembers(q, m.roomId, ["join"]);
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
