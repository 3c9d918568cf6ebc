import type { Queryable } from "../../internal/database/database.js";

/** userapi_key_backup_keys: the session keys stored in each backup version. */

export interface BackupKeyRow {
  readonly roomId: string;
  readonly sessionId: string;
  readonly firstMessageIndex: number;
  readonly forwardedCount: number;
  readonly isVerified: boolean;
  readonly sessionData: Record<string, unknown>;
}

interface Row {
  room_id: string;
  session_id: string;
  first_message_index: number;
  forwarded_count: number;
  is_verified: boolean;
  session_data: Record<string, unknown>;
}

const COLUMNS = "room_id, session_id, first_message_index, forwarded_count, is_verified, session_data";
const toRow = (r: Row): BackupKeyRow => ({
  roomId: r.room_id,
  sessionId: r.session_id,
  firstMessageIndex: Number(r.first_message_index),
  forwardedCount: Number(r.forwarded_count),
  isVerified: r.is_verified,
  sessionData: r.session_data,
});

/** The version's keys, of one room or one session when given (`sessionId` only with `roomId`). */
export async function selectBackupKeys(
  q: Queryable,
  localpart: string,
  version: number,
  scope: { roomId?: string; sessionId?: string },
): Promise<BackupKeyRow[]> {
  const { where, params } = scopeFilter(localpart, version, scope);
  const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM userapi_key_backup_keys WHERE ${where} ORDER BY room_id, session_id`, params);
  return rows.map(toRow);
}

/** The stored keys of these sessions (room and session ID pairs), those that exist. */
export async function selectBackupKeysOfSessions(
  q: Queryable,
  localpart: string,
  version: number,
  sessions: readonly { roomId: string; sessionId: string }[],
): Promise<BackupKeyRow[]> {
  if (sessions.length === 0) return [];
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM userapi_key_backup_keys
     WHERE localpart = $1 AND version = $2
       AND (room_id, session_id) IN (SELECT * FROM unnest($3::text[], $4::text[]))`,
    [localpart, version, sessions.map((s) => s.roomId), sessions.map((s) => s.sessionId)],
  );
  return rows.map(toRow);
}

/** Inserts the keys, replacing stored keys of the same sessions, in one statement. */
export async function upsertBackupKeys(q: Queryable, localpart: string, version: number, keys: readonly BackupKeyRow[]): Promise<void> {
  if (keys.length === 0) return;
  await q.execute(
    `INSERT INTO userapi_key_backup_keys (localpart, version, ${COLUMNS})
     SELECT $1, $2, room_id, session_id, first_message_index, forwarded_count, is_verified, session_data::jsonb
     FROM unnest($3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::boolean[], $8::text[])
       AS k (room_id, session_id, first_message_index, forwarded_count, is_verified, session_data)
     ON CONFLICT (localpart, version, room_id, session_id) DO UPDATE SET
       first_message_index = EXCLUDED.first_message_index,
       forwarded_count = EXCLUDED.forwarded_count,
       is_verified = EXCLUDED.is_verified,
       session_data = EXCLUDED.session_data`,
    [
      localpart,
      version,
      keys.map((k) => k.roomId),
      keys.map((k) => k.sessionId),
      keys.map((k) => k.firstMessageIndex),
      keys.map((k) => k.forwardedCount),
      keys.map((k) => k.isVerified),
      keys.map((k) => JSON.stringify(k.sessionData)),
    ],
  );
}

/** Deletes the version's keys in scope; returns how many there were. */
export async function deleteBackupKeys(
  q: Queryable,
  localpart: string,
  version: number,
  scope: { roomId?: string; sessionId?: string },
): Promise<number> {
  const { where, params } = scopeFilter(localpart, version, scope);
  return q.execute(`DELETE FROM userapi_key_backup_keys WHERE ${where}`, params);
}

export async function countBackupKeys(q: Queryable, localpart: string, version: number): Promise<number> {
  const [row] = await q.query<{ count: number }>(
    "SELECT COUNT(*) AS count FROM userapi_key_backup_keys WHERE localpart = $1 AND version = $2",
    [localpart, version],
  );
  return Number(row!.count);
}

function scopeFilter(localpart: string, version: number, scope: { roomId?: string; sessionId?: string }) {
  const conditions = ["localpart = $1", "version = $2"];
  const params: unknown[] = [localpart, version];
  if (scope.roomId !== undefined) {
    params.push(scope.roomId);
    conditions.push(`room_id = $${params.length}`);
    if (scope.sessionId !== undefined) {
      params.push(scope.sessionId);
      conditions.push(`session_id = $${params.length}`);
    }
  }
  return { where: conditions.join(" AND "), params };
}
