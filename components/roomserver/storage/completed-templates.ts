import type { Queryable } from "../../internal/database/database.js";
import type { CommitWrite } from "./unit-of-work.js";

/** roomserver_completed_templates: the event each template ID became. */
export async function selectCompletedTemplates(q: Queryable, templateIds: readonly string[]): Promise<Map<string, string>> {
  if (templateIds.length === 0) return new Map();
  const rows = await q.query<{ template_id: string; event_id: string }>(
    "SELECT template_id, event_id FROM roomserver_completed_templates WHERE template_id = ANY($1::text[])",
    [templateIds],
  );
  return new Map(rows.map((r) => [r.template_id, r.event_id]));
}

export function insertCompletedTemplatesStatement(completed: ReadonlyMap<string, string>): CommitWrite | null {
  if (completed.size === 0) return null;
  return {
    sql: `INSERT INTO roomserver_completed_templates (template_id, event_id)
     SELECT * FROM unnest($1::text[], $2::text[])`,
    params: [[...completed.keys()], [...completed.values()]],
  };
}
