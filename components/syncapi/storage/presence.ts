import type { Queryable } from "../../internal/database/database.js";

export interface PresenceRow {
  userId: string;
  presence: string;
  statusMsg: string | null;
  lastActiveTs: number;
  currentlyActive: boolean;
  position: number;
}

type Raw = {
  user_id: string;
  presence: string;
  status_msg: string | null;
  last_active_ts: number;
  currently_active: boolean;
  position: number;
};
const toRow = (r: Raw): PresenceRow => ({
  userId: r.user_id,
  presence: r.presence,
  statusMsg: r.status_msg,
  lastActiveTs: Number(r.last_active_ts),
  currentlyActive: r.currently_active,
  position: Number(r.position),
});

/* syncapi_presence: each user's latest presence, at a position of the presence stream. */

export async function upsertPresence(tx: Queryable, p: Omit<PresenceRow, "position">): Promise<number> {
  const [row] = await tx.query<{ position: number }>(
    `INSERT INTO syncapi_presence (user_id, presence, status_msg, last_active_ts, currently_active, position)
     VALUES ($1, $2, $3, $4, $5, nextval('syncapi_presence_seq'))
     ON CONFLICT (user_id) DO UPDATE SET presence = EXCLUDED.presence, status_msg = EXCLUDED.status_msg,
       last_active_ts = EXCLUDED.last_active_ts, currently_active = EXCLUDED.currently_active, position = EXCLUDED.position
     RETURNING position`,
    [p.userId, p.presence, p.statusMsg, p.lastActiveTs, p.currentlyActive],
  );
  return Number(row!.position);
}

export async function selectPresence(q: Queryable, userId: string): Promise<PresenceRow | null> {
  const [row] = await q.query<Raw>("SELECT * FROM syncapi_presence WHERE user_id = $1", [userId]);
  return row ? toRow(row) : null;
}

export async function selectPresenceChanged(q: Queryable, userIds: readonly string[], after: number, upTo: number): Promise<PresenceRow[]> {
  if (after >= upTo) return []; // nothing can be in an empty range: no query
  const rows = await q.query<Raw>(
    "SELECT * FROM syncapi_presence WHERE user_id = ANY($1::text[]) AND position > $2 AND position <= $3 ORDER BY position",
    [userIds, after, upTo],
  );
  return rows.map(toRow);
}
