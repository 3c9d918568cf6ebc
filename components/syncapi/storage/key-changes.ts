import type { Queryable } from "../../internal/database/database.js";

/*
 * Users whose device keys changed, at positions of the device-list stream; and, marked
 * `key_counts_only`, devices whose one-time or fallback keys were claimed.
 */

export async function insertKeyChange(tx: Queryable, userId: string, deviceId: string, keyCountsOnly = false): Promise<number> {
  const [row] = await tx.query<{ position: number }>(
    "INSERT INTO syncapi_key_changes (user_id, device_id, key_counts_only) VALUES ($1, $2, $3) RETURNING position",
    [userId, deviceId, keyCountsOnly],
  );
  return Number(row!.position);
}

export async function selectUsersWithKeyChanges(q: Queryable, userIds: readonly string[], after: number, upTo: number): Promise<string[]> {
  if (after >= upTo) return []; // nothing can be in an empty range: no query
  const rows = await q.query<{ user_id: string }>(
    `SELECT DISTINCT user_id FROM syncapi_key_changes
     WHERE user_id = ANY($1::text[]) AND position > $2 AND position <= $3 AND NOT key_counts_only`,
    [userIds, after, upTo],
  );
  return rows.map((r) => r.user_id);
}

/** Whether the device's key counts changed in the range (someone claimed its keys). */
export async function selectKeyCountsChanged(
  q: Queryable,
  userId: string,
  deviceId: string,
  after: number,
  upTo: number,
): Promise<boolean> {
  if (after >= upTo) return false;
  const rows = await q.query(
    `SELECT 1 FROM syncapi_key_changes
     WHERE user_id = $1 AND device_id = $2 AND position > $3 AND position <= $4 AND key_counts_only LIMIT 1`,
    [userId, deviceId, after, upTo],
  );
  return rows.length > 0;
}
