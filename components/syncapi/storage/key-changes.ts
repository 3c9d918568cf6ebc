import type { Queryable } from "../../internal/database/database.js";

/* Users whose device keys changed, at positions of the device-list stream. */

export async function insertKeyChange(tx: Queryable, userId: string, deviceId: string): Promise<number> {
  const [row] = await tx.query<{ position: number }>(
    "INSERT INTO syncapi_key_changes (user_id, device_id) VALUES ($1, $2) RETURNING position",
    [userId, deviceId],
  );
  return Number(row!.position);
}

export async function selectUsersWithKeyChanges(q: Queryable, userIds: readonly string[], after: number, upTo: number): Promise<string[]> {
  if (after >= upTo) return []; // nothing can be in an empty range: no query
  const rows = await q.query<{ user_id: string }>(
    "SELECT DISTINCT user_id FROM syncapi_key_changes WHERE user_id = ANY($1::text[]) AND position > $2 AND position <= $3",
    [userIds, after, upTo],
  );
  return rows.map((r) => r.user_id);
}
