import type { Queryable } from "../../internal/database/database.js";
import type { ClaimedKeyRow } from "./one-time-keys.js";

/** userapi_fallback_keys: one fallback key per device and algorithm, marked used once claimed. */

/**
 * Stores the device's fallback key for the algorithm, replacing the one before. The same
 * key uploaded again keeps its `used` mark; a new one starts unused.
 */
export async function upsertFallbackKey(
  q: Queryable,
  localpart: string,
  deviceId: string,
  algorithm: string,
  keyId: string,
  keyJson: string,
): Promise<void> {
  await q.execute(
    `INSERT INTO userapi_fallback_keys AS f (localpart, device_id, algorithm, key_id, key_json) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (localpart, device_id, algorithm) DO UPDATE
     SET key_id = EXCLUDED.key_id, key_json = EXCLUDED.key_json,
         used = f.used AND f.key_id = EXCLUDED.key_id AND f.key_json = EXCLUDED.key_json`,
    [localpart, deviceId, algorithm, keyId, keyJson],
  );
}

export async function selectUnusedFallbackAlgorithms(q: Queryable, localpart: string, deviceId: string): Promise<string[]> {
  const rows = await q.query<{ algorithm: string }>(
    "SELECT algorithm FROM userapi_fallback_keys WHERE localpart = $1 AND device_id = $2 AND NOT used ORDER BY algorithm",
    [localpart, deviceId],
  );
  return rows.map((r) => r.algorithm);
}

/** Marks the fallback keys of the claims used and returns them. */
export async function claimFallbackKeys(
  q: Queryable,
  claims: readonly { localpart: string; deviceId: string; algorithm: string }[],
): Promise<ClaimedKeyRow[]> {
  if (claims.length === 0) return [];
  return q.query<ClaimedKeyRow & Record<string, unknown>>(
    `UPDATE userapi_fallback_keys f SET used = true
     FROM unnest($1::text[], $2::text[], $3::text[]) AS r(localpart, device_id, algorithm)
     WHERE f.localpart = r.localpart AND f.device_id = r.device_id AND f.algorithm = r.algorithm
     RETURNING f.localpart, f.device_id, f.algorithm, f.key_id, f.key_json`,
    [claims.map((c) => c.localpart), claims.map((c) => c.deviceId), claims.map((c) => c.algorithm)],
  );
}
