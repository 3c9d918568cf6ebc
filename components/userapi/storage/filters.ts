import type { Queryable } from "../../internal/database/database.js";

/** userapi_filters: uploaded sync filters; IDs come from one sequence, so they never repeat. */

export type FilterDocument = Record<string, unknown>;

/** The new filter's ID. */
export async function insertFilter(q: Queryable, localpart: string, filter: FilterDocument): Promise<string> {
  const [row] = await q.query<{ filter_id: number }>(
    "INSERT INTO userapi_filters (localpart, filter) VALUES ($1, $2::jsonb) RETURNING filter_id",
    [localpart, JSON.stringify(filter)],
  );
  return String(row!.filter_id);
}

export async function selectFilter(q: Queryable, localpart: string, filterId: string): Promise<FilterDocument | null> {
  if (!/^[0-9]{1,15}$/.test(filterId)) return null; // not one of ours; also keeps the cast below safe
  const rows = await q.query<{ filter: FilterDocument }>("SELECT filter FROM userapi_filters WHERE localpart = $1 AND filter_id = $2", [
    localpart,
    Number(filterId),
  ]);
  return rows[0]?.filter ?? null;
}
