import type { Queryable } from "../../internal/database/database.js";

export interface InviteRow {
  eventId: string;
  roomId: string;
  position: number;
  json: Record<string, unknown>;
  retired: boolean;
}

/* Invites of local users; a retired invite moves to a new position so syncs see it go. */

export async function insertInvite(tx: Queryable, eventId: string, roomId: string, userId: string, eventJson: string): Promise<number> {
  const [row] = await tx.query<{ position: number }>(
    `INSERT INTO syncapi_invites (event_id, position, room_id, user_id, event_json) VALUES ($1, nextval('syncapi_invite_seq'), $2, $3, $4)
     ON CONFLICT (event_id) DO UPDATE SET position = nextval('syncapi_invite_seq'), retired = false RETURNING position`,
    [eventId, roomId, userId, eventJson],
  );
  return Number(row!.position);
}

export async function retireInvite(tx: Queryable, eventId: string): Promise<number | null> {
  const [row] = await tx.query<{ position: number }>(
    "UPDATE syncapi_invites SET retired = true, position = nextval('syncapi_invite_seq') WHERE event_id = $1 AND NOT retired RETURNING position",
    [eventId],
  );
  return row ? Number(row.position) : null;
}

/** The user's invites that changed in (after, upTo]; with after 0, every pending one. */
export async function selectInvitesChanged(q: Queryable, userId: string, after: number, upTo: number): Promise<InviteRow[]> {
  if (after >= upTo) return []; // nothing can be in an empty range: no query
  const rows = await q.query<{ event_id: string; room_id: string; position: number; event_json: string; retired: boolean }>(
    `SELECT event_id, room_id, position, event_json, retired FROM syncapi_invites
     WHERE user_id = $1 AND position > $2 AND position <= $3 AND ($2 > 0 OR NOT retired) ORDER BY position`,
    [userId, after, upTo],
  );
  return rows.map((r) => ({
    eventId: r.event_id,
    roomId: r.room_id,
    position: Number(r.position),
    json: JSON.parse(r.event_json) as Record<string, unknown>,
    retired: r.retired,
  }));
}
