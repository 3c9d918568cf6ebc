import type { Queryable } from "../../internal/database/database.js";

/** userapi_key_backup_versions: each user's backup versions, deleted ones included (marked). */

export interface BackupVersionRow {
  readonly version: number;
  readonly algorithm: string;
  readonly authData: Record<string, unknown>;
  readonly etag: number;
  readonly deleted: boolean;
}

interface Row {
  version: number;
  algorithm: string;
  auth_data: Record<string, unknown>;
  etag: number;
  deleted: boolean;
}

const COLUMNS = "version, algorithm, auth_data, etag, deleted";
const toRow = (r: Row): BackupVersionRow => ({
  version: Number(r.version),
  algorithm: r.algorithm,
  authData: r.auth_data,
  etag: Number(r.etag),
  deleted: r.deleted,
});

/**
 * A new version numbered one above the user's highest, deleted ones counted; returns it.
 * Two concurrent inserts for one user would pick the same number: callers hold the user's lock.
 */
export async function insertBackupVersion(
  q: Queryable,
  localpart: string,
  algorithm: string,
  authData: Record<string, unknown>,
): Promise<number> {
  const [row] = await q.query<{ version: number }>(
    `INSERT INTO userapi_key_backup_versions (localpart, version, algorithm, auth_data)
     SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3::jsonb FROM userapi_key_backup_versions WHERE localpart = $1
     RETURNING version`,
    [localpart, algorithm, JSON.stringify(authData)],
  );
  return Number(row!.version);
}

/** The version, deleted or not; null when it never existed. */
export async function selectBackupVersion(q: Queryable, localpart: string, version: number): Promise<BackupVersionRow | null> {
  const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM userapi_key_backup_versions WHERE localpart = $1 AND version = $2`, [
    localpart,
    version,
  ]);
  return rows[0] ? toRow(rows[0]) : null;
}

/** The user's current version: the highest not deleted; null when there is none. */
export async function selectCurrentBackupVersion(q: Queryable, localpart: string): Promise<BackupVersionRow | null> {
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM userapi_key_backup_versions WHERE localpart = $1 AND NOT deleted ORDER BY version DESC LIMIT 1`,
    [localpart],
  );
  return rows[0] ? toRow(rows[0]) : null;
}

export async function updateBackupAuthData(
  q: Queryable,
  localpart: string,
  version: number,
  authData: Record<string, unknown>,
): Promise<void> {
  await q.execute("UPDATE userapi_key_backup_versions SET auth_data = $3::jsonb WHERE localpart = $1 AND version = $2", [
    localpart,
    version,
    JSON.stringify(authData),
  ]);
}

export async function markBackupVersionDeleted(q: Queryable, localpart: string, version: number): Promise<void> {
  await q.execute("UPDATE userapi_key_backup_versions SET deleted = true WHERE localpart = $1 AND version = $2", [localpart, version]);
}

/** Records that the version's keys changed; returns the new etag. */
export async function bumpBackupEtag(q: Queryable, localpart: string, version: number): Promise<number> {
  const [row] = await q.query<{ etag: number }>(
    "UPDATE userapi_key_backup_versions SET etag = etag + 1 WHERE localpart = $1 AND version = $2 RETURNING etag",
    [localpart, version],
  );
  return Number(row!.etag);
}
