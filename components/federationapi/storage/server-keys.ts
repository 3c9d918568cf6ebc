import type { Queryable } from "../../internal/database/database.js";
import type { ServerKey } from "../../protocol/index.js";

interface ServerKeyRow {
  server_name: string;
  key_id: string;
  public_key: string;
  valid_until_ts: string | number;
  expired_ts: string | number | null;
}

const toServerKey = (row: ServerKeyRow): ServerKey => ({
  serverName: row.server_name,
  keyId: row.key_id,
  publicKey: row.public_key,
  validUntilTs: Number(row.valid_until_ts),
  expiredTs: row.expired_ts === null ? undefined : Number(row.expired_ts),
});

/**
 * Stores checked keys. A key seen again keeps the longest validity it was ever vouched for
 * (what it signed while valid stays verifiable) and takes the newest expired_ts: a server
 * that retires a key says so in old_verify_keys, and that ends its use for later events.
 */
export async function upsertServerKeys(q: Queryable, keys: readonly ServerKey[], fetchedAt: number): Promise<void> {
  for (const key of keys) {
    await q.execute(
      `INSERT INTO federationapi_server_keys (server_name, key_id, public_key, valid_until_ts, expired_ts, fetched_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (server_name, key_id) DO UPDATE SET
         public_key = EXCLUDED.public_key,
         valid_until_ts = GREATEST(federationapi_server_keys.valid_until_ts, EXCLUDED.valid_until_ts),
         expired_ts = EXCLUDED.expired_ts,
         fetched_at = EXCLUDED.fetched_at`,
      [key.serverName, key.keyId, key.publicKey, key.validUntilTs, key.expiredTs ?? null, fetchedAt],
    );
  }
}

export async function selectServerKey(q: Queryable, serverName: string, keyId: string): Promise<ServerKey | null> {
  const [row] = await q.query<ServerKeyRow>(
    `SELECT server_name, key_id, public_key, valid_until_ts, expired_ts FROM federationapi_server_keys
     WHERE server_name = $1 AND key_id = $2`,
    [serverName, keyId],
  );
  return row ? toServerKey(row) : null;
}

/** Every stored key of these servers (the notary endpoints answer with all a server has). */
export async function selectServerKeys(q: Queryable, serverName: string): Promise<ServerKey[]> {
  const rows = await q.query<ServerKeyRow>(
    `SELECT server_name, key_id, public_key, valid_until_ts, expired_ts FROM federationapi_server_keys
     WHERE server_name = $1 ORDER BY key_id`,
    [serverName],
  );
  return rows.map(toServerKey);
}
