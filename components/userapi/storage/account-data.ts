import type { Queryable } from "../../internal/database/database.js";

/** userapi_account_data: global (room '') and per-room account data, by type. */

export type AccountDataContent = Record<string, unknown>;

export async function selectAccountData(q: Queryable, localpart: string, roomId: string, type: string): Promise<AccountDataContent | null> {
  const rows = await q.query<{ content: AccountDataContent }>(
    "SELECT content FROM userapi_account_data WHERE localpart = $1 AND room_id = $2 AND type = $3",
    [localpart, roomId, type],
  );
  return rows[0]?.content ?? null;
}

export async function upsertAccountData(
  q: Queryable,
  localpart: string,
  roomId: string,
  type: string,
  content: AccountDataContent,
): Promise<void> {
  await q.execute(
    `INSERT INTO userapi_account_data (localpart, room_id, type, content) VALUES ($1, $2, $3, $4::jsonb)
     ON CONFLICT (localpart, room_id, type) DO UPDATE SET content = EXCLUDED.content`,
    [localpart, roomId, type, JSON.stringify(content)],
  );
}
