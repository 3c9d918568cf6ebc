import type { Queryable } from "../../internal/database/database.js";

export async function insertRedaction(q: Queryable, redactionEventId: string, redactsEventId: string): Promise<void> {
  await q.execute("INSERT INTO roomserver_redactions (redaction_event_id, redacts_event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", [
    redactionEventId,
    redactsEventId,
  ]);
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

/** The events that some stored redaction is still waiting for. */
export async function selectAwaitedRedactionTargets(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ redacts_event_id: string }>("SELECT DISTINCT redacts_event_id FROM roomserver_redactions WHERE NOT applied");
  return rows.map((r) => r.redacts_event_id);
}
