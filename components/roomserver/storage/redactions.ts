import type { Queryable } from "../../internal/database/database.js";

export async function insertRedaction(q: Queryable, redactionEventId: string, redactsEventId: string): Promise<void> {
  await q.execute(
    "INSERT INTO roomserver_redactions (redaction_event_id, redacts_event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    [redactionEventId, redactsEventId],
  );
}

/** Redactions waiting for the event they redact. */
export async function selectPendingRedactionsOf(q: Queryable, redactsEventId: string): Promise<string[]> {
  const rows = await q.query<{ redaction_event_id: string }>(
    "SELECT redaction_event_id FROM roomserver_redactions WHERE redacts_event_id = $1 AND NOT applied",
    [redactsEventId],
  );
  return rows.map((r) => r.redaction_event_id);
}

export async function markRedactionApplied(q: Queryable, redactionEventId: string): Promise<void> {
  await q.execute("UPDATE roomserver_redactions SET applied = true WHERE redaction_event_id = $1", [redactionEventId]);
}
