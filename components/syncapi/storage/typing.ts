import type { Queryable } from "../../internal/database/database.js";

/*
 * Who types where. Kept in the database (not only in memory) so typing positions in a sync
 * token stay meaningful after a restart.
 */

export async function upsertTyping(tx: Queryable, roomId: string, userId: string, typing: boolean, expiresAt: number): Promise<number> {
  const [row] = await tx.query<{ position: number }>(
    `INSERT INTO syncapi_typing (room_id, user_id, typing, expires_at, position) VALUES ($1, $2, $3, $4, nextval('syncapi_typing_seq'))
     ON CONFLICT (room_id, user_id) DO UPDATE SET typing = EXCLUDED.typing, expires_at = EXCLUDED.expires_at, position = EXCLUDED.position
     RETURNING position`,
    [roomId, userId, typing, expiresAt],
  );
  return Number(row!.position);
}

/** Rooms whose typing changed in (after, upTo], with who types there now (not expired). */
export async function selectTypingChanged(
  q: Queryable,
  roomIds: readonly string[],
  after: number,
  upTo: number,
  now: number,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  // Typing ends by a position change too (a timer stops it), so an empty range has none.
  if (roomIds.length === 0 || after >= upTo) return out;
  const rows = await q.query<{ room_id: string; user_id: string; typing: boolean; expires_at: number; changed: boolean }>(
    `SELECT room_id, user_id, typing, expires_at, position > $2 AS changed FROM syncapi_typing
     WHERE room_id = ANY($1::text[]) AND room_id IN (
       SELECT room_id FROM syncapi_typing WHERE room_id = ANY($1::text[]) AND position > $2 AND position <= $3)
     ORDER BY position`,
    [roomIds, after, upTo],
  );
  for (const r of rows) {
    const list = out.get(r.room_id) ?? [];
    if (r.typing && Number(r.expires_at) > now) list.push(r.user_id);
    out.set(r.room_id, list);
  }
  return out;
}

/** Everyone marked typing, with the expiry: timers to stop them are set again after a restart. */
export async function selectActiveTyping(q: Queryable): Promise<{ roomId: string; userId: string; expiresAt: number }[]> {
  const rows = await q.query<{ room_id: string; user_id: string; expires_at: number }>(
    "SELECT room_id, user_id, expires_at FROM syncapi_typing WHERE typing",
  );
  return rows.map((r) => ({ roomId: r.room_id, userId: r.user_id, expiresAt: Number(r.expires_at) }));
}

/** Whether the user is still marked typing in the room with this expiry (nothing replaced it since). */
export async function typingStillExpiresAt(q: Queryable, roomId: string, userId: string, expiresAt: number): Promise<boolean> {
  const [row] = await q.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM syncapi_typing WHERE room_id = $1 AND user_id = $2 AND typing AND expires_at = $3",
    [roomId, userId, expiresAt],
  );
  return row !== undefined && Number(row.n) > 0;
}
