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
