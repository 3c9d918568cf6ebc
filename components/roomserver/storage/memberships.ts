import type { Queryable } from "../../internal/database/database.js";

export interface MembershipRecord {
  roomNid: number;
  userId: string;
  membership: string;
  eventNid: number;
  isLocal: boolean;
}

export async function upsertMembership(q: Queryable, m: MembershipRecord): Promise<void> {
  await q.execute(
    `INSERT INTO roomserver_memberships (room_nid, user_id, membership, event_nid, is_local) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (room_nid, user_id) DO UPDATE SET membership = EXCLUDED.membership, event_nid = EXCLUDED.event_nid`,
    [m.roomNid, m.userId, m.membership, m.eventNid, m.isLocal],
  );
}

export async function selectMembership(q: Queryable, roomNid: number, userId: string): Promise<MembershipRecord | null> {
  const [row] = await q.query<{ membership: string; event_nid: number; is_local: boolean }>(
    "SELECT membership, event_nid, is_local FROM roomserver_memberships WHERE room_nid = $1 AND user_id = $2",
    [roomNid, userId],
  );
  return row ? { roomNid, userId, membership: row.membership, eventNid: row.event_nid, isLocal: row.is_local } : null;
}

export async function selectMembers(
  q: Queryable,
  roomNid: number,
  memberships: readonly string[],
  localOnly: boolean,
): Promise<MembershipRecord[]> {
  const rows = await q.query<{ user_id: string; membership: string; event_nid: number; is_local: boolean }>(
    `SELECT user_id, membership, event_nid, is_local FROM roomserver_memberships
     WHERE room_nid = $1 AND (cardinality($2::text[]) = 0 OR membership = ANY($2::text[])) AND (NOT $3 OR is_local)
     ORDER BY user_id`,
    [roomNid, memberships, localOnly],
  );
  return rows.map((r) => ({ roomNid, userId: r.user_id, membership: r.membership, eventNid: r.event_nid, isLocal: r.is_local }));
}

export async function selectRoomIdsForUser(q: Queryable, userId: string, membership: string): Promise<string[]> {
  const rows = await q.query<{ room_id: string }>(
    `SELECT r.room_id FROM roomserver_memberships m JOIN roomserver_rooms r ON r.room_nid = m.room_nid
     WHERE m.user_id = $1 AND m.membership = $2 ORDER BY r.room_nid`,
    [userId, membership],
  );
  return rows.map((r) => r.room_id);
}

export async function countMembers(q: Queryable, roomNid: number): Promise<{ joined: number; invited: number }> {
  const rows = await q.query<{ membership: string; n: number }>(
    "SELECT membership, count(*)::int8 AS n FROM roomserver_memberships WHERE room_nid = $1 GROUP BY membership",
    [roomNid],
  );
  const of = (m: string) => rows.find((r) => r.membership === m)?.n ?? 0;
  return { joined: of("join"), invited: of("invite") };
}

/** Whether any user of `serverName` is joined: user IDs end with ":" + server name. */
export async function serverHasJoinedMember(q: Queryable, roomNid: number, serverName: string): Promise<boolean> {
  const rows = await q.query(
    "SELECT 1 FROM roomserver_memberships WHERE room_nid = $1 AND membership = 'join' AND right(user_id, $3) = $2 LIMIT 1",
    [roomNid, `:${serverName}`, serverName.length + 1],
  );
  return rows.length > 0;
}
