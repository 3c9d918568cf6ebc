import type { Queryable } from "../../internal/database/database.js";

export interface OutboxEntry {
  id: number;
  subject: string;
  msgId: string;
  payload: Uint8Array;
}

export async function insertOutbox(q: Queryable, subject: string, msgId: string, payload: Uint8Array): Promise<number> {
  const [row] = await q.query<{ id: number }>(
    "INSERT INTO roomserver_outbox (subject, msg_id, payload) VALUES ($1, $2, $3) RETURNING id",
    [subject, msgId, payload],
  );
  return row!.id;
}

export async function selectOutbox(q: Queryable, limit: number): Promise<OutboxEntry[]> {
  const rows = await q.query<{ id: number; subject: string; msg_id: string; payload: Uint8Array }>(
    "SELECT id, subject, msg_id, payload FROM roomserver_outbox ORDER BY id LIMIT $1",
    [limit],
  );
  return rows.map((r) => ({ id: r.id, subject: r.subject, msgId: r.msg_id, payload: r.payload }));
}

export async function deleteOutbox(q: Queryable, ids: readonly number[]): Promise<void> {
  await q.execute("DELETE FROM roomserver_outbox WHERE id = ANY($1::bigint[])", [ids]);
}
