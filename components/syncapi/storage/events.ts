import type { Queryable, Row as DatabaseRow, Statement } from "../../internal/database/database.js";
import { isStorableText } from "../../internal/database/storable-text.js";
import type { RoomEventFilter } from "../sync/filter.js";
import { eventFilterSql } from "./event-filter-sql.js";
import { streamLockTaken } from "./positions.js";

/** A room event as the syncapi keeps it, at its stream position. */
export interface StoredEvent {
  position: number;
  eventId: string;
  roomId: string;
  type: string;
  sender: string;
  stateKey: string | null;
  json: Record<string, unknown>;
  historyVisibility: string;
  txnDeviceId: string | null;
  txnId: string | null;
  prevEventId: string | null;
  redactionEventId: string | null;
}

export interface NewEventRow {
  eventId: string;
  roomId: string;
  type: string;
  sender: string;
  stateKey: string | null;
  json: Record<string, unknown>;
  eventJson: string;
  historyVisibility: string;
  inTimeline: boolean;
  txnDeviceId: string | null;
  txnId: string | null;
  prevEventId: string | null;
}

const COLUMNS = `e.position, e.event_id, e.room_id, e.type, e.sender, e.state_key, e.event_json, e.history_visibility,
  e.txn_device_id, e.txn_id, e.prev_event_id, e.redaction_event_id`;

interface Row {
  position: number;
  event_id: string;
  room_id: string;
  type: string;
  sender: string;
  state_key: string | null;
  event_json: string;
  history_visibility: string;
  txn_device_id: string | null;
  txn_id: string | null;
  prev_event_id: string | null;
  redaction_event_id: string | null;
}

function toEvent(r: Row): StoredEvent {
  return {
    position: Number(r.position),
    eventId: r.event_id,
    roomId: r.room_id,
    type: r.type,
    sender: r.sender,
    stateKey: r.state_key,
    json: JSON.parse(r.event_json) as Record<string, unknown>,
    historyVisibility: r.history_visibility,
    txnDeviceId: r.txn_device_id,
    txnId: r.txn_id,
    prevEventId: r.prev_event_id,
    redactionEventId: r.redaction_event_id,
  };
}

/** The positions of the events an insertStatement stored, by event ID. */
export function insertedPositions(rows: readonly DatabaseRow[]): Map<string, number> {
  return new Map(rows.map((r) => [r.event_id as string, Number(r.position)]));
}

/** A new row as stored at `position` (what the recent events hold once it committed). */
export function storedAt(e: NewEventRow, position: number): StoredEvent {
  const { eventId, roomId, type, sender, stateKey, json, historyVisibility, txnDeviceId, txnId, prevEventId } = e;
  return {
    position,
    eventId,
    roomId,
    type,
    sender,
    stateKey,
    json,
    historyVisibility,
    txnDeviceId,
    txnId,
    prevEventId,
    redactionEventId: null,
  };
}

export const containsUrl = (json: Record<string, unknown>) =>
  typeof (json.content as Record<string, unknown> | undefined)?.url === "string";

/**
 * The relation an event declares, for the relates_to and rel_type columns. Content may hold
 * U+0000, which no event ID or relation type has and text columns cannot store: such a
 * relation is no relation (the event itself is stored and served as it is).
 */
function relationOf(json: Record<string, unknown>): { relatesTo: string | null; relType: string | null } {
  const content = json.content as Record<string, unknown> | undefined;
  const rel = content?.["m.relates_to"] as Record<string, unknown> | undefined;
  if (!rel || typeof rel.event_id !== "string" || typeof rel.rel_type !== "string") return { relatesTo: null, relType: null };
  if (!isStorableText(rel.event_id) || !isStorableText(rel.rel_type)) return { relatesTo: null, relType: null };
  return { relatesTo: rel.event_id, relType: rel.rel_type };
}

/** Stores an event at the next stream position; null if it was stored before. */
export async function insertEvent(tx: Queryable, e: NewEventRow): Promise<number | null> {
  return (await insertEvents(tx, [e])).get(e.eventId) ?? null;
}

/**
 * Inserts events in one statement, each at the next position in the order given; returns
 * the positions of those not stored before (a republished output stores nothing).
 */
export async function insertEvents(tx: Queryable, events: readonly NewEventRow[]): Promise<Map<string, number>> {
  if (events.length === 0) return new Map();
  const { sql, params } = insertEventsStatement(events);
  return insertedPositions(await tx.query(sql, params));
}

/**
 * insertEvents as a statement to run (with others, see combineStatements), inside a
 * transaction or on its own: it takes the stream's lock before it takes any position (a
 * one-time filter runs before the first row is made), so positions commit in order either
 * way. Its RETURNING rows go to insertedPositions. One shape for any number of events, so
 * it is prepared once.
 */
export function insertEventsStatement(events: readonly NewEventRow[]): Statement {
  const columns: unknown[][] = Array.from({ length: 14 }, () => []);
  for (const e of events) {
    const { relatesTo, relType } = relationOf(e.json);
    [
      e.eventId,
      e.roomId,
      e.type,
      e.sender,
      e.stateKey,
      containsUrl(e.json),
      e.eventJson,
      e.historyVisibility,
      e.inTimeline,
      e.txnDeviceId,
      e.txnId,
      e.prevEventId,
      relatesTo,
      relType,
    ].forEach((value, i) => columns[i]!.push(value));
  }
  return {
    sql: `INSERT INTO syncapi_events (event_id, room_id, type, sender, state_key, contains_url, event_json, history_visibility,
            in_timeline, txn_device_id, txn_id, prev_event_id, relates_to, rel_type)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[],
            $9::boolean[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
          WHERE ${streamLockTaken("pdu")}
          ON CONFLICT (event_id) DO NOTHING RETURNING event_id, position`,
    params: columns,
  };
}

/** Replaces an event's JSON by its redacted form and remembers what redacted it. */
export async function redactEvent(tx: Queryable, eventId: string, redactedJson: string, redactionEventId: string): Promise<void> {
  await tx.execute("UPDATE syncapi_events SET event_json = $2, redaction_event_id = $3, contains_url = false WHERE event_id = $1", [
    eventId,
    redactedJson,
    redactionEventId,
  ]);
}

export async function selectEventsByIds(q: Queryable, eventIds: readonly string[]): Promise<StoredEvent[]> {
  if (eventIds.length === 0) return [];
  const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM syncapi_events e WHERE e.event_id = ANY($1::text[])`, [eventIds]);
  return rows.map(toEvent);
}

/** Events by room, each room's list newest first. */
function byRoomNewestFirst(rows: readonly Row[]): Map<string, StoredEvent[]> {
  const out = new Map<string, StoredEvent[]>();
  for (const r of rows) {
    let list = out.get(r.room_id);
    if (!list) out.set(r.room_id, (list = []));
    list.push(toEvent(r));
  }
  for (const list of out.values()) list.sort((a, b) => b.position - a.position);
  return out;
}

/**
 * The newest `limit` timeline events of each room in (from, to], newest first, that pass
 * the filter: one query for every room of a sync.
 */
export async function selectRecentPerRoom(
  q: Queryable,
  roomIds: readonly string[],
  from: number,
  to: number,
  limit: number,
  filter?: RoomEventFilter,
): Promise<Map<string, StoredEvent[]>> {
  if (roomIds.length === 0 || limit <= 0) return new Map();
  const params: unknown[] = [roomIds, from, to, limit];
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM unnest($1::text[]) AS r(room_id) CROSS JOIN LATERAL (
       SELECT ${COLUMNS} FROM syncapi_events e
       WHERE e.room_id = r.room_id AND e.in_timeline AND e.position > $2 AND e.position <= $3 AND ${eventFilterSql(filter, params)}
       ORDER BY e.position DESC LIMIT $4) e`,
    params,
  );
  return byRoomNewestFirst(rows);
}

/** A page of one room's timeline between two positions, in the direction asked. */
export async function selectTimelinePage(
  q: Queryable,
  roomId: string,
  range: { after: number; upTo: number },
  backwards: boolean,
  limit: number,
  filter?: RoomEventFilter,
): Promise<StoredEvent[]> {
  const params: unknown[] = [roomId, range.after, range.upTo, limit];
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM syncapi_events e
     WHERE e.room_id = $1 AND e.in_timeline AND e.position > $2 AND e.position <= $3 AND ${eventFilterSql(filter, params)}
     ORDER BY e.position ${backwards ? "DESC" : "ASC"} LIMIT $4`,
    params,
  );
  return rows.map(toEvent);
}

/** Events relating to `eventId`, optionally of one rel_type and event type, newest first or oldest first. */
export async function selectRelations(
  q: Queryable,
  eventId: string,
  opts: { relType?: string; eventType?: string; after: number; upTo: number; backwards: boolean; limit: number },
): Promise<StoredEvent[]> {
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM syncapi_events e
     WHERE e.relates_to = $1 AND ($2::text IS NULL OR e.rel_type = $2) AND ($3::text IS NULL OR e.type = $3)
       AND e.position > $4 AND e.position <= $5
     ORDER BY e.position ${opts.backwards ? "DESC" : "ASC"} LIMIT $6`,
    [eventId, opts.relType ?? null, opts.eventType ?? null, opts.after, opts.upTo, opts.limit],
  );
  return rows.map(toEvent);
}

/**
 * Per range, the newest `limit` timeline events in it that count as unread for `userId`
 * (by others, not state, not redacted), newest first: one query for every room asked.
 */
export async function selectUnreadEvents(
  q: Queryable,
  ranges: readonly { roomId: string; after: number; upTo: number }[],
  userId: string,
  limit: number,
): Promise<Map<string, StoredEvent[]>> {
  if (ranges.length === 0) return new Map();
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS r(room_id, after, up_to) CROSS JOIN LATERAL (
       SELECT ${COLUMNS} FROM syncapi_events e
       WHERE e.room_id = r.room_id AND e.in_timeline AND e.position > r.after AND e.position <= r.up_to
         AND e.sender <> $4 AND e.state_key IS NULL AND e.redaction_event_id IS NULL
       ORDER BY e.position DESC LIMIT $5) e`,
    [ranges.map((a) => a.roomId), ranges.map((a) => a.after), ranges.map((a) => a.upTo), userId, limit],
  );
  return byRoomNewestFirst(rows);
}

/** The ID of a redaction stored with exactly this JSON in the room ("" if none). */
export async function selectRedactionIdByJson(q: Queryable, roomId: string, redactionJson: string): Promise<string> {
  const rows = await q.query<{ event_id: string }>(
    "SELECT event_id FROM syncapi_events WHERE room_id = $1 AND type = 'm.room.redaction' AND event_json = $2 LIMIT 1",
    [roomId, redactionJson],
  );
  return rows[0]?.event_id ?? "";
}
