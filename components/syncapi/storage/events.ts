import { LruMap } from "../../internal/cache/lru-map.js";
import type { Queryable, Row as DatabaseRow, Statement } from "../../internal/database/database.js";
import { isStorableText } from "../../internal/database/storable-text.js";
import { passesFilter, type RoomEventFilter } from "../sync/filter.js";
import { eventFilterSql } from "./event-filter-sql.js";
import { streamLockTaken } from "./positions.js";
import { RecentEvents } from "./recent-events.js";

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

/** Unread counts stop counting here. */
const UNREAD_LIMIT = 100;
/** Users' rooms whose unread counts' older part is kept (at most UNREAD_LIMIT events each, mostly far fewer). */
const UNREAD_BASES = 10_000;

/** The answer to "which of the user's unread events are in (marker, upTo]", newest first: from the database, then carried forward. */
interface UnreadBase {
  marker: number;
  upTo: number;
  events: StoredEvent[];
  /** EventsTable.redactions when it was read. */
  redactions: number;
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
  return { position, eventId, roomId, type, sender, stateKey, json, historyVisibility, txnDeviceId, txnId, prevEventId, redactionEventId: null };
}

const containsUrl = (json: Record<string, unknown>) => typeof (json.content as Record<string, unknown> | undefined)?.url === "string";

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

/**
 * syncapi_events, with the newest timeline events of active rooms also in memory (`recent`,
 * filled by the room-event consumer after commit): the reads of incremental syncs are
 * answered from there when it can tell for sure, and from the database otherwise.
 */
export class EventsTable {
  readonly recent = new RecentEvents();
  /** Database answers for unread counts, by user and room (countAfter). */
  private readonly unreadBases = new LruMap<string, UnreadBase>(UNREAD_BASES);
  /** Redactions committed so far: an unread base from before one may count a redacted event. */
  private redactions = 0;

  /** Stores an event at the next stream position; null if it was stored before. */
  async insert(tx: Queryable, e: NewEventRow): Promise<number | null> {
    return (await this.insertMany(tx, [e])).get(e.eventId) ?? null;
  }

  /**
   * Inserts events in one statement, each at the next position in the order given; returns
   * the positions of those not stored before (a republished output stores nothing).
   */
  async insertMany(tx: Queryable, events: readonly NewEventRow[]): Promise<Map<string, number>> {
    if (events.length === 0) return new Map();
    const { sql, params } = this.insertStatement(events);
    return insertedPositions(await tx.query(sql, params));
  }

  /**
   * insertMany as a statement to run (with others, see combineStatements), inside a
   * transaction or on its own: it takes the stream's lock before it takes any position (a
   * one-time filter runs before the first row is made), so positions commit in order either
   * way. Its RETURNING rows go to insertedPositions. One shape for any number of events, so
   * it is prepared once.
   */
  insertStatement(events: readonly NewEventRow[]): Statement {
    const columns: unknown[][] = Array.from({ length: 14 }, () => []);
    for (const e of events) {
      const { relatesTo, relType } = relationOf(e.json);
      [e.eventId, e.roomId, e.type, e.sender, e.stateKey, containsUrl(e.json), e.eventJson, e.historyVisibility,
        e.inTimeline, e.txnDeviceId, e.txnId, e.prevEventId, relatesTo, relType].forEach((value, i) => columns[i]!.push(value));
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
  async redact(tx: Queryable, eventId: string, redactedJson: string, redactionEventId: string): Promise<void> {
    await tx.execute(
      "UPDATE syncapi_events SET event_json = $2, redaction_event_id = $3, contains_url = false WHERE event_id = $1",
      [eventId, redactedJson, redactionEventId],
    );
  }

  async byIds(q: Queryable, eventIds: readonly string[]): Promise<StoredEvent[]> {
    const held: StoredEvent[] = [];
    const missing: string[] = [];
    for (const id of eventIds) {
      const event = this.recent.get(id);
      if (event) held.push(event);
      else missing.push(id);
    }
    if (missing.length === 0) return held;
    const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM syncapi_events e WHERE e.event_id = ANY($1::text[])`, [missing]);
    return [...held, ...rows.map(toEvent)];
  }

  /**
   * Per room, what `recent` can answer of "the newest `limit` timeline events in (after, to]
   * that pass"; the rooms it cannot answer for are left for the database.
   */
  private fromMemory(roomIds: readonly string[], afterOf: (roomId: string) => number, to: number, limit: number, pass: (e: StoredEvent) => boolean) {
    const found = new Map<string, StoredEvent[]>();
    const rest: string[] = [];
    for (const roomId of roomIds) {
      const events = this.recent.newest(roomId, afterOf(roomId), to, limit, pass);
      if (events) found.set(roomId, events);
      else rest.push(roomId);
    }
    return { found, rest };
  }

  /**
   * The newest `limit` timeline events of each room in (from, to], newest first, that pass
   * the filter: one query for every room of a sync.
   */
  async recentPerRoom(q: Queryable, roomIds: readonly string[], from: number, to: number, limit: number, filter?: RoomEventFilter): Promise<Map<string, StoredEvent[]>> {
    if (roomIds.length === 0 || limit <= 0) return new Map();
    const pass = (e: StoredEvent) =>
      passesFilter(filter, { type: e.type, sender: e.sender, roomId: e.roomId, containsUrl: containsUrl(e.json), isState: e.stateKey !== null });
    const { found: out, rest } = this.fromMemory(roomIds, () => from, to, limit, pass);
    if (rest.length === 0) return out;
    const params: unknown[] = [rest, from, to, limit];
    const rows = await q.query<Row>(
      `SELECT ${COLUMNS} FROM unnest($1::text[]) AS r(room_id) CROSS JOIN LATERAL (
         SELECT ${COLUMNS} FROM syncapi_events e
         WHERE e.room_id = r.room_id AND e.in_timeline AND e.position > $2 AND e.position <= $3 AND ${eventFilterSql(filter, params)}
         ORDER BY e.position DESC LIMIT $4) e`,
      params,
    );
    for (const r of rows) {
      const list = out.get(r.room_id) ?? [];
      list.push(toEvent(r));
      out.set(r.room_id, list);
    }
    for (const list of out.values()) list.sort((a, b) => b.position - a.position);
    return out;
  }

  /** A page of one room's timeline between two positions, in the direction asked. */
  async page(q: Queryable, roomId: string, range: { after: number; upTo: number }, backwards: boolean, limit: number, filter?: RoomEventFilter): Promise<StoredEvent[]> {
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
  async relations(q: Queryable, eventId: string, opts: { relType?: string; eventType?: string; after: number; upTo: number; backwards: boolean; limit: number }): Promise<StoredEvent[]> {
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
   * Timeline events of the rooms after each room's read marker and up to `to`, by others
   * than `userId`, newest first, at most UNREAD_LIMIT: the unread counts' basis.
   *
   * The memory answers when it holds a room's events back to the marker, or enough of them.
   * When it does not (a marker older than what is held, and few of the held events count: a
   * room where the user mostly writes), the database is asked for the older part only, and
   * its answer kept (UnreadBase): the next syncs add the memory's newer events to it instead
   * of asking again, until the marker moves or the memory no longer reaches back to it.
   */
  async countAfter(q: Queryable, roomIds: readonly string[], afterByRoom: ReadonlyMap<string, number>, to: number, userId: string): Promise<Map<string, { events: StoredEvent[] }>> {
    const out = new Map<string, { events: StoredEvent[] }>();
    const pass = (e: StoredEvent) => e.sender !== userId && e.stateKey === null && e.redactionEventId === null;
    const asked: { roomId: string; after: number; upTo: number; newer: StoredEvent[]; keep: boolean }[] = [];
    for (const roomId of roomIds) {
      const after = afterByRoom.get(roomId) ?? 0;
      const held = this.recent.newestHeld(roomId, after, to, UNREAD_LIMIT, pass);
      if (held?.complete) {
        if (held.events.length > 0) out.set(roomId, { events: held.events });
        continue;
      }
      if (!held) {
        asked.push({ roomId, after, upTo: to, newer: [], keep: false });
        continue;
      }
      // The older part: (after, from]. (A sync's `to` may lag behind what is held.)
      const from = Math.min(held.from, to);
      const older = this.keptUnreadBase(userId, roomId, after, from);
      if (older) {
        const events = [...held.events, ...older].slice(0, UNREAD_LIMIT);
        this.keepUnreadBase(userId, roomId, { marker: after, upTo: to, events, redactions: this.redactions });
        if (events.length > 0) out.set(roomId, { events });
      } else asked.push({ roomId, after, upTo: from, newer: held.events, keep: true });
    }
    if (asked.length === 0) return out;
    // A redaction committed while the query runs makes its answer stale: kept as such.
    const redactions = this.redactions;
    const rows = await q.query<Row>(
      `SELECT ${COLUMNS} FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS r(room_id, after, up_to) CROSS JOIN LATERAL (
         SELECT ${COLUMNS} FROM syncapi_events e
         WHERE e.room_id = r.room_id AND e.in_timeline AND e.position > r.after AND e.position <= r.up_to
           AND e.sender <> $4 AND e.state_key IS NULL AND e.redaction_event_id IS NULL
         ORDER BY e.position DESC LIMIT ${UNREAD_LIMIT}) e`,
      [asked.map((a) => a.roomId), asked.map((a) => a.after), asked.map((a) => a.upTo), userId],
    );
    const fromDatabase = new Map<string, StoredEvent[]>();
    for (const r of rows) {
      let list = fromDatabase.get(r.room_id);
      if (!list) fromDatabase.set(r.room_id, (list = []));
      list.push(toEvent(r));
    }
    for (const a of asked) {
      const older = (fromDatabase.get(a.roomId) ?? []).sort((x, y) => y.position - x.position);
      const events = [...a.newer, ...older].slice(0, UNREAD_LIMIT);
      if (a.keep) this.keepUnreadBase(userId, a.roomId, { marker: a.after, upTo: to, events, redactions });
      if (events.length > 0) out.set(a.roomId, { events });
    }
    return out;
  }

  /** A redaction committed: what the memory holds of the event changes, and kept unread bases may count it. */
  redacted(eventId: string, json: Record<string, unknown>, redactionEventId: string): void {
    this.recent.redacted(eventId, json, redactionEventId);
    this.redactions++;
  }

  /**
   * A whole answer for (marker, upTo], kept so that later syncs need only the memory's newer
   * events: each use moves it forward, so it keeps reaching the memory's oldest event while
   * the room gets fewer than the memory holds between two of the user's syncs.
   */
  private keepUnreadBase(userId: string, roomId: string, base: UnreadBase): void {
    this.unreadBases.set(`${userId}\u0000${roomId}`, base);
  }

  /**
   * The kept answer for the user's unread events in the room in (marker, upTo], cut at
   * `upTo` (newest first), if there is one that still reaches it and is complete there.
   */
  private keptUnreadBase(userId: string, roomId: string, marker: number, upTo: number): StoredEvent[] | null {
    const base = this.unreadBases.get(`${userId}\u0000${roomId}`);
    if (!base || base.marker !== marker || base.upTo < upTo || base.redactions !== this.redactions) return null;
    const older = base.events.filter((e) => e.position <= upTo);
    // The base holds the newest UNREAD_LIMIT of its range: cut shorter, older ones may be missing.
    return base.events.length < UNREAD_LIMIT || older.length === base.events.length ? older : null;
  }
}
