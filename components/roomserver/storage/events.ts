import type { Queryable } from "../../internal/database/database.js";
import { valuesList } from "../../internal/database/values-list.js";
import { stateKeyOf } from "../../protocol/index.js";
import type { CommitWrite } from "./unit-of-work.js";

export type EventStatus = "accepted" | "rejected" | "soft_failed";

/** An event as the roomserver stores it. */
export interface EventRecord {
  nid: number;
  roomNid: number;
  /** From the event's room (not a column of the events table). */
  roomVersion: string;
  eventId: string;
  type: string;
  stateKey: string | null;
  sender: string;
  depth: number;
  json: string;
  authEventNids: number[];
  prevEventIds: string[];
  stateBeforeNid: number | null;
  status: EventStatus;
  reason: string;
  outlier: boolean;
  redactedBy: string | null;
}

const COLUMNS = `e.event_nid, e.room_nid, r.room_version, e.event_id, e.type, e.state_key, e.sender, e.depth, e.json,
  e.auth_event_nids, e.prev_event_ids, e.state_before_nid, e.status, e.reason, e.outlier, e.redacted_by`;
const FROM = "roomserver_events e JOIN roomserver_rooms r ON r.room_nid = e.room_nid";

interface Row {
  event_nid: number;
  room_nid: number;
  room_version: string;
  event_id: string;
  type: string;
  state_key: string | null;
  sender: string;
  depth: number;
  json: string;
  auth_event_nids: (number | string)[];
  prev_event_ids: string[];
  state_before_nid: number | null;
  status: EventStatus;
  reason: string;
  outlier: boolean;
  redacted_by: string | null;
}

function fromRow(r: Row): EventRecord {
  return {
    nid: r.event_nid,
    roomNid: r.room_nid,
    roomVersion: r.room_version,
    eventId: r.event_id,
    type: r.type,
    stateKey: r.state_key,
    sender: r.sender,
    depth: r.depth,
    json: r.json,
    // pg returns int8[] elements as strings (its array parser does not use our int8 parser)
    authEventNids: r.auth_event_nids.map(Number),
    prevEventIds: r.prev_event_ids,
    stateBeforeNid: r.state_before_nid,
    status: r.status,
    reason: r.reason,
    outlier: r.outlier,
    redactedBy: r.redacted_by,
  };
}

/**
 * The statement inserting events whose nids were allocated already (nextEventNids): an
 * input transaction writes its events together at commit.
 */
export function insertEventsStatement(events: readonly EventRecord[]): CommitWrite | null {
  if (events.length === 0) return null;
  const values = valuesList(
    events.map((e) => [
      e.nid,
      e.roomNid,
      e.eventId,
      e.type,
      e.stateKey,
      e.sender,
      e.depth,
      e.json,
      e.authEventNids,
      e.prevEventIds,
      e.stateBeforeNid,
      e.status,
      e.reason,
      e.outlier,
      e.redactedBy,
    ]),
    EVENT_COLUMN_CASTS,
  );
  return {
    sql: `INSERT INTO roomserver_events (event_nid, room_nid, event_id, type, state_key, sender, depth, json, auth_event_nids,
       prev_event_ids, state_before_nid, status, reason, outlier, redacted_by)
     VALUES ${values.sql}`,
    params: values.params,
  };
}

/** The array columns of an inserted event row (auth_event_nids, prev_event_ids). */
const EVENT_COLUMN_CASTS = { 8: "::bigint[]", 9: "::text[]" };

/** `count` new event nids from the events' sequence (not transactional: a rollback leaves a gap). */
export async function nextEventNids(q: Queryable, count: number): Promise<number[]> {
  const rows = await q.query<{ nid: number }>(
    "SELECT nextval(pg_get_serial_sequence('roomserver_events', 'event_nid')) AS nid FROM generate_series(1, $1::int)",
    [count],
  );
  return rows.map((r) => Number(r.nid));
}

export async function selectEventsByIds(q: Queryable, ids: readonly string[]): Promise<EventRecord[]> {
  if (ids.length === 0) return [];
  const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM ${FROM} WHERE e.event_id = ANY($1::text[])`, [ids]);
  return rows.map(fromRow);
}

export async function selectEventsByNids(q: Queryable, nids: readonly number[]): Promise<EventRecord[]> {
  if (nids.length === 0) return [];
  const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM ${FROM} WHERE e.event_nid = ANY($1::bigint[])`, [nids]);
  return rows.map(fromRow);
}

/** Turns a stored outlier into a full event once its state is known. */
export async function updateEventState(
  q: Queryable,
  nid: number,
  stateBeforeNid: number,
  status: EventStatus,
  reason: string,
): Promise<void> {
  await q.execute("UPDATE roomserver_events SET state_before_nid = $2, status = $3, reason = $4, outlier = false WHERE event_nid = $1", [
    nid,
    stateBeforeNid,
    status,
    reason,
  ]);
}

export async function updateRedactedEvent(q: Queryable, nid: number, json: string, redactedBy: string): Promise<void> {
  await q.execute("UPDATE roomserver_events SET json = $2, redacted_by = $3 WHERE event_nid = $1", [nid, json, redactedBy]);
}

/**
 * A page of a room's accepted, non-outlier events in topological order (depth, then
 * arrival), after or before the position (depth, nid).
 */
export async function selectHistoryPage(
  q: Queryable,
  roomNid: number,
  from: { depth: number; nid: number } | null,
  backward: boolean,
  limit: number,
): Promise<EventRecord[]> {
  const where = from === null ? "" : backward ? "AND (e.depth, e.event_nid) < ($2, $3)" : "AND (e.depth, e.event_nid) > ($2, $3)";
  const order = backward ? "DESC" : "ASC";
  const params: unknown[] = [roomNid];
  if (from !== null) params.push(from.depth, from.nid);
  params.push(limit);
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM ${FROM}
     WHERE e.room_nid = $1 AND e.outlier = false AND e.status = 'accepted' ${where}
     ORDER BY e.depth ${order}, e.event_nid ${order} LIMIT $${params.length}`,
    params,
  );
  return rows.map(fromRow);
}

/** Every event of a room (for export): outliers and rejected ones too, oldest first. */
export async function selectRoomEvents(q: Queryable, roomNid: number, afterNid: number, limit: number): Promise<EventRecord[]> {
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE e.room_nid = $1 AND e.event_nid > $2 ORDER BY e.event_nid LIMIT $3`,
    [roomNid, afterNid, limit],
  );
  return rows.map(fromRow);
}

/** The state key ("type\0state_key") of each given state event, by event nid. */
export async function selectStateKeysByNids(q: Queryable, nids: readonly number[]): Promise<Map<number, string>> {
  const rows = await q.query<{ event_nid: number; type: string; state_key: string }>(
    "SELECT event_nid, type, state_key FROM roomserver_events WHERE event_nid = ANY($1::bigint[])",
    [nids],
  );
  return new Map(rows.map((r) => [Number(r.event_nid), stateKeyOf(r.type, r.state_key)]));
}
