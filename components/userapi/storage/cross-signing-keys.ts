import type { Queryable } from "../../internal/database/database.js";
import type { CrossSigningKeyType } from "../api/keys.js";

/** userapi_cross_signing_keys: each user's master, self-signing and user-signing keys. */

export interface CrossSigningKeyRow {
  localpart: string;
  key_type: CrossSigningKeyType;
  key_json: string;
}

export async function selectCrossSigningKeys(q: Queryable, localparts: readonly string[]): Promise<CrossSigningKeyRow[]> {
  if (localparts.length === 0) return [];
  return q.query<CrossSigningKeyRow & Record<string, unknown>>(
    "SELECT localpart, key_type, key_json FROM userapi_cross_signing_keys WHERE localpart = ANY($1::text[])",
    [localparts],
  );
}

/** The user's keys by type, read under a row lock so an upload decides on what it replaces. */
export async function selectCrossSigningKeysForUpdate(q: Queryable, localpart: string): Promise<Map<CrossSigningKeyType, string>> {
  const rows = await q.query<{ key_type: CrossSigningKeyType; key_json: string }>(
    "SELECT key_type, key_json FROM userapi_cross_signing_keys WHERE localpart = $1 FOR UPDATE",
    [localpart],
  );
  return new Map(rows.map((r) => [r.key_type, r.key_json]));
}

export async function upsertCrossSigningKey(q: Queryable, localpart: string, keyType: CrossSigningKeyType, keyJson: string): Promise<void> {
  await q.execute(
    `INSERT INTO userapi_cross_signing_keys (localpart, key_type, key_json) VALUES ($1, $2, $3)
     ON CONFLICT (localpart, key_type) DO UPDATE SET key_json = EXCLUDED.key_json`,
    [localpart, keyType, keyJson],
  );
}
