import type { Queryable } from "../../internal/database/database.js";

/** roomserver_completed_templates: the event each template ID became. */
export async function selectCompletedTemplates(q: Queryable, templateIds: readonly string[]): Promise<Map<string, string>> {
  if (templateIds.length === 0) return new Map();
  const rows = await q.query<{ template_id: string; event_id: string }>(
    "SELECT template_id, event_id FROM roomserver_completed_templates WHERE template_id = ANY($1::text[])",
    [templateIds],
  );
  return new Map(rows.map((r) => [r.template_id, r.event_id]));
}

export async function insertCompletedTemplates(q: Queryable, completed: ReadonlyMap<string, string>): Promise<void> {
  if (completed.size === 0) return;
  await q.execute(
    `INSERT INTO roomserver_completed_templates (template_id, event_id)
     SELECT * FROM unnest($1::text[], $2::text[])`,
    [[...completed.keys()], [...completed.values()]],
  );
}
