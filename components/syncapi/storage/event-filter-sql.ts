import type { RoomEventFilter } from "../sync/filter.js";

/** A `*` type pattern as a LIKE pattern (backslash is LIKE's default escape). */
function likePattern(pattern: string): string {
  return pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, "%");
}

/**
 * The conditions of a RoomEventFilter on syncapi_events (alias `e`) as SQL, appending the
 * parameters to `params`. In SQL rather than after the query, so `limit` counts only events
 * that pass.
 */
export function eventFilterSql(filter: RoomEventFilter | undefined, params: unknown[]): string {
  if (!filter) return "TRUE";
  const where: string[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.types) where.push(`e.type LIKE ANY(${param(filter.types.map(likePattern))}::text[])`);
  if (filter.not_types?.length) where.push(`NOT (e.type LIKE ANY(${param(filter.not_types.map(likePattern))}::text[]))`);
  if (filter.senders) where.push(`e.sender = ANY(${param(filter.senders)}::text[])`);
  if (filter.not_senders?.length) where.push(`NOT (e.sender = ANY(${param(filter.not_senders)}::text[]))`);
  if (filter.rooms) where.push(`e.room_id = ANY(${param(filter.rooms)}::text[])`);
  if (filter.not_rooms?.length) where.push(`NOT (e.room_id = ANY(${param(filter.not_rooms)}::text[]))`);
  if (filter.contains_url !== undefined) where.push(`e.contains_url = ${param(filter.contains_url)}`);
  if (filter.ignoredSenders?.length) where.push(`NOT (e.state_key IS NULL AND e.sender = ANY(${param(filter.ignoredSenders)}::text[]))`);
  return where.length ? where.join(" AND ") : "TRUE";
}
