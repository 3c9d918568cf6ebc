import type { Queryable } from "../../internal/database/database.js";

export async function upsertServerKey(q: Queryable, serverName: string, keyId: string, publicKey: string): Promise<void> {
  await q.execute(
    `INSERT INTO roomserver_server_keys (server_name, key_id, public_key) VALUES ($1, $2, $3)
     ON CONFLICT (server_name, key_id) DO UPDATE SET public_key = EXCLUDED.public_key`,
    [serverName, keyId, publicKey],
  );
}

export async function selectServerKey(q: Queryable, serverName: string, keyId: string): Promise<string | null> {
  const [row] = await q.query<{ public_key: string }>(
    "SELECT public_key FROM roomserver_server_keys WHERE server_name = $1 AND key_id = $2",
    [serverName, keyId],
  );
  return row?.public_key ?? null;
}

/** Every stored key of the given servers: key ID to public key, by server name. */
export async function selectServerKeysOf(q: Queryable, serverNames: readonly string[]): Promise<Record<string, Record<string, string>>> {
  const keys: Record<string, Record<string, string>> = {};
  if (serverNames.length === 0) return keys;
  const rows = await q.query<{ server_name: string; key_id: string; public_key: string }>(
    "SELECT server_name, key_id, public_key FROM roomserver_server_keys WHERE server_name = ANY($1::text[])",
    [serverNames],
  );
  for (const row of rows) (keys[row.server_name] ??= {})[row.key_id] = row.public_key;
  return keys;
}
