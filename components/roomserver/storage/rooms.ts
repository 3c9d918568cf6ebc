import type { Queryable } from "../../internal/database/database.js";
import type { CommitWrite } from "./unit-of-work.js";

export interface RoomRecord {
  roomNid: number;
  roomId: string;
  roomVersion: string;
  latestEventNids: number[];
  currentSnapshotNid: number;
  lastSentEventId: string;
  published: boolean;
}

interface Row {
  room_nid: number;
  room_id: string;
  room_version: string;
  latest_event_nids: (number | string)[];
  current_snapshot_nid: number;
  last_sent_event_id: string;
  published: boolean;
}

const fromRow = (r: Row): RoomRecord => ({
  roomNid: r.room_nid,
  roomId: r.room_id,
  roomVersion: r.room_version,
  latestEventNids: r.latest_event_nids.map(Number),
  currentSnapshotNid: r.current_snapshot_nid,
  lastSentEventId: r.last_sent_event_id,
  published: r.published,
});

const COLUMNS = "room_nid, room_id, room_version, latest_event_nids, current_snapshot_nid, last_sent_event_id, published";

export async function selectRoom(q: Queryable, roomId: string): Promise<RoomRecord | null> {
  const [row] = await q.query<Row>(`SELECT ${COLUMNS} FROM roomserver_rooms WHERE room_id = $1`, [roomId]);
  return row ? fromRow(row) : null;
}

export async function insertRoom(q: Queryable, roomId: string, roomVersion: string): Promise<RoomRecord> {
  const [row] = await q.query<Row>(`INSERT INTO roomserver_rooms (room_id, room_version) VALUES ($1, $2) RETURNING ${COLUMNS}`, [
    roomId,
    roomVersion,
  ]);
  return fromRow(row!);
}

export interface RoomLatest {
  roomNid: number;
  latestEventNids: readonly number[];
  currentSnapshotNid: number;
  lastSentEventId: string;
}

/**
 * The statement updating the forward extremities, current state and last sent event of
 * several rooms. Each room's nids travel as an array literal (`{1,2}`) in a text array and
 * are cast back: unnest cannot take an array of arrays of different lengths.
 */
export function updateRoomsLatestStatement(rooms: readonly RoomLatest[]): CommitWrite | null {
  if (rooms.length === 0) return null;
  return {
    sql: `UPDATE roomserver_rooms r
     SET latest_event_nids = v.latest_event_nids::bigint[], current_snapshot_nid = v.current_snapshot_nid,
         last_sent_event_id = v.last_sent_event_id
     FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[])
       AS v (room_nid, latest_event_nids, current_snapshot_nid, last_sent_event_id)
     WHERE r.room_nid = v.room_nid`,
    params: [
      rooms.map((r) => r.roomNid),
      rooms.map((r) => `{${r.latestEventNids.map(nidText).join(",")}}`),
      rooms.map((r) => r.currentSnapshotNid),
      rooms.map((r) => r.lastSentEventId),
    ],
  };
}

function nidText(nid: number): string {
  if (!Number.isSafeInteger(nid)) throw new RangeError(`event nid ${nid} is not an integer`);
  return String(nid);
}

export async function updateRoomPublished(q: Queryable, roomId: string, published: boolean): Promise<number> {
  return q.execute("UPDATE roomserver_rooms SET published = $2 WHERE room_id = $1", [roomId, published]);
}

export async function selectPublishedRoomIds(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ room_id: string }>("SELECT room_id FROM roomserver_rooms WHERE published ORDER BY room_nid");
  return rows.map((r) => r.room_id);
}
