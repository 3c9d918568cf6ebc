import { invalidParam } from "../../internal/http/matrix-error.js";
import { decodeHistoryToken } from "../streams/positions.js";
import { filterProblem } from "../../userapi/api/filter.js";
import { parseFilterJson, type RoomEventFilter } from "../sync/filter.js";

/** Query-string readers: a bad value is 400 M_INVALID_PARAM naming the parameter. */
export function intParam(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  if (!/^\d{1,9}$/.test(value)) throw invalidParam(`${name} must be a non-negative integer`);
  return Math.min(Number(value), max);
}

export function boolParam(value: string | undefined, name: string): boolean {
  if (value === undefined || value === "" || value === "false") return false;
  if (value === "true") return true;
  throw invalidParam(`${name} must be true or false`);
}

export function historyTokenParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const position = decodeHistoryToken(value);
  if (position === null) throw invalidParam(`${name} is not a valid pagination token`);
  return position;
}

export function directionParam(value: string | undefined, fallback?: "b" | "f"): "b" | "f" {
  const dir = value ?? fallback;
  if (dir !== "b" && dir !== "f") throw invalidParam('dir must be "b" or "f"');
  return dir;
}

/** A RoomEventFilter given as JSON in the query string (/messages, /context). */
export function roomEventFilterParam(value: string | undefined): RoomEventFilter | undefined {
  if (value === undefined || value === "") return undefined;
  return parseFilterJson(value, (f) => filterProblem({ room: { timeline: f } })) as RoomEventFilter;
}

export function query(ctx: { query: Record<string, string | string[] | undefined> }, name: string): string | undefined {
  const v = ctx.query[name];
  return Array.isArray(v) ? v[0] : v;
}
