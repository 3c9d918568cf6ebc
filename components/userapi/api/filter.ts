/**
 * The shape of a sync filter (spec: "Filtering", POST /user/{userId}/filter), checked
 * where a filter comes in: the clientapi when one is uploaded, the syncapi for inline
 * filters. Only the shape is checked; unknown keys are kept, as clients add their own.
 */
type Problem = string | null;
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

function stringList(where: string, value: unknown): Problem {
  if (value === undefined) return null;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) return `${where} must be an array of strings`;
  return null;
}

function optional(where: string, value: unknown, type: "boolean" | "integer" | "string"): Problem {
  if (value === undefined) return null;
  if (type === "integer") return Number.isSafeInteger(value) ? null : `${where} must be an integer`;
  return typeof value === type ? null : `${where} must be a ${type}`;
}

/** EventFilter: limit, types/not_types, senders/not_senders. */
function eventFilterProblem(where: string, value: unknown): Problem {
  if (value === undefined) return null;
  if (!isObject(value)) return `${where} must be an object`;
  if (typeof value.limit === "number" && value.limit < 0) return `${where}.limit must not be negative`;
  return (
    optional(`${where}.limit`, value.limit, "integer") ??
    stringList(`${where}.types`, value.types) ??
    stringList(`${where}.not_types`, value.not_types) ??
    stringList(`${where}.senders`, value.senders) ??
    stringList(`${where}.not_senders`, value.not_senders)
  );
}

/** RoomEventFilter: an EventFilter plus rooms and the lazy-loading and URL switches. */
function roomEventFilterProblem(where: string, value: unknown): Problem {
  const base = eventFilterProblem(where, value);
  if (base || value === undefined) return base;
  const f = value as Json;
  return (
    stringList(`${where}.rooms`, f.rooms) ??
    stringList(`${where}.not_rooms`, f.not_rooms) ??
    optional(`${where}.contains_url`, f.contains_url, "boolean") ??
    optional(`${where}.include_redundant_members`, f.include_redundant_members, "boolean") ??
    optional(`${where}.lazy_load_members`, f.lazy_load_members, "boolean") ??
    optional(`${where}.unread_thread_notifications`, f.unread_thread_notifications, "boolean")
  );
}

function roomFilterProblem(value: unknown): Problem {
  if (value === undefined) return null;
  if (!isObject(value)) return "room must be an object";
  return (
    stringList("room.rooms", value.rooms) ??
    stringList("room.not_rooms", value.not_rooms) ??
    optional("room.include_leave", value.include_leave, "boolean") ??
    roomEventFilterProblem("room.state", value.state) ??
    roomEventFilterProblem("room.timeline", value.timeline) ??
    roomEventFilterProblem("room.ephemeral", value.ephemeral) ??
    roomEventFilterProblem("room.account_data", value.account_data)
  );
}

/** Why `filter` is not a valid sync filter, or null. */
export function filterProblem(filter: Json): Problem {
  if (filter.event_format !== undefined && filter.event_format !== "client" && filter.event_format !== "federation") {
    return 'event_format must be "client" or "federation"';
  }
  return (
    stringList("event_fields", filter.event_fields) ??
    eventFilterProblem("presence", filter.presence) ??
    eventFilterProblem("account_data", filter.account_data) ??
    roomFilterProblem(filter.room)
  );
}
