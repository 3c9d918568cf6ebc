import type { Queryable } from "../../internal/database/database.js";

/** userapi_one_time_keys: unclaimed one-time keys per device, deleted as they are claimed. */

export interface OneTimeKeyRow {
  algorithm: string;
  key_id: string;
  key_json: string;
}

export interface ClaimedKeyRow extends OneTimeKeyRow {
  localpart: string;
  device_id: string;
}

/** Those of the device's keys stored under the given `<algorithm>:<key_id>` names. */
export async function selectOneTimeKeys(
  q: Queryable,
  localpart: string,
  deviceId: string,
  fullKeyIds: readonly string[],
): Promise<OneTimeKeyRow[]> {
  if (fullKeyIds.length === 0) return [];
  return q.query<OneTimeKeyRow & Record<string, unknown>>(
    `SELECT algorithm, key_id, key_json FROM userapi_one_time_keys
     WHERE localpart = $1 AND device_id = $2 AND algorithm || ':' || key_id = ANY($3::text[])`,
    [localpart, deviceId, fullKeyIds],
  );
}

/** Adds keys; one already stored under the same ID is left as it is. */
export async function insertOneTimeKeys(q: Queryable, localpart: string, deviceId: string, keys: readonly OneTimeKeyRow[]): Promise<void> {
  if (keys.length === 0) return;
  await q.execute(
    `INSERT INTO userapi_one_time_keys (localpart, device_id, algorithm, key_id, key_json)
     SELECT $1, $2, k.algorithm, k.key_id, k.key_json
     FROM unnest($3::text[], $4::text[], $5::text[]) AS k(algorithm, key_id, key_json)
     ON CONFLICT DO NOTHING`,
    [localpart, deviceId, keys.map((k) => k.algorithm), keys.map((k) => k.key_id), keys.map((k) => k.key_json)],
  );
}

/** The number of unclaimed keys per algorithm. */
export async function countOneTimeKeys(q: Queryable, localpart: string, deviceId: string): Promise<Record<string, number>> {
  const rows = await q.query<{ algorithm: string; count: number | string }>(
    "SELECT algorithm, count(*) AS count FROM userapi_one_time_keys WHERE localpart = $1 AND device_id = $2 GROUP BY algorithm",
    [localpart, deviceId],
  );
  return Object.fromEntries(rows.map((r) => [r.algorithm, Number(r.count)]));
}

/**
 * Deletes and returns the oldest key of each (user, device, algorithm) asked for, in one
 * statement. Rows another claim has locked are skipped rather than waited for: waiting
 * would find them deleted and, with LIMIT 1 already applied, return nothing although
 * younger keys are left. So two concurrent claims never get the same key, and neither
 * comes back empty-handed while keys remain unlocked.
 */
export async function claimOneTimeKeys(
  q: Queryable,
  claims: readonly { localpart: string; deviceId: string; algorithm: string }[],
): Promise<ClaimedKeyRow[]> {
  if (claims.length === 0) return [];
  return q.query<ClaimedKeyRow & Record<string, unknown>>(
    `DELETE FROM userapi_one_time_keys k
     USING (
       SELECT c.localpart, c.device_id, c.algorithm, c.key_id
       FROM unnest($1::text[], $2::text[], $3::text[]) AS r(localpart, device_id, algorithm)
       CROSS JOIN LATERAL (
         SELECT o.localpart, o.device_id, o.algorithm, o.key_id FROM userapi_one_time_keys o
         WHERE o.localpart = r.localpart AND o.device_id = r.device_id AND o.algorithm = r.algorithm
         ORDER BY o.upload_seq
         LIMIT 1
         FOR UPDATE SKIP LOCKED
       ) c
     ) chosen
     WHERE k.localpart = chosen.localpart AND k.device_id = chosen.device_id
       AND k.algorithm = chosen.algorithm AND k.key_id = chosen.key_id
     RETURNING k.localpart, k.device_id, k.algorithm, k.key_id, k.key_json`,
    [claims.map((c) => c.localpart), claims.map((c) => c.deviceId), claims.map((c) => c.algorithm)],
  );
}
