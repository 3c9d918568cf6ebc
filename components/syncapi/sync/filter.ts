import { badJson, invalidParam } from "../../internal/http/matrix-error.js";
import { jsonLimitProblem } from "../../protocol/index.js";
import { filterProblem } from "../../userapi/api/filter.js";

/** The spec's filter types ("Filtering"); the shape is checked by the userapi's filterProblem. */
export interface EventFilter {
  limit?: number;
  types?: string[];
  not_types?: string[];
  senders?: string[];
  not_senders?: string[];
}

export interface RoomEventFilter extends EventFilter {
  rooms?: string[];
  not_rooms?: string[];
  contains_url?: boolean;
  lazy_load_members?: boolean;
  include_redundant_members?: boolean;
  /** Not the client's: the users the requester ignores, set by `ignoringUsers`. */
  ignoredSenders?: readonly string[];
}

export interface RoomFilter {
  rooms?: string[];
  not_rooms?: string[];
  include_leave?: boolean;
  state?: RoomEventFilter;
  timeline?: RoomEventFilter;
  ephemeral?: RoomEventFilter;
  account_data?: RoomEventFilter;
}

export interface SyncFilter {
  event_format?: "client" | "federation";
  event_fields?: string[];
  presence?: EventFilter;
  account_data?: EventFilter;
  room?: RoomFilter;
}

/**
 * Parses a filter given as JSON text (inline in a query string); 400 M_INVALID_PARAM, as for
 * any bad query parameter, which clients and conformance suites expect (an uploaded filter, a body, is
 * M_BAD_JSON). It is held to the limits of request bodies (past them, M_BAD_JSON as for a
 * body): its types, senders and rooms are compared in SQL.
 */
export function parseFilterJson(
  text: string,
  check: (f: Record<string, unknown>) => string | null = filterProblem,
): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidParam("filter is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw invalidParam("filter must be a JSON object");
  const limitProblem = jsonLimitProblem(value, { nul: "refused" });
  if (limitProblem) throw badJson(`filter: ${limitProblem}`);
  const problem = check(value as Record<string, unknown>);
  if (problem) throw invalidParam(`Invalid filter: ${problem}`);
  return value as Record<string, unknown>;
}

/** A type pattern of a filter: `*` matches any run of characters. */
export function typeMatches(pattern: string, type: string): boolean {
  if (!pattern.includes("*")) return pattern === type;
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "s",
  );
  return re.test(type);
}

/** What an event filter looks at. */
export interface Filterable {
  type: string;
  sender?: string;
  roomId?: string;
  containsUrl?: boolean;
  isState?: boolean;
}

/**
 * A timeline filter that also leaves out the events of the users the requester ignores
 * (`m.ignored_user_list`), but for their state events: the spec's "Ignoring Users" keeps
 * those, so the room looks the same to everyone.
 */
export function ignoringUsers(filter: RoomEventFilter | undefined, ignored: readonly string[]): RoomEventFilter | undefined {
  return ignored.length === 0 ? filter : { ...filter, ignoredSenders: ignored };
}

/** Whether an event passes an EventFilter (or RoomEventFilter): the `not_` lists win. */
export function passesFilter(filter: RoomEventFilter | undefined, e: Filterable): boolean {
  if (!filter) return true;
  if (filter.not_types?.some((p) => typeMatches(p, e.type))) return false;
  if (filter.types && !filter.types.some((p) => typeMatches(p, e.type))) return false;
  if (e.sender !== undefined) {
    if (filter.not_senders?.includes(e.sender)) return false;
    if (filter.senders && !filter.senders.includes(e.sender)) return false;
    if (e.isState === false && filter.ignoredSenders?.includes(e.sender)) return false;
  }
  if (e.roomId !== undefined && !roomAllowed(filter, e.roomId)) return false;
  if (filter.contains_url !== undefined && e.containsUrl !== undefined && filter.contains_url !== e.containsUrl) return false;
  return true;
}

export function roomAllowed(filter: { rooms?: string[]; not_rooms?: string[] } | undefined, roomId: string): boolean {
  if (!filter) return true;
  if (filter.not_rooms?.includes(roomId)) return false;
  return !filter.rooms || filter.rooms.includes(roomId);
}

/** The filter's limit, else the default; 0 is allowed (nothing of that kind). */
export function limitOf(filter: EventFilter | undefined, fallback: number, max = 1000): number {
  const limit = filter?.limit;
  return limit === undefined ? fallback : Math.min(limit, max);
}
