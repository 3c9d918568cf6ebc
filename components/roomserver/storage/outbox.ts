import type { Queryable } from "../../internal/database/database.js";
import { UNFLUSHED_COMMIT } from "../../internal/database/unflushed-commit.js";
import { valuesList } from "../../internal/database/values-list.js";
import type { CommitWrite } from "./unit-of-work.js";

export interface OutboxEntry {
  id: number;
  subject: string;
  msgId: string;
  payload: Uint8Array;
}

/** The statement inserting entries; `inserted` gets their IDs in the same order. */
export function insertOutboxStatement(entries: readonly Omit<OutboxEntry, "id">[], inserted: (ids: number[]) => void): CommitWrite {
  const values = valuesList(entries.map((e) => [e.subject, e.msgId, e.payload]));
  return {
    sql: `INSERT INTO roomserver_outbox (subject, msg_id, payload) VALUES ${values.sql} RETURNING id`,
    params: values.params,
    // The sequence numbers the rows in the order given.
    returned: (rows) => inserted(rows.map((r) => Number(r.id)).sort((a, b) => a - b)),
  };
}

export async function selectOutbox(q: Queryable, limit: number): Promise<OutboxEntry[]> {
  const rows = await q.query<{ id: number; subject: string; msg_id: string; payload: Uint8Array }>(
    "SELECT id, subject, msg_id, payload FROM roomserver_outbox ORDER BY id LIMIT $1",
    [limit],
  );
  return rows.map((r) => ({ id: r.id, subject: r.subject, msgId: r.msg_id, payload: r.payload }));
}

export async function deleteOutbox(q: Queryable, ids: readonly number[]): Promise<void> {
  // Losing a delete in a crash only publishes again what message IDs deduplicate: no disk wait.
  await q.execute(`DELETE FROM roomserver_outbox WHERE id = ANY($1::bigint[]) ${UNFLUSHED_COMMIT}`, [ids]);
}
