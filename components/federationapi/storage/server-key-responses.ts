import type { Queryable } from "../../internal/database/database.js";

export interface ServerKeyResponseRow {
  readonly serverName: string;
  /** The server keys object as its server signed it (other signatures may be on it too). */
  readonly responseJson: string;
  readonly validUntilTs: number;
}

/** Keeps the newest response of a server: it lists the keys it retired since. */
export async function upsertServerKeyResponse(q: Queryable, row: ServerKeyResponseRow, fetchedAt: number): Promise<void> {
  await q.execute(
    `INSERT INTO federationapi_server_key_responses (server_name, response_json, valid_until_ts, fetched_at)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (server_name) DO UPDATE SET
       response_json = EXCLUDED.response_json, valid_until_ts = EXCLUDED.valid_until_ts, fetched_at = EXCLUDED.fetched_at
     WHERE federationapi_server_key_responses.fetched_at <= EXCLUDED.fetched_at`,
    [row.serverName, row.responseJson, row.validUntilTs, fetchedAt],
  );
}

export async function selectServerKeyResponse(q: Queryable, serverName: string): Promise<ServerKeyResponseRow | null> {
  const [row] = await q.query<{ server_name: string; response_json: string; valid_until_ts: string | number }>(
    "SELECT server_name, response_json, valid_until_ts FROM federationapi_server_key_responses WHERE server_name = $1",
    [serverName],
  );
  return row ? { serverName: row.server_name, responseJson: row.response_json, validUntilTs: Number(row.valid_until_ts) } : null;
}
